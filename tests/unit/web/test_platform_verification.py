"""The platform's status checker with a fetcher for other servers' lists (a fake one:
no network), as ``microcred serve`` builds it when fetch hosts are allowed."""

from __future__ import annotations

import json
from collections.abc import Callable

from microcred.core.issue import issue
from microcred.core.keys import Ed25519KeyPair
from microcred.core.status_list import Bitstring, build_status_list_credential
from microcred.core.verify import Verifier, verify_credential
from microcred.services.organisations import Platform
from microcred.services.verification import PlatformStatusChecker, platform_verifier
from tests.unit.web.conftest import NOW

LIST_URL = "https://lists.example/status/1"


def _signed_list(key: Ed25519KeyPair, revoked: int) -> bytes:
    bits = Bitstring(131_072)
    bits.set(revoked)
    unsigned = build_status_list_credential(LIST_URL, key.controller, bits, valid_from=NOW)
    return json.dumps(issue(unsigned, key=key, now=NOW)).encode()


def _credential(key: Ed25519KeyPair, index: int) -> dict[str, object]:
    unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": key.controller,
        "credentialSubject": {"id": "did:example:learner"},
        "credentialStatus": {
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": LIST_URL,
        },
    }
    return issue(unsigned, key=key, now=NOW)


def _verifier(platform: Platform, fetch: Callable[[str], bytes]) -> Verifier:
    return platform_verifier(platform, Verifier(now=lambda: NOW), fetch)


def test_other_servers_lists_are_fetched_and_verified(platform: Platform) -> None:
    key = Ed25519KeyPair.generate()
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return _signed_list(key, revoked=7)

    verifier = _verifier(platform, fetch)
    assert isinstance(verifier.status_checker, PlatformStatusChecker)
    assert verify_credential(_credential(key, 3), verifier=verifier).verified
    revoked = verify_credential(_credential(key, 7), verifier=verifier)
    assert [c.name for c in revoked.failures] == ["status"]
    assert fetched == [LIST_URL, LIST_URL]


def test_a_list_that_cannot_be_fetched_or_verified_fails_the_status_check(
    platform: Platform,
) -> None:
    key = Ed25519KeyPair.generate()

    def unreachable(url: str) -> bytes:
        raise OSError("connection refused")

    down = verify_credential(_credential(key, 3), verifier=_verifier(platform, unreachable))
    assert down.failures[0].problem == "STATUS_RETRIEVAL_ERROR"
    assert "connection refused" in down.failures[0].message

    tampered = json.loads(_signed_list(key, revoked=7))
    tampered["credentialSubject"]["encodedList"] = Bitstring(131_072).encode()
    forged = verify_credential(
        _credential(key, 7),
        verifier=_verifier(platform, lambda url: json.dumps(tampered).encode()),
    )
    assert forged.failures[0].problem == "STATUS_VERIFICATION_ERROR"
