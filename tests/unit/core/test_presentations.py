"""Verifiable Presentations: holder binding, challenge, domain, embedded credentials."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from microcred.core.documents import build_presentation
from microcred.core.issue import issue
from microcred.core.keys import Ed25519KeyPair
from microcred.core.loader import DocumentLoader
from microcred.core.presentations import verify_presentation
from microcred.core.proofs import add_proof
from microcred.core.report import Outcome, VerificationReport
from microcred.core.verify import Verifier

NOW = datetime(2026, 5, 1, tzinfo=UTC)
VERIFIER = Verifier(now=lambda: NOW)


def _credential(issuer: Ed25519KeyPair, subject: str, **changes: Any) -> dict[str, Any]:
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:1a2b3c4d-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential"],
        "issuer": issuer.controller,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": subject, "name": "A. Learner"},
        **changes,
    }
    return issue(document, key=issuer, now=NOW)


def _presentation(
    holder: Ed25519KeyPair,
    credentials: list[dict[str, Any]],
    *,
    challenge: str | None = "c-123",
    domain: str | None = "verifier.example",
    purpose: str = "authentication",
    signer: Ed25519KeyPair | None = None,
) -> dict[str, Any]:
    unsigned = build_presentation(holder=holder.controller, credentials=credentials)
    return add_proof(
        unsigned,
        signer or holder,
        loader=DocumentLoader(),
        created=NOW,
        proof_purpose=purpose,
        challenge=challenge,
        domain=domain,
    )


@pytest.fixture(scope="module")
def parties() -> tuple[Ed25519KeyPair, Ed25519KeyPair]:
    return Ed25519KeyPair.generate(), Ed25519KeyPair.generate()


def _failed(report: VerificationReport, name: str, words: str) -> None:
    assert not report.verified
    failing = [c for c in report.checks if c.name == name and c.outcome is Outcome.FAIL]
    assert failing and words in failing[0].message, report.to_json()


def test_bound_presentation_verifies(parties: tuple[Ed25519KeyPair, Ed25519KeyPair]) -> None:
    issuer, holder = parties
    vp = _presentation(holder, [_credential(issuer, holder.controller)])
    report = verify_presentation(
        vp, challenge="c-123", domain="verifier.example", verifier=VERIFIER
    )
    assert report.verified, report.to_json()
    assert report.kind == "presentation"
    assert [c.name for c in report.checks] == [
        "parse",
        "context",
        "schema",
        "proof",
        "issuer",
        "credentials",
    ]


def test_wrong_challenge_and_domain(parties: tuple[Ed25519KeyPair, Ed25519KeyPair]) -> None:
    issuer, holder = parties
    vp = _presentation(holder, [_credential(issuer, holder.controller)])
    _failed(verify_presentation(vp, challenge="other", verifier=VERIFIER), "proof", "challenge")
    report = verify_presentation(vp, challenge="c-123", domain="evil.example", verifier=VERIFIER)
    _failed(report, "proof", "domain")
    assert report.get("proof") is not None
    assert report.checks[3].problem == "INVALID_DOMAIN_ERROR"


def test_assertion_purpose_is_refused(parties: tuple[Ed25519KeyPair, Ed25519KeyPair]) -> None:
    issuer, holder = parties
    vp = _presentation(holder, [_credential(issuer, holder.controller)], purpose="assertionMethod")
    _failed(
        verify_presentation(vp, challenge="c-123", verifier=VERIFIER), "proof", "'authentication'"
    )


def test_signed_by_someone_other_than_the_holder(
    parties: tuple[Ed25519KeyPair, Ed25519KeyPair],
) -> None:
    issuer, holder = parties
    thief = Ed25519KeyPair.generate()
    vp = _presentation(holder, [_credential(issuer, holder.controller)], signer=thief)
    _failed(
        verify_presentation(vp, challenge="c-123", verifier=VERIFIER), "issuer", "not the holder"
    )


def test_unbound_presentations_warn(parties: tuple[Ed25519KeyPair, Ed25519KeyPair]) -> None:
    issuer, holder = parties
    vp = _presentation(holder, [_credential(issuer, holder.controller)], challenge=None)
    report = verify_presentation(vp, challenge=None, verifier=VERIFIER)
    assert report.verified
    assert report.get("challenge") is not None
    unsigned = build_presentation(
        holder=holder.controller, credentials=[_credential(issuer, "did:example:x")]
    )
    report = verify_presentation(unsigned, challenge=None, verifier=VERIFIER)
    proof = report.get("proof")
    assert proof is not None and proof.outcome is Outcome.WARNING and "not signed" in proof.message
    bound = verify_presentation(unsigned, challenge="c-1", verifier=VERIFIER)
    _failed(bound, "proof", "cannot answer the verifier's challenge")


def test_a_bad_embedded_credential_fails_the_presentation(
    parties: tuple[Ed25519KeyPair, Ed25519KeyPair],
) -> None:
    issuer, holder = parties
    credential = _credential(issuer, holder.controller)
    credential["credentialSubject"]["name"] = "Someone Else"
    vp = _presentation(holder, [credential])
    report = verify_presentation(vp, challenge="c-123", verifier=VERIFIER)
    _failed(report, "credentials", "did not verify (proof:")


def test_presentation_without_credentials_and_with_strings(
    parties: tuple[Ed25519KeyPair, Ed25519KeyPair],
) -> None:
    _, holder = parties
    vp = _presentation(holder, [])
    report = verify_presentation(vp, challenge="c-123", verifier=VERIFIER)
    credentials = report.get("credentials")
    assert credentials is not None and credentials.outcome is Outcome.SKIPPED
    vp["verifiableCredential"] = ["urn:uuid:not-embedded"]
    report = verify_presentation(vp, challenge="c-123", verifier=VERIFIER)
    _failed(report, "credentials", "not an embedded credential")


def test_unparseable_presentation() -> None:
    report = verify_presentation(b"{nope", challenge="x", verifier=VERIFIER)
    _failed(report, "parse", "invalid JSON")
    assert verify_presentation(b"{}", challenge="x").verified is False


@pytest.mark.parametrize(
    "envelope",
    [
        {"type": "EnvelopedVerifiableCredential", "id": "https://not-a-data-url.example/vc"},
        {"type": "EnvelopedVerifiableCredential", "id": "data:text/plain,hello"},
    ],
)
def test_envelopes_that_hold_no_jws_are_judged_as_documents(
    parties: tuple[Ed25519KeyPair, Ed25519KeyPair], envelope: dict[str, Any]
) -> None:
    _, holder = parties
    vp = _presentation(holder, [])
    vp["verifiableCredential"] = [{"@context": "https://www.w3.org/ns/credentials/v2", **envelope}]
    report = verify_presentation(vp, challenge="c-123", verifier=VERIFIER)
    _failed(report, "credentials", "did not verify")


def test_report_lists_warnings(parties: tuple[Ed25519KeyPair, Ed25519KeyPair]) -> None:
    issuer, holder = parties
    vp = _presentation(holder, [_credential(issuer, holder.controller)], challenge=None)
    report = verify_presentation(vp, challenge=None, verifier=VERIFIER)
    assert [c.name for c in report.warnings] == ["challenge"]
