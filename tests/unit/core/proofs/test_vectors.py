"""Every signing vector reproduced byte for byte, and every signed vector verified."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from microcred.core.dids import Resolver
from microcred.core.keys import Ed25519KeyPair
from microcred.core.loader import DocumentLoader
from microcred.core.proofs import ProofExpectations, sign_with_options, verify_proofs
from microcred.core.report import Outcome
from tests.conftest import VECTORS, load_json

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Vector:
    name: str
    unsigned: str
    config: str
    signed: str
    canon_doc: str
    canon_proof: str
    hashes: dict[str, str]  # doc, proof, combined, signature(hex), proofValue: file or literal


def _di(folder: str, suffix: str, unsigned: str = "vc-di-eddsa/unsigned.json") -> Vector:
    base = f"vc-di-eddsa/{folder}"
    return Vector(
        name=folder,
        unsigned=unsigned,
        config=f"{base}/proofConfig{suffix}.json",
        signed=f"{base}/signed{suffix}.json",
        canon_doc=f"{base}/canonDoc{suffix}.txt",
        canon_proof=f"{base}/proofCanon{suffix}.txt",
        hashes={
            "doc": f"{base}/docHash{suffix}.txt",
            "proof": f"{base}/proofHash{suffix}.txt",
            "combined": f"{base}/combinedHash{suffix}.txt",
            "signature": f"{base}/sigHex{suffix}.txt",
            "proofValue": f"{base}/sigBTC58{suffix}.txt",
        },
    )


def _onebed(folder: str, prefix: str) -> Vector:
    return Vector(
        name=folder,
        unsigned=f"{folder}/unsigned.json",
        config=f"{folder}/proofConfig.json",
        signed=f"{folder}/signed.json",
        canon_doc=f"{folder}/document-canon.txt",
        canon_proof=f"{folder}/proof-canon.txt",
        hashes={
            "doc": f"{prefix}-document-hash",
            "proof": f"{prefix}-proof-hash",
            "combined": f"{prefix}-data",
            "signature": f"{prefix}-signature",
            "proofValue": f"{prefix}-proof-value",
        },
    )


VECTORS_LIST = [
    _di("eddsa-rdfc-2022", "DataInt"),
    _di("eddsa-rdfc-2022/employ", "DataInt", "vc-di-eddsa/employmentAuth.json"),
    _di("eddsa-jcs-2022", "JCS"),
    _di("Ed25519Signature2020", "EdSig", "vc-di-eddsa/Ed25519Signature2020/signedEdSig.json"),
    _onebed("ob30-spec-test-vector", "ob"),
    _onebed("clr20-spec-test-vector", "clr"),
]


def _key(vector: Vector) -> Ed25519KeyPair:
    if vector.name.endswith("spec-test-vector"):
        return Ed25519KeyPair.from_multikey(load_json(f"{vector.name}/keyPair.json"))
    return Ed25519KeyPair.from_multikey(load_json("vc-di-eddsa/keyPair.json"))


def _expected(vector: Vector, name: str) -> str:
    ref = vector.hashes[name]
    if ref.endswith(".txt"):
        return (VECTORS / ref).read_text().strip()
    return str(load_json(f"{vector.name}/hashes.json")[ref]["value"])


def _unsigned(vector: Vector) -> dict[str, Any]:
    document = load_json(vector.unsigned)
    document.pop("proof", None)
    return dict(document)


def _options(vector: Vector) -> dict[str, Any]:
    options = dict(load_json(vector.config))
    options.pop("@context", None)  # the suite takes it from the document
    return options


@pytest.fixture(params=VECTORS_LIST, ids=lambda v: v.name)
def vector(request: pytest.FixtureRequest) -> Vector:
    param: Vector = request.param
    return param


def test_reproduces_canonical_forms(vector: Vector, loader: DocumentLoader) -> None:
    computed = sign_with_options(_unsigned(vector), _key(vector), _options(vector), loader=loader)
    assert computed.canonical_document == (VECTORS / vector.canon_doc).read_bytes()
    assert computed.canonical_proof_config == (VECTORS / vector.canon_proof).read_bytes()


def test_reproduces_hashes_and_signature(vector: Vector, loader: DocumentLoader) -> None:
    computed = sign_with_options(_unsigned(vector), _key(vector), _options(vector), loader=loader)
    assert hashlib.sha256(computed.canonical_document).hexdigest() == _expected(vector, "doc")
    assert hashlib.sha256(computed.canonical_proof_config).hexdigest() == _expected(vector, "proof")
    assert computed.hash_data.hex() == _expected(vector, "combined")
    assert computed.signature.hex() == _expected(vector, "signature")
    assert computed.proof["proofValue"] == _expected(vector, "proofValue")


def test_reproduces_signed_document(vector: Vector, loader: DocumentLoader) -> None:
    computed = sign_with_options(_unsigned(vector), _key(vector), _options(vector), loader=loader)
    expected = load_json(vector.signed)
    as_list = isinstance(expected["proof"], list)  # the CLR vector wraps its one proof
    signed = {**_unsigned(vector), "proof": [computed.proof] if as_list else computed.proof}
    assert signed == expected
    assert str(signed["proof"]) == str(expected["proof"])  # member order too


def test_signed_vector_proof_verifies(vector: Vector, loader: DocumentLoader) -> None:
    checks = verify_proofs(
        load_json(vector.signed),
        loader=loader,
        resolver=Resolver(),
        expect=ProofExpectations(now=NOW),
    )
    proof = [c for c in checks if c.name == "proof"]
    assert proof and all(c.outcome in (Outcome.PASS, Outcome.WARNING) for c in proof), checks


CHAINS = ["signedProofSet1", "signedProofSet2", "signedProofChain1", "signedProofChain2"]


@pytest.mark.parametrize("name", CHAINS)
def test_proof_sets_and_chains_verify(name: str, loader: DocumentLoader) -> None:
    document = load_json(f"vc-di-eddsa/proof-set-chain/{name}.json")
    checks = verify_proofs(
        document, loader=loader, resolver=Resolver(), expect=ProofExpectations(now=NOW)
    )
    proofs = [c for c in checks if c.name == "proof"]
    proof = document["proof"]
    assert len(proofs) == (len(proof) if isinstance(proof, list) else 1)
    assert all(c.outcome is Outcome.PASS for c in checks), checks


def _chain_keys() -> dict[str, Ed25519KeyPair]:
    pairs = load_json("vc-di-eddsa/proof-set-chain/multiKeyPairs.json")
    keys = [Ed25519KeyPair.from_multikey(p) for p in pairs.values()]
    return {k.id: k for k in keys}


@pytest.mark.parametrize(
    ("config", "signed", "previous"),
    [
        ("proofSetConfig1", "signedProofSet1", None),
        ("proofSetConfig2", "signedProofSet2", None),
        ("proofChainConfig1", "signedProofChain1", "signedProofSet2"),
        ("proofChainConfig2", "signedProofChain2", "signedProofChain1"),
    ],
)
def test_reproduces_proof_set_and_chain_signatures(
    config: str, signed: str, previous: str | None, loader: DocumentLoader
) -> None:
    base = "vc-di-eddsa/proof-set-chain"
    options = dict(load_json(f"{base}/{config}.json"))
    document = (
        load_json(f"{base}/{previous}.json") if previous else load_json(f"{base}/unsigned.json")
    )
    key = _chain_keys()[options["verificationMethod"]]
    computed = sign_with_options(document, key, options, loader=loader)
    expected = load_json(f"{base}/{signed}.json")["proof"]
    assert computed.proof in (expected if isinstance(expected, list) else [expected])


def test_tampered_vector_fails(loader: DocumentLoader) -> None:
    document = load_json("ob30-spec-test-vector/signed.json")
    document["credentialSubject"]["achievement"]["name"] = "Something else"
    checks = verify_proofs(
        document, loader=loader, resolver=Resolver(), expect=ProofExpectations(now=NOW)
    )
    assert [c.outcome for c in checks] == [Outcome.FAIL]
    assert "changed after signing" in checks[0].message
