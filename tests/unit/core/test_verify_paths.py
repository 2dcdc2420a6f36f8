"""Less common verification paths: VC 1.1, bad contexts and dates, JWTs, any-input sniffing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from microcred.core.documents import hash_identity
from microcred.core.errors import DocumentError
from microcred.core.inputs import sniff, verify_input, verify_text
from microcred.core.issue import issue, issue_jwt, prepare
from microcred.core.keys import Ed25519KeyPair
from microcred.core.loader import DocumentLoader
from microcred.core.proofs import add_proof
from microcred.core.report import Outcome, VerificationReport
from microcred.core.timeutil import format_datetime, parse_datetime
from microcred.core.verify import Verifier, context_check, validity_check, verify_credential
from tests.conftest import load_json

NOW = datetime(2026, 4, 1, tzinfo=UTC)
KEY = Ed25519KeyPair.generate()
VERIFIER = Verifier(now=lambda: NOW)


def _vc(**changes: Any) -> dict[str, Any]:
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": KEY.controller,
        "credentialSubject": {"id": "did:example:s", "name": "S"},
    }
    document.update(changes)
    return document


def _check(report: VerificationReport, name: str) -> tuple[Outcome, str]:
    check = report.get(name)
    assert check is not None, report.to_json()
    return check.outcome, check.message


def test_verifier_method_and_default_clock() -> None:
    signed = issue(_vc(), key=KEY)
    assert Verifier().verify_credential(signed).verified


def test_vc_1_1_credential() -> None:
    document = _vc(issuanceDate="2026-01-01T00:00:00", expirationDate="2026-03-01T00:00:00Z")
    document["@context"] = [
        "https://www.w3.org/2018/credentials/v1",
        "https://w3id.org/security/data-integrity/v2",
    ]
    document["credentialSubject"] = {"id": "did:example:s"}
    signed = add_proof(document, KEY, loader=DocumentLoader(), created=NOW)
    report = verify_credential(signed, verifier=VERIFIER)
    assert _check(report, "context") == (
        Outcome.PASS,
        "The contexts are known (VC Data Model 1.1) and define every term used.",
    )
    assert _check(report, "validity")[1] == "The credential expired on 2026-03-01T00:00:00Z."


@pytest.mark.parametrize(
    ("context", "words"),
    [
        (None, "has no @context"),
        ([], "has no @context"),
        (["https://w3id.org/openbadges/v2"], "The first @context must be"),
        (["https://www.w3.org/ns/credentials/v2", 5], "must be a URL or an object"),
    ],
)
def test_bad_contexts(context: Any, words: str) -> None:
    document = _vc()
    document["@context"] = context
    outcome, message = (
        context_check(document, DocumentLoader()).outcome,
        context_check(document, DocumentLoader()).message,
    )
    assert outcome is Outcome.FAIL and words in message


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ({}, "The credential states no validity period."),
        (
            {"validFrom": "2026-01-01T00:00:00Z"},
            "The credential is valid since 2026-01-01T00:00:00Z.",
        ),
        (
            {"validUntil": "2027-01-01T00:00:00Z"},
            "The credential is valid until 2027-01-01T00:00:00Z.",
        ),
        ({"validFrom": "soon"}, "validFrom is not a valid date and time."),
        ({"validUntil": "2027-01-01"}, "validUntil is not a valid date and time."),
    ],
)
def test_validity_sentences(dates: dict[str, str], expected: str) -> None:
    assert validity_check(_vc(**dates), NOW).message == expected


def test_schema_failures_and_warnings_are_reported() -> None:
    document = _vc()
    document["credentialSubject"] = {}
    report = verify_credential(
        add_proof(document, KEY, loader=DocumentLoader(), suite="eddsa-jcs-2022"), verifier=VERIFIER
    )
    outcome, message = _check(report, "schema")
    assert outcome is Outcome.FAIL and "credentialSubject" in message


def test_schema_sentence_counts_more_issues() -> None:
    document = {"@context": ["https://www.w3.org/ns/credentials/v2"], "proof": {}}
    report = verify_credential(document, verifier=VERIFIER)
    outcome, message = _check(report, "schema")
    assert outcome is Outcome.FAIL and "more)" in message


def test_non_json_mapping_is_refused() -> None:
    report = verify_credential({"when": datetime(2026, 1, 1)}, verifier=VERIFIER)
    assert _check(report, "parse")[0] is Outcome.FAIL
    assert "not JSON data" in _check(report, "parse")[1]


def test_jwt_reports_and_bad_tokens() -> None:
    token = issue_jwt(_vc(validFrom="2026-01-01T00:00:00Z"), key=KEY)
    report = verify_credential(token, verifier=VERIFIER)
    assert report.verified and report.kind == "credential-jwt"
    assert [c.name for c in report.checks][:3] == ["parse", "context", "schema"]
    distrust = Verifier(now=lambda: NOW, trusted_issuers=["did:web:someone.example"])
    assert not verify_credential(token, verifier=distrust).verified
    broken = verify_credential(token[:-4] + "AAAA", verifier=VERIFIER)
    assert _check(broken, "proof")[0] is Outcome.FAIL
    garbage = verify_credential("aaa.bbb.ccc", verifier=VERIFIER)
    assert _check(garbage, "parse")[0] is Outcome.FAIL


def test_prepare_refuses_what_it_must() -> None:
    with pytest.raises(DocumentError, match="does not control the signing key"):
        prepare(_vc(issuer="did:example:someone"), KEY, DocumentLoader())
    with pytest.raises(DocumentError, match="not valid"):
        prepare(_vc(type=["Thing"]), KEY, DocumentLoader())


def test_sniffing() -> None:
    assert sniff(b"\x89PNG\r\n\x1a\nrest") == "png"
    assert sniff(b"  <?xml version='1.0'?><svg/>") == "svg"
    assert sniff(b"eyJhbGciOiJFZERTQSJ9.eyJhIjoxfQ.c2ln") == "jwt"
    assert sniff(b'{"a": 1}') == "json"


def test_input_size_limit() -> None:
    report = verify_input(b" " * 10_000_001)
    assert "the limit is 10,000,000" in _check(report, "parse")[1]


def test_any_input_routes_presentations_and_credentials() -> None:
    signed = issue(_vc(), key=KEY)
    assert verify_input(json.dumps(signed).encode(), verifier=VERIFIER).verified
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [signed],
    }
    report = verify_input(json.dumps(vp).encode(), verifier=VERIFIER)
    assert report.kind == "presentation" and report.verified
    token = issue_jwt(_vc(), key=KEY)
    assert verify_text(token, verifier=VERIFIER).verified
    assert not verify_text(b"{broken", verifier=VERIFIER).verified


def test_urls_need_a_fetcher_and_are_fetched_through_it() -> None:
    signed = issue(_vc(), key=KEY)
    refused = verify_text("https://issuer.example/c/1", verifier=VERIFIER)
    assert "fetching it is not allowed" in _check(refused, "parse")[1]
    store = {"https://issuer.example/c/1": json.dumps(signed).encode()}

    def fetch(url: str) -> bytes:
        if url not in store:
            from microcred.core.errors import DocumentLoaderError

            raise DocumentLoaderError("404")
        return store[url]

    assert verify_text("https://issuer.example/c/1", verifier=VERIFIER, fetch=fetch).verified
    missing = verify_text("https://issuer.example/c/2", verifier=VERIFIER, fetch=fetch)
    assert "could not be fetched: 404" in _check(missing, "parse")[1]


def test_ob2_assertions_are_routed_to_the_ob2_verifier() -> None:
    assertion = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://issuer.example/assertions/1",
        "recipient": {"type": "email", "hashed": False, "identity": "a@example.org"},
        "badge": "https://issuer.example/badges/1",
        "verification": {"type": "hosted"},
        "issuedOn": "2025-01-01T00:00:00Z",
    }
    report = verify_input(json.dumps(assertion).encode(), verifier=VERIFIER)
    assert report.kind == "ob2-assertion" and not report.verified


def test_timeutil() -> None:
    assert parse_datetime("2026-01-01T00:00:00.1234567+02:00") == datetime(
        2025, 12, 31, 22, 0, 0, 123456, tzinfo=UTC
    )
    assert parse_datetime("2026-02-30T00:00:00Z") is None
    assert parse_datetime(5) is None
    assert parse_datetime("2026-01-01T00:00:00", require_timezone=False) == datetime(
        2026, 1, 1, tzinfo=UTC
    )
    assert format_datetime(datetime(2026, 1, 1, 1, 2, 3, 999, tzinfo=UTC)) == "2026-01-01T01:02:03Z"


def test_ob_vector_end_to_end_with_identity() -> None:
    signed = load_json("ob30-spec-test-vector/signed.json")
    report = verify_credential(signed, verifier=VERIFIER)
    assert report.verified, report.to_json()
    assert _check(report, "issuer")[0] is Outcome.WARNING
    assert hash_identity("x@example.org", "salt").identity_hash.startswith("sha256$")


def test_issuing_refuses_integers_javascript_cannot_read() -> None:
    with pytest.raises(DocumentError, match=r"credentialSubject.name\[1\] is the integer"):
        issue(_vc(credentialSubject={"id": "did:example:s", "name": [1, 2**53]}), key=KEY)
    signed = issue(_vc(credentialSubject={"id": "did:example:s", "name": [2**53 - 1]}), key=KEY)
    assert signed["proof"]["proofValue"]


def test_issuing_applies_the_open_badges_rules() -> None:
    document = load_json("ob30-spec-test-vector/unsigned.json")
    document["issuer"]["id"] = KEY.controller
    del document["credentialSubject"]["achievement"]["criteria"]
    with pytest.raises(DocumentError, match="criteria"):
        issue(document, key=KEY)


def test_a_jwt_whose_payload_is_not_json_is_a_parse_failure() -> None:
    report = verify_credential("eyJhbGciOiJFZERTQSJ9.bm90IGpzb24.c2ln", verifier=VERIFIER)
    assert report.kind == "credential-jwt" and not report.verified
    assert [c.name for c in report.checks] == ["parse"]
