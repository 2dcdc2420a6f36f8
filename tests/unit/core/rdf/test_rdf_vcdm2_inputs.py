"""The VC Data Model 2.0 test-suite inputs canonize as pyld canonizes them, in safe mode."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from microcred.core.errors import CanonicalizationError
from microcred.core.loader import DocumentLoader
from microcred.core.rdf import JsonLdError, canonize

FOLDER = Path(__file__).resolve().parents[3] / "vectors" / "vcdm2-test-suite-inputs"
OK_INPUTS = sorted(path.name for path in FOLDER.glob("*-ok.json"))

#: pyld silently drops "created", "proofPurpose" and "proofValue" from this proof: its
#: context maps Ed25519Signature2020 to an IRI without the suite's scoped context.
UNSAFE = {"credential-proof-ok.json": "proof.created"}


@pytest.mark.parametrize("name", OK_INPUTS)
def test_ok_input_matches_pyld(
    loader: DocumentLoader,
    vector: Callable[[str], Any],
    reference: Callable[[Any], str],
    name: str,
) -> None:
    document = vector(f"vcdm2-test-suite-inputs/{name}")
    if name in UNSAFE:
        with pytest.raises(JsonLdError) as caught:
            canonize(document, loader)
        assert caught.value.location == UNSAFE[name]
        return
    assert canonize(document, loader) == reference(document)


@pytest.mark.parametrize("name", sorted(path.name for path in FOLDER.glob("*.json")))
def test_every_input_gives_canonical_n_quads_or_a_clear_error(
    loader: DocumentLoader, vector: Callable[[str], Any], name: str
) -> None:
    document = vector(f"vcdm2-test-suite-inputs/{name}")
    try:
        text = canonize(document, loader)
    except CanonicalizationError as exc:
        assert str(exc)
        return
    assert text == "" or text.endswith(" .\n")


def test_the_count_of_ok_inputs() -> None:
    assert len(OK_INPUTS) >= 40
