"""Canonical N-Quads of the published test vectors, byte for byte."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from microcred.core.loader import DocumentLoader
from microcred.core.rdf import canonize

DOCUMENTS = [
    ("vc-di-eddsa/unsigned.json", "vc-di-eddsa/eddsa-rdfc-2022/canonDocDataInt.txt"),
    (
        "vc-di-eddsa/employmentAuth.json",
        "vc-di-eddsa/eddsa-rdfc-2022/employ/canonDocDataInt.txt",
    ),
    ("vc-di-eddsa/unsigned.json", "vc-di-eddsa/Ed25519Signature2020/canonDocEdSig.txt"),
    ("ob30-spec-test-vector/unsigned.json", "ob30-spec-test-vector/document-canon.txt"),
    ("clr20-spec-test-vector/unsigned.json", "clr20-spec-test-vector/document-canon.txt"),
]

#: (proof configuration, document whose @context it takes if it has none, canonical form)
PROOF_OPTIONS = [
    (
        "vc-di-eddsa/eddsa-rdfc-2022/proofConfigDataInt.json",
        "vc-di-eddsa/unsigned.json",
        "vc-di-eddsa/eddsa-rdfc-2022/proofCanonDataInt.txt",
    ),
    (
        "vc-di-eddsa/eddsa-rdfc-2022/employ/proofConfigDataInt.json",
        "vc-di-eddsa/employmentAuth.json",
        "vc-di-eddsa/eddsa-rdfc-2022/employ/proofCanonDataInt.txt",
    ),
    (
        "vc-di-eddsa/Ed25519Signature2020/proofConfigEdSig.json",
        "vc-di-eddsa/unsigned.json",
        "vc-di-eddsa/Ed25519Signature2020/proofCanonEdSig.txt",
    ),
    (
        "ob30-spec-test-vector/proofConfig.json",
        "ob30-spec-test-vector/unsigned.json",
        "ob30-spec-test-vector/proof-canon.txt",
    ),
    (
        "clr20-spec-test-vector/proofConfig.json",
        "clr20-spec-test-vector/unsigned.json",
        "clr20-spec-test-vector/proof-canon.txt",
    ),
]


@pytest.mark.parametrize(("document", "expected"), DOCUMENTS)
def test_document_canonical_form(
    loader: DocumentLoader,
    vector: Callable[[str], Any],
    vector_text: Callable[[str], str],
    document: str,
    expected: str,
) -> None:
    assert canonize(vector(document), loader) == vector_text(expected)


@pytest.mark.parametrize(("config", "document", "expected"), PROOF_OPTIONS)
def test_proof_options_canonical_form(
    loader: DocumentLoader,
    vector: Callable[[str], Any],
    vector_text: Callable[[str], str],
    config: str,
    document: str,
    expected: str,
) -> None:
    options = dict(vector(config))
    options.setdefault("@context", vector(document)["@context"])
    assert canonize(options, loader) == vector_text(expected)


def test_every_line_ends_with_a_line_feed(
    loader: DocumentLoader, vector: Callable[[str], Any]
) -> None:
    text = canonize(vector("clr20-spec-test-vector/unsigned.json"), loader)
    assert text.endswith("\n")
    assert all(line.endswith(" .") for line in text.split("\n")[:-1])


def test_signed_document_with_its_proof_matches_pyld(
    loader: DocumentLoader,
    vector: Callable[[str], Any],
    reference: Callable[[Any], str],
) -> None:
    # The proof is a @graph container: the proof node lives in a blank-node named graph.
    signed = vector("vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json")
    ours = canonize(signed, loader)
    assert ours == reference(signed)
    assert ours.count("_:c14n0 .") >= 4


def _json_documents() -> list[str]:
    root = Path(__file__).resolve().parents[3] / "vectors"
    names = []
    for path in sorted(root.rglob("*.json")):
        if "vcdm2-test-suite-inputs" in path.parts:
            continue  # compared in test_rdf_vcdm2_inputs
        document = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(document, dict) and "@context" in document:
            names.append(str(path.relative_to(root)))
    return names


@pytest.mark.parametrize("document", _json_documents())
def test_every_json_ld_vector_matches_pyld(
    loader: DocumentLoader,
    vector: Callable[[str], Any],
    reference: Callable[[Any], str],
    document: str,
) -> None:
    data = vector(document)
    assert canonize(data, loader) == reference(data)
