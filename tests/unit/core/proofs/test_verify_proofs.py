"""Every way a Data Integrity proof is refused, each with its sentence and problem code."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from microcred.core import multibase
from microcred.core.dids import Resolver
from microcred.core.errors import ProofError
from microcred.core.keys import Ed25519KeyPair
from microcred.core.loader import DocumentLoader
from microcred.core.proofs import (
    ProofExpectations,
    add_proof,
    compute_proof,
    sign_with_options,
    signing_suite,
)
from microcred.core.report import Check, Outcome

NOW = datetime(2026, 2, 1, tzinfo=UTC)
KEY = Ed25519KeyPair.generate()
LOADER = DocumentLoader()


def _document() -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": KEY.controller,
        "credentialSubject": {"id": "did:example:s", "name": "S"},
    }


def _signed(**options: Any) -> dict[str, Any]:
    return add_proof(_document(), KEY, loader=LOADER, created=NOW, **options)


def _verify(document: dict[str, Any], **expect: Any) -> list[Check]:
    from microcred.core.proofs import verify_proofs

    expectations = ProofExpectations(now=NOW, controller=KEY.controller, **expect)
    return verify_proofs(document, loader=LOADER, resolver=Resolver(), expect=expectations)


def _refused(checks: list[Check], words: str, problem: str) -> None:
    failing = [c for c in checks if c.outcome is Outcome.FAIL]
    assert failing, checks
    assert words in failing[0].message, failing[0].message
    assert failing[0].problem == problem


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(proof: dict[str, Any]) -> None:
        proof[key] = value

    return change


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda proof: proof.pop(key)


@pytest.mark.parametrize(
    ("change", "words", "problem"),
    [
        (_drop("proofValue"), "proofValue is missing", "MALFORMED_VALUE_ERROR"),
        (_set("verificationMethod", 7), "verificationMethod is missing", "MALFORMED_VALUE_ERROR"),
        (_set("created", "yesterday"), "created date is not", "MALFORMED_VALUE_ERROR"),
        (_set("expires", "soon"), "expires date is not", "MALFORMED_VALUE_ERROR"),
        (_set("expires", "2026-01-01T00:00:00Z"), "expired at", "PROOF_VERIFICATION_ERROR"),
        (_set("proofValue", "u" + "A" * 86), "not multibase base58btc", "MALFORMED_VALUE_ERROR"),
        (_set("proofValue", "z0OIl"), "cannot be decoded", "MALFORMED_VALUE_ERROR"),
        (_set("proofValue", "z2"), "not a 64-byte Ed25519 signature", "MALFORMED_VALUE_ERROR"),
        (_set("type", "RsaSignature2018"), "unknown cryptosuite", "PROOF_VERIFICATION_ERROR"),
        (
            _set("verificationMethod", "did:example:123#k"),
            "its key cannot be found",
            "INVALID_VERIFICATION_METHOD",
        ),
        (_set("previousProof", 5), "previousProof is not", "MALFORMED_VALUE_ERROR"),
        (
            _set("previousProof", "urn:uuid:gone"),
            "urn:uuid:gone it chains to is missing",
            "PROOF_VERIFICATION_ERROR",
        ),
        (
            _set("@context", ["https://www.w3.org/ns/credentials/examples/v2"]),
            "does not start with the proof's @context",
            "PROOF_VERIFICATION_ERROR",
        ),
    ],
)
def test_refused_proofs(change: Callable[[dict[str, Any]], None], words: str, problem: str) -> None:
    document = _signed()
    change(document["proof"])
    _refused(_verify(document), words, problem)


def test_not_an_object_and_empty_list() -> None:
    document = _signed()
    document["proof"] = "a proof"
    _refused(_verify(document), "not a JSON object", "MALFORMED_VALUE_ERROR")
    document["proof"] = []
    _refused(_verify(document), "proof list is empty", "PROOF_VERIFICATION_ERROR")


def test_signed_data_that_cannot_be_computed() -> None:
    document = _signed()
    document["credentialSubject"]["undefinedThing"] = 1
    _refused(_verify(document), "the signed data cannot be computed", "MALFORMED_VALUE_ERROR")


def test_proof_context_that_prefixes_the_document_context_is_accepted() -> None:
    document = _signed()
    document["proof"]["@context"] = ["https://www.w3.org/ns/credentials/v2"]
    assert all(c.outcome is Outcome.PASS for c in _verify(document))


def test_domain_lists_and_challenge() -> None:
    document = _signed(challenge="abc", domain=["a.example", "b.example"])
    checks = _verify(document, challenge="abc", domain="b.example")
    assert all(c.outcome is Outcome.PASS for c in checks)


def test_json_web_key_method_is_not_an_eddsa_key() -> None:
    did = "did:web:i.example"
    resolver = Resolver(
        documents={
            did: {
                "id": did,
                "verificationMethod": [
                    {
                        "id": "#k",
                        "type": "JsonWebKey",
                        "controller": did,
                        "publicKeyJwk": {"kty": "EC"},
                    }
                ],
            }
        }
    )
    from microcred.core.proofs import verify_proofs

    document = _signed()
    document["proof"]["verificationMethod"] = f"{did}#k"
    checks = verify_proofs(
        document, loader=LOADER, resolver=resolver, expect=ProofExpectations(now=NOW)
    )
    _refused(checks, "is not an Ed25519 key", "INVALID_VERIFICATION_METHOD")


def test_key_without_assertion_relationship() -> None:
    did = "did:web:i.example"
    key = Ed25519KeyPair.generate(controller=did, key_id=f"{did}#k")
    resolver = Resolver(
        documents={
            did: {
                "id": did,
                "verificationMethod": [
                    {
                        "id": "#k",
                        "type": "Multikey",
                        "controller": did,
                        "publicKeyMultibase": key.public_key.multibase,
                    }
                ],
                "authentication": ["#k"],
            }
        }
    )
    from microcred.core.proofs import verify_proofs

    document = dict(_document(), issuer=did)
    signed = add_proof(document, key, loader=LOADER, created=NOW)
    checks = verify_proofs(
        signed, loader=LOADER, resolver=resolver, expect=ProofExpectations(now=NOW, controller=did)
    )
    assert checks[0].outcome is Outcome.PASS
    _refused(checks, "does not authorise the key", "INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD")


def test_signing_errors_are_caller_mistakes() -> None:
    with pytest.raises(ProofError, match="cannot sign with 'rsa'"):
        signing_suite("rsa")
    with pytest.raises(ProofError, match="does not sign with eddsa-2022"):
        sign_with_options(
            _document(),
            KEY,
            {
                "type": "DataIntegrityProof",
                "cryptosuite": "eddsa-2022",
                "verificationMethod": KEY.id,
            },
            loader=LOADER,
        )
    with pytest.raises(ProofError, match="other than the key's"):
        sign_with_options(
            _document(),
            KEY,
            {
                "type": "DataIntegrityProof",
                "cryptosuite": "eddsa-rdfc-2022",
                "verificationMethod": "x",
            },
            loader=LOADER,
        )
    with pytest.raises(ProofError, match="lacks: urn:uuid:none"):
        compute_proof(_document(), KEY, loader=LOADER, previousProof="urn:uuid:none")


def test_proof_sets_and_chains_built_here_verify() -> None:
    first = add_proof(_document(), KEY, loader=LOADER, created=NOW, id="urn:uuid:p1")
    second = add_proof(first, KEY, loader=LOADER, created=NOW, id="urn:uuid:p2")
    chained = add_proof(second, KEY, loader=LOADER, created=NOW, previousProof="urn:uuid:p2")
    checks = _verify(chained)
    assert len([c for c in checks if c.name == "proof"]) == 3
    assert all(c.outcome is Outcome.PASS for c in checks), checks
    broken = copy.deepcopy(chained)
    broken["proof"][1]["created"] = "2026-01-02T00:00:00Z"
    outcomes = [c.outcome for c in _verify(broken) if c.name == "proof"]
    assert outcomes == [Outcome.PASS, Outcome.FAIL, Outcome.FAIL]  # the chain breaks too


def test_jcs_signature_and_documents_without_context() -> None:
    document = _document()
    signed = add_proof(document, KEY, loader=LOADER, suite="eddsa-jcs-2022", created=NOW)
    assert signed["proof"]["@context"] == document["@context"]
    assert all(c.outcome is Outcome.PASS for c in _verify(signed))
    bare = {"issuer": KEY.controller, "value": 1}
    jcs = add_proof(bare, KEY, loader=LOADER, suite="eddsa-jcs-2022")
    assert "@context" not in jcs["proof"] and "created" not in jcs["proof"]
    assert all(c.outcome is Outcome.PASS for c in _verify(jcs))


def test_signature_length_constant() -> None:
    signature = KEY.sign(b"x")
    assert multibase.decode(multibase.encode_base58btc(signature)) == signature


def test_a_witness_proof_beside_the_issuer_s_is_a_warning() -> None:
    witness = Ed25519KeyPair.generate()
    first = add_proof(_document(), KEY, loader=LOADER, created=NOW, id="urn:uuid:issuer-proof")
    both = add_proof(
        first, witness, loader=LOADER, created=NOW, previousProof="urn:uuid:issuer-proof"
    )
    checks = _verify(both)
    assert [c.outcome for c in checks if c.name == "proof"] == [Outcome.PASS, Outcome.PASS]
    issuer = [c for c in checks if c.name == "issuer"]
    assert [c.outcome for c in issuer] == [Outcome.PASS, Outcome.WARNING]
    assert "additional signature" in issuer[1].message
    only_witness = add_proof(_document(), witness, loader=LOADER, created=NOW)
    _refused(_verify(only_witness), "which is not the issuer", "INVALID_VERIFICATION_METHOD")
