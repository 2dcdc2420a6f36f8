from __future__ import annotations

import base64
import copy
import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jws as joserfc_jws
from joserfc.jwk import OctKey, RSAKey

from microcred.core.ob2 import is_ob2_jws, recipient_matches, verify_ob2
from microcred.core.report import Outcome, Problem, VerificationReport

NOW = datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)
V2 = "https://w3id.org/openbadges/v2"
ISSUER = "https://issuer.example/issuer"
KEY = "https://issuer.example/keys/1"
BADGE = "https://issuer.example/badges/robotics"
REVOCATIONS = "https://issuer.example/revocations"
HOSTED = "https://issuer.example/assertions/1"
SALT = "deadsea"
PRIVATE = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PEM = (
    PRIVATE.public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)


def sha256(text: str) -> str:
    return "sha256$" + hashlib.sha256(text.encode()).hexdigest()


def documents() -> dict[str, dict[str, Any]]:
    return {
        ISSUER: {
            "@context": V2,
            "id": ISSUER,
            "type": "Issuer",
            "name": "Example Maker Society",
            "url": "https://issuer.example",
            "email": "badges@issuer.example",
            "publicKey": KEY,
            "revocationList": REVOCATIONS,
        },
        KEY: {
            "@context": V2,
            "id": KEY,
            "type": "CryptographicKey",
            "owner": ISSUER,
            "publicKeyPem": PEM,
        },
        BADGE: {
            "@context": V2,
            "id": BADGE,
            "type": "BadgeClass",
            "name": "3-D Printmaster",
            "description": "Awarded for printing.",
            "image": "https://issuer.example/badges/robotics/image",
            "criteria": {"narrative": "Print something."},
            "issuer": ISSUER,
        },
        REVOCATIONS: {
            "@context": V2,
            "id": REVOCATIONS,
            "type": "RevocationList",
            "issuer": ISSUER,
            "revokedAssertions": [{"id": "urn:uuid:0000", "revocationReason": "test"}],
        },
        HOSTED: assertion(),
    }


def assertion(**changes: Any) -> dict[str, Any]:
    document = {
        "@context": V2,
        "id": HOSTED,
        "type": "Assertion",
        "recipient": {
            "type": "email",
            "identity": sha256("alice@example.org" + SALT),
            "hashed": True,
            "salt": SALT,
        },
        "badge": BADGE,
        "verification": {"type": "hosted"},
        "issuedOn": "2025-03-01T10:00:00+00:00",
    }
    document.update(changes)
    return document


def signed_assertion(**changes: Any) -> dict[str, Any]:
    document = assertion(
        id="urn:uuid:2b0d2a56-4b7c-4b2a-9a3e-0c1f1c6d7e88",
        verification={"type": "SignedBadge", "creator": KEY},
    )
    document.update(changes)
    return document


def sign(payload: dict[str, Any], alg: str = "RS256") -> str:
    key = RSAKey.import_key(PRIVATE)
    return joserfc_jws.serialize_compact({"alg": alg}, json.dumps(payload), key, algorithms=[alg])


class NotFoundError(Exception):
    pass


def fetcher(served: dict[str, dict[str, Any]]) -> Callable[[str], bytes]:
    def fetch(url: str) -> bytes:
        if url not in served:
            raise NotFoundError(f"404 Not Found: {url}")
        return json.dumps(served[url]).encode()

    return fetch


def outcomes(report: VerificationReport) -> dict[str, Outcome]:
    return {check.name: check.outcome for check in report}


def check(report: VerificationReport, name: str) -> tuple[Outcome, str, str | None]:
    found = report.get(name)
    assert found is not None, f"no {name} check in {report.checks}"
    return found.outcome, found.message, found.problem


ALL_PASS = dict.fromkeys(("parse", "schema", "proof", "issuer", "validity", "status"), Outcome.PASS)


# ---------------------------------------------------------------------------- hosted


def test_hosted_assertion_verifies() -> None:
    report = verify_ob2(assertion(), fetch=fetcher(documents()), now=NOW)
    assert report.kind == "ob2-assertion"
    assert [c.name for c in report] == list(ALL_PASS)
    assert outcomes(report) == ALL_PASS, report.checks
    assert report.verified
    assert "Example Maker Society" in check(report, "issuer")[1]


def test_hosted_assertion_from_its_url_or_json_text() -> None:
    for given in (HOSTED, json.dumps(assertion())):
        report = verify_ob2(given, fetch=fetcher(documents()), now=NOW)
        assert outcomes(report) == ALL_PASS, report.checks


def test_hosted_copy_that_differs_fails_the_proof() -> None:
    forged = assertion(badge="https://issuer.example/badges/other", issuedOn="2025-04-01T00:00:00Z")
    report = verify_ob2(forged, fetch=fetcher(documents()), now=NOW)
    outcome, message, problem = check(report, "proof")
    assert outcome is Outcome.FAIL
    assert problem == Problem.PROOF_VERIFICATION_ERROR
    assert "badge, issuedOn" in message
    assert report.document == documents()[HOSTED]  # the issuer's copy is the source of truth


def test_hosted_assertion_revoked_by_the_issuer() -> None:
    served = documents()
    served[HOSTED] = {"@context": V2, "id": HOSTED, "revoked": True, "revocationReason": "Cheating"}
    report = verify_ob2(assertion(), fetch=fetcher(served), now=NOW)
    outcome, message, problem = check(report, "status")
    assert outcome is Outcome.FAIL
    assert problem == Problem.STATUS_VERIFICATION_ERROR
    assert "Cheating" in message
    assert not report.verified


def test_hosted_assertion_that_is_gone() -> None:
    served = documents()
    del served[HOSTED]
    report = verify_ob2(assertion(), fetch=fetcher(served), now=NOW)
    outcome, message, _ = check(report, "proof")
    assert outcome is Outcome.FAIL
    assert "404" in message and "410 Gone" in message


def test_expired_assertion() -> None:
    served = documents()
    served[HOSTED] = assertion(expires="2025-12-31T23:59:59Z")
    report = verify_ob2(served[HOSTED], fetch=fetcher(served), now=NOW)
    outcome, message, problem = check(report, "validity")
    assert outcome is Outcome.FAIL
    assert problem == Problem.RANGE_ERROR
    assert "expired" in message
    assert outcomes(report)["proof"] is Outcome.PASS


def test_hosted_assertion_outside_the_issuers_scope() -> None:
    served = documents()
    elsewhere = "https://evil.example/assertions/1"
    served[elsewhere] = assertion(id=elsewhere)
    report = verify_ob2(elsewhere, fetch=fetcher(served), now=NOW)
    outcome, message, _ = check(report, "issuer")
    assert outcome is Outcome.FAIL
    assert "evil.example" in message
    served[ISSUER]["verification"] = {"allowedOrigins": ["evil.example"]}
    assert outcomes(verify_ob2(elsewhere, fetch=fetcher(served), now=NOW))["issuer"] is Outcome.PASS


def test_hosted_assertion_outside_the_issuers_start_path() -> None:
    served = documents()
    served[ISSUER]["verification"] = {"startsWith": "https://issuer.example/badges/"}
    report = verify_ob2(assertion(), fetch=fetcher(served), now=NOW)
    assert check(report, "issuer")[0] is Outcome.FAIL


def test_hosted_verification_without_a_fetcher() -> None:
    report = verify_ob2(assertion(), fetch=None, now=NOW)
    outcome, message, _ = check(report, "proof")
    assert outcome is Outcome.FAIL
    assert "fetching is not enabled" in message
    assert not report.verified


def test_hosted_assertion_whose_id_is_no_url() -> None:
    report = verify_ob2(assertion(id="urn:uuid:1"), fetch=fetcher(documents()), now=NOW)
    assert check(report, "proof")[0] is Outcome.FAIL


def test_fetched_document_that_is_not_json() -> None:
    def fetch(url: str) -> bytes:
        return b"<html>Not here</html>"

    report = verify_ob2(assertion(), fetch=fetch, now=NOW)
    outcome, message, _ = check(report, "proof")
    assert outcome is Outcome.FAIL
    assert "not usable" in message


def test_embedded_issuer_without_an_http_id_is_only_a_warning() -> None:
    served = documents()
    served[KEY]["owner"] = "urn:uuid:issuer"
    issuer = {"id": "urn:uuid:issuer", "type": "Profile", "name": "Nobody", "publicKey": KEY}
    badge = {"id": "urn:uuid:badge", "type": "BadgeClass", "name": "Ephemeral", "issuer": issuer}
    report = verify_ob2(sign(signed_assertion(badge=badge)), fetch=fetcher(served), now=NOW)
    outcome, message, _ = check(report, "issuer")
    assert outcome is Outcome.WARNING
    assert "embedded" in message
    assert check(report, "proof")[0] is Outcome.PASS


def test_hosted_assertion_with_an_embedded_issuer_cannot_be_scoped() -> None:
    served = documents()
    issuer = {"id": "urn:uuid:issuer", "type": "Profile", "name": "Nobody"}
    served[HOSTED] = assertion(
        badge={"id": "urn:uuid:badge", "type": "BadgeClass", "name": "Ephemeral", "issuer": issuer}
    )
    report = verify_ob2(served[HOSTED], fetch=fetcher(served), now=NOW)
    assert check(report, "issuer")[0] is Outcome.FAIL


# ---------------------------------------------------------------------------- signed


def test_signed_assertion_verifies() -> None:
    token = sign(signed_assertion())
    assert is_ob2_jws(token)
    report = verify_ob2(token, fetch=fetcher(documents()), now=NOW)
    assert outcomes(report) == ALL_PASS, report.checks
    assert KEY in check(report, "proof")[1]


def test_signed_assertion_without_creator_uses_the_issuers_keys() -> None:
    token = sign(signed_assertion(verification={"type": "signed"}))
    report = verify_ob2(token, fetch=fetcher(documents()), now=NOW)
    assert outcomes(report) == ALL_PASS, report.checks


def test_tampered_signed_assertion() -> None:
    head, _, signature = sign(signed_assertion()).split(".")
    forged = signed_assertion(
        recipient={"type": "email", "identity": "mallory@example.org", "hashed": False}
    )
    body = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    report = verify_ob2(f"{head}.{body}.{signature}", fetch=fetcher(documents()), now=NOW)
    outcome, _, problem = check(report, "proof")
    assert outcome is Outcome.FAIL
    assert problem == Problem.PROOF_VERIFICATION_ERROR


def test_signing_key_owned_by_someone_else() -> None:
    served = documents()
    served[KEY]["owner"] = "https://evil.example/issuer"
    report = verify_ob2(sign(signed_assertion()), fetch=fetcher(served), now=NOW)
    outcome, message, problem = check(report, "issuer")
    assert outcome is Outcome.FAIL
    assert problem == Problem.INVALID_VERIFICATION_METHOD
    assert "evil.example" in message
    assert check(report, "proof")[0] is Outcome.PASS


def test_signing_key_not_listed_by_the_issuer() -> None:
    served = documents()
    served[ISSUER]["publicKey"] = ["https://issuer.example/keys/2"]
    report = verify_ob2(sign(signed_assertion()), fetch=fetcher(served), now=NOW)
    outcome, message, _ = check(report, "issuer")
    assert outcome is Outcome.FAIL
    assert "does not list" in message


def test_signed_assertion_on_the_revocation_list() -> None:
    served = documents()
    document = signed_assertion()
    served[REVOCATIONS]["revokedAssertions"].append(
        {"id": document["id"], "revocationReason": "Awarded in error"}
    )
    report = verify_ob2(sign(document), fetch=fetcher(served), now=NOW)
    outcome, message, problem = check(report, "status")
    assert outcome is Outcome.FAIL
    assert problem == Problem.STATUS_VERIFICATION_ERROR
    assert "Awarded in error" in message


def test_revocation_list_that_cannot_be_fetched() -> None:
    served = documents()
    del served[REVOCATIONS]
    report = verify_ob2(sign(signed_assertion()), fetch=fetcher(served), now=NOW)
    outcome, _, problem = check(report, "status")
    assert outcome is Outcome.FAIL
    assert problem == Problem.STATUS_RETRIEVAL_ERROR


def test_signed_assertion_without_a_fetcher() -> None:
    report = verify_ob2(sign(signed_assertion()), fetch=None, now=NOW)
    assert outcomes(report)["proof"] is Outcome.FAIL
    assert outcomes(report)["issuer"] is Outcome.FAIL
    assert not report.verified


def test_signed_assertion_given_as_json_only() -> None:
    report = verify_ob2(signed_assertion(), fetch=fetcher(documents()), now=NOW)
    outcome, message, _ = check(report, "proof")
    assert outcome is Outcome.FAIL
    assert "JWS" in message


def test_symmetric_signatures_are_refused() -> None:
    secret = OctKey.generate_key(256)
    payload = json.dumps(signed_assertion())
    token = joserfc_jws.serialize_compact({"alg": "HS256"}, payload, secret, algorithms=["HS256"])
    outcome, _, problem = check(verify_ob2(token, fetch=fetcher(documents()), now=NOW), "proof")
    assert outcome is Outcome.FAIL
    assert problem == Problem.CRYPTOGRAPHIC_SECURITY_ERROR


def test_key_document_without_a_pem() -> None:
    served = documents()
    served[KEY]["publicKeyPem"] = "-----BEGIN PUBLIC KEY-----\nnonsense\n-----END PUBLIC KEY-----"
    outcome, message, problem = check(
        verify_ob2(sign(signed_assertion()), fetch=fetcher(served), now=NOW), "proof"
    )
    assert outcome is Outcome.FAIL
    assert problem == Problem.INVALID_VERIFICATION_METHOD
    assert "PEM" in message


# ---------------------------------------------------------------------------- input, schema, dates


@pytest.mark.parametrize("given", ["not json", "[1, 2]", "{" * 100, b"\xff\xfe"])
def test_unreadable_input(given: Any) -> None:
    report = verify_ob2(given, fetch=None, now=NOW)
    assert [c.name for c in report] == ["parse"]
    assert report.checks[0].problem == Problem.PARSING_ERROR


def test_schema_problems_are_listed() -> None:
    broken = assertion()
    broken["@context"] = "https://w3id.org/openbadges/v1"
    broken["recipient"] = {"type": "email", "identity": "alice@example.org", "hashed": True}
    del broken["issuedOn"]
    report = verify_ob2(broken, fetch=fetcher(documents()), now=NOW)
    outcome, message, problem = check(report, "schema")
    assert outcome is Outcome.FAIL
    assert problem == Problem.MALFORMED_VALUE_ERROR
    assert "@context" in message and "sha256$" in message and "issuedOn" in message


def test_unknown_verification_type() -> None:
    report = verify_ob2(assertion(verification={"type": "blockchain"}), fetch=None, now=NOW)
    assert check(report, "proof")[0] is Outcome.FAIL


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"issuedOn": "2026-02-01T00:00:00Z"}, Problem.RANGE_ERROR),
        ({"issuedOn": "2025-03-01T10:00:00"}, Problem.MALFORMED_VALUE_ERROR),
        ({"issuedOn": 1420070400}, Problem.MALFORMED_VALUE_ERROR),
        ({"expires": "2025-01-01T00:00:00Z"}, Problem.MALFORMED_VALUE_ERROR),
        ({"expires": "soon"}, Problem.MALFORMED_VALUE_ERROR),
    ],
)
def test_bad_dates(changes: dict[str, Any], problem: Problem) -> None:
    served = documents()
    served[HOSTED] = assertion(**changes)
    report = verify_ob2(copy.deepcopy(served[HOSTED]), fetch=fetcher(served), now=NOW)
    outcome, _, found = check(report, "validity")
    assert outcome is Outcome.FAIL
    assert found == problem


def test_is_ob2_jws_tells_apart_other_tokens() -> None:
    assert not is_ob2_jws(sign({"@context": ["https://www.w3.org/ns/credentials/v2"]}))
    assert not is_ob2_jws(json.dumps(assertion()))


# ---------------------------------------------------------------------------- recipients


@pytest.mark.parametrize(
    ("recipient", "email", "expected"),
    [
        (
            {"identity": sha256("alice@example.org" + SALT), "hashed": True, "salt": SALT},
            "alice@example.org",
            True,
        ),
        (
            {"identity": sha256("alice@example.org" + SALT), "hashed": True, "salt": SALT},
            "Alice@Example.org",
            True,
        ),
        (
            {"identity": sha256("alice@example.org" + SALT), "hashed": True, "salt": SALT},
            "bob@example.org",
            False,
        ),
        ({"identity": sha256("alice@example.org"), "hashed": True}, "alice@example.org", True),
        (
            {
                "identity": sha256("alice@example.org").upper().replace("SHA256", "sha256"),
                "hashed": True,
            },
            "alice@example.org",
            True,
        ),
        (
            {
                "identity": "md5$" + hashlib.md5(b"alice@example.orgx").hexdigest(),
                "hashed": True,
                "salt": "x",
            },
            "alice@example.org",
            True,
        ),
        ({"identity": "sha1$0000", "hashed": True}, "alice@example.org", False),
        ({"identity": sha256("alice@example.org")}, "alice@example.org", True),
        ({"identity": "Alice@Example.org", "hashed": False}, "alice@example.org", True),
        ({"identity": "alice@example.org", "hashed": False}, "eve@example.org", False),
        ({"hashed": False}, "alice@example.org", False),
    ],
)
def test_recipient_matches(recipient: dict[str, Any], email: str, expected: bool) -> None:
    assert recipient_matches(recipient, email) is expected


def test_key_document_served_under_another_id() -> None:
    served = documents()
    served[KEY]["id"] = "https://issuer.example/keys/other"
    outcome, message, _ = check(
        verify_ob2(sign(signed_assertion()), fetch=fetcher(served), now=NOW), "proof"
    )
    assert outcome is Outcome.FAIL
    assert "keys/other" in message


def test_deeply_nested_object_is_refused() -> None:
    nested: dict[str, Any] = {}
    for _ in range(100):
        nested = {"a": nested}
    report = verify_ob2(nested, fetch=None, now=NOW)
    assert [c.name for c in report] == ["parse"]
    assert "nested" in report.checks[0].message
