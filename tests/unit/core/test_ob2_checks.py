"""Open Badges 2.0: schema issues, documents that cannot be used, and hostile values."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, cast

import pytest

from microcred.core.ob2 import is_ob2_jws, recipient_matches, verify_ob2
from microcred.core.report import Check, Outcome, Problem, VerificationReport
from tests.unit.core.test_ob2 import (
    BADGE,
    HOSTED,
    ISSUER,
    KEY,
    NOW,
    REVOCATIONS,
    assertion,
    documents,
    fetcher,
    sign,
    signed_assertion,
)


def found(report: VerificationReport, name: str) -> Check:
    check = report.get(name)
    assert check is not None, f"no {name} check in {report.checks}"
    return check


def expect(check: Check, outcome: Outcome, *words: str, problem: str | None = None) -> None:
    assert check.outcome is outcome, check
    for word in words:
        assert word in check.message, check.message
    if problem is not None:
        assert check.problem == problem


def serving(served: dict[str, Any]) -> Callable[[str], bytes]:
    """A fetcher that serves any JSON value, not only objects."""

    def fetch(url: str) -> bytes:
        return json.dumps(served[url]).encode()

    return fetch


# ---------------------------------------------------------------------------- input


def test_input_that_is_neither_json_nor_a_jws() -> None:
    report = verify_ob2(cast(Any, 42), fetch=None, now=NOW)
    assert [c.name for c in report] == ["parse"]
    expect(
        report.checks[0],
        Outcome.FAIL,
        "The input is neither JSON nor a JWS.",
        problem=Problem.PARSING_ERROR,
    )


def test_is_ob2_jws_is_false_for_a_token_that_does_not_decode() -> None:
    token = sign(signed_assertion())
    head, _, signature = token.split(".")
    assert is_ob2_jws(token)
    assert not is_ob2_jws(f"{head}.eyJ9.{signature}")  # payload '{"}' is not JSON


# ---------------------------------------------------------------------------- schema


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"type": "BadgeClass"}, "type must be Assertion"),
        ({"id": ""}, "id must be an IRI"),
        ({"badge": 7}, "badge must be a BadgeClass or its IRI"),
        ({"verification": {"creator": KEY}}, "verification must be a VerificationObject"),
        ({"recipient": "alice@example.org"}, "recipient must be an IdentityObject"),
        (
            {"recipient": {"identity": "alice@example.org", "hashed": False}},
            "recipient.type must be a property IRI",
        ),
        ({"recipient": {"type": "email", "hashed": False}}, "recipient.identity must be a string"),
        (
            {"recipient": {"type": "email", "identity": "alice@example.org"}},
            "recipient.hashed must be true or false",
        ),
        (
            {"recipient": {"type": "email", "identity": "a", "hashed": False, "salt": 5}},
            "recipient.salt must be a string",
        ),
    ],
)
def test_each_schema_issue_is_named(changes: dict[str, Any], words: str) -> None:
    report = verify_ob2(assertion(**changes), fetch=None, now=NOW)
    expect(
        found(report, "schema"),
        Outcome.FAIL,
        "The assertion is not valid Open Badges 2.0: ",
        words,
        problem=Problem.MALFORMED_VALUE_ERROR,
    )


def test_schema_lists_four_issues_and_counts_the_rest() -> None:
    broken = {"@context": "https://w3id.org/openbadges/v1", "type": "Thing", "badge": 1}
    message = found(verify_ob2(broken, fetch=None, now=NOW), "schema").message
    assert message == (
        "The assertion is not valid Open Badges 2.0: @context must include "
        "https://w3id.org/openbadges/v2; type must be Assertion; id must be an IRI; "
        "recipient must be an IdentityObject (and 3 more)."
    )


def test_verification_that_is_not_an_object() -> None:
    report = verify_ob2(assertion(verification="hosted"), fetch=fetcher(documents()), now=NOW)
    expect(found(report, "schema"), Outcome.FAIL, "verification must be a VerificationObject")
    expect(found(report, "proof"), Outcome.FAIL, "missing or unknown; expected HostedBadge")


# ---------------------------------------------------------------------------- documents


def test_hosted_copy_under_another_id() -> None:
    served = documents()
    served[HOSTED] = assertion(id="https://issuer.example/assertions/2")
    report = verify_ob2(assertion(), fetch=fetcher(served), now=NOW)
    expect(
        found(report, "proof"),
        Outcome.FAIL,
        f"The document at {HOSTED} has the id 'https://issuer.example/assertions/2'.",
        problem=Problem.PROOF_VERIFICATION_ERROR,
    )


def test_badge_that_is_no_url_cannot_confirm_the_issuer() -> None:
    report = verify_ob2(sign(signed_assertion(badge="urn:uuid:badge")), fetch=None, now=NOW)
    expect(
        found(report, "issuer"),
        Outcome.FAIL,
        "The issuer could not be confirmed: the BadgeClass 'urn:uuid:badge' is not an http(s) URL.",
        problem=Problem.INVALID_VERIFICATION_METHOD,
    )
    expect(
        found(report, "status"),
        Outcome.FAIL,
        "The revocation list could not be checked",
        problem=Problem.STATUS_RETRIEVAL_ERROR,
    )


def test_fetched_document_that_is_not_an_object() -> None:
    served: dict[str, Any] = {**documents(), BADGE: [documents()[BADGE]]}
    report = verify_ob2(sign(signed_assertion()), fetch=serving(served), now=NOW)
    expect(found(report, "proof"), Outcome.PASS)  # the creator key is named directly
    expect(
        found(report, "issuer"),
        Outcome.FAIL,
        f"the BadgeClass at {BADGE} is not a JSON object.",
    )


def test_badge_that_is_not_a_badge_class() -> None:
    served = documents()
    served[BADGE]["type"] = "Issuer"
    report = verify_ob2(assertion(), fetch=fetcher(served), now=NOW)
    expect(
        found(report, "issuer"),
        Outcome.FAIL,
        f"the badge {BADGE!r} is not a BadgeClass",
    )
    # A hosted assertion the issuer still serves is not revoked, even if its list is unreachable.
    expect(found(report, "status"), Outcome.PASS, "not marked revoked")


# ---------------------------------------------------------------------------- signing keys


def test_signing_key_without_creator_needs_the_issuer_profile() -> None:
    token = sign(signed_assertion(verification={"type": "SignedBadge"}))
    report = verify_ob2(token, fetch=None, now=NOW)
    expect(
        found(report, "proof"),
        Outcome.FAIL,
        "The signing key could not be determined: the BadgeClass must be fetched from",
        "fetching is not enabled",
        problem=Problem.INVALID_VERIFICATION_METHOD,
    )


@pytest.mark.parametrize("creator", [{"type": "CryptographicKey"}, 17, None])
def test_creator_without_an_id_falls_back_to_the_issuers_keys(creator: Any) -> None:
    token = sign(signed_assertion(verification={"type": "SignedBadge", "creator": creator}))
    report = verify_ob2(token, fetch=fetcher(documents()), now=NOW)
    expect(found(report, "proof"), Outcome.PASS, f"valid with the key {KEY}")
    expect(found(report, "issuer"), Outcome.PASS, "Example Maker Society")


def test_keys_given_as_objects_are_read_from_their_ids() -> None:
    served = documents()
    served[ISSUER]["publicKey"] = [{"id": KEY, "type": "CryptographicKey"}]
    creator = {"id": KEY, "type": "CryptographicKey", "publicKeyPem": "not trusted from here"}
    token = sign(signed_assertion(verification={"type": "SignedBadge", "creator": creator}))
    report = verify_ob2(token, fetch=fetcher(served), now=NOW)
    expect(found(report, "proof"), Outcome.PASS, f"valid with the key {KEY}")
    expect(found(report, "issuer"), Outcome.PASS, "Example Maker Society")


# ---------------------------------------------------------------------------- dates and status


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"issuedOn": "2025-13-01T00:00:00Z"}, "issuedOn is missing or not an ISO 8601"),
        # Dates outside years 1..9999 once in UTC (they used to raise OverflowError).
        ({"issuedOn": "0001-01-01T00:00:00+01:00"}, "issuedOn is missing or not an ISO 8601"),
        ({"expires": "9999-12-31T23:59:59-01:00"}, "expires is not an ISO 8601"),
    ],
)
def test_dates_that_are_not_dates(changes: dict[str, Any], words: str) -> None:
    report = verify_ob2(sign(signed_assertion(**changes)), fetch=fetcher(documents()), now=NOW)
    expect(found(report, "validity"), Outcome.FAIL, words, problem=Problem.MALFORMED_VALUE_ERROR)


def test_revocation_list_entries_that_are_no_objects_are_skipped() -> None:
    served = documents()
    document = signed_assertion(uid="abc-123")
    served[REVOCATIONS]["revokedAssertions"] = [7, None, ["x"], {"uid": "abc-123"}]
    report = verify_ob2(sign(document), fetch=fetcher(served), now=NOW)
    expect(
        found(report, "status"),
        Outcome.FAIL,
        "The issuer's revocation list revokes this assertion.",
        problem=Problem.STATUS_VERIFICATION_ERROR,
    )
    served[REVOCATIONS]["revokedAssertions"] = [7, {"uid": "other"}, document["id"] + "-other"]
    report = verify_ob2(sign(document), fetch=fetcher(served), now=NOW)
    expect(found(report, "status"), Outcome.PASS, "not on the issuer's revocation list")


# ---------------------------------------------------------------------------- hostile values


@pytest.mark.parametrize("bad_id", ["https://[issuer.example/assertions/1", "https://[::1/a"])
def test_hosted_id_with_an_invalid_host_fails_the_scope_check(bad_id: str) -> None:
    # urlsplit raises ValueError on an unclosed IPv6 bracket; that used to escape verify_ob2.
    report = verify_ob2(assertion(id=bad_id), fetch=fetcher(documents()), now=NOW)
    expect(found(report, "proof"), Outcome.FAIL, "Hosted verification failed")
    expect(
        found(report, "issuer"),
        Outcome.FAIL,
        f"The assertion id {bad_id} has no valid host",
        problem=Problem.INVALID_VERIFICATION_METHOD,
    )


def test_issuer_id_with_an_invalid_host_allows_no_host() -> None:
    served = documents()
    bad = "https://[issuer.example/issuer"
    served[bad] = {**served[ISSUER], "id": bad}
    served[BADGE]["issuer"] = bad
    report = verify_ob2(assertion(), fetch=fetcher(served), now=NOW)
    expect(
        found(report, "issuer"),
        Outcome.FAIL,
        f"hosted on issuer.example, which the issuer {bad} does not allow",
    )


@pytest.mark.parametrize(
    "recipient",
    [
        {"identity": "sha256$" + "é" * 64, "hashed": True},
        {"identity": "md5$" + "\u0661" * 32, "hashed": True},  # Arabic-Indic digits
        {"identity": "sha256$" + "0" * 64, "hashed": True, "salt": "\ud800"},  # lone surrogate
    ],
)
def test_recipient_matches_is_false_for_hostile_hashes(recipient: dict[str, Any]) -> None:
    # compare_digest refuses non-ASCII str, and UTF-8 refuses lone surrogates: both used to
    # raise instead of answering.
    assert recipient_matches(recipient, "alice@example.org") is False


def test_recipient_matches_a_salt_with_non_ascii_characters() -> None:
    salt = "sél"
    identity = "sha256$" + hashlib.sha256(f"alice@example.org{salt}".encode()).hexdigest()
    recipient = {"identity": identity, "hashed": True, "salt": salt}
    assert recipient_matches(recipient, "alice@example.org")
    assert not recipient_matches(recipient, "bob@example.org")
