"""``options.credentialStatus[].statusMessage`` on ``POST /credentials/issue``: the
one-bit entries of that item carry the two messages (and no ``statusSize``, which is 1 by
default) and the credential verifies; bad values are 422."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from microcred.domain.model import Organisation, Role
from microcred.services.organisations import Platform
from tests.unit.web.conftest import assert_problem, bearer, key_for
from tests.unit.web.issuing_support import suite_credential

ACME = "did:web:badges.example:orgs:acme"
ENTRY = "BitstringStatusListEntry"
MESSAGES = [
    {"status": "0x0", "message": "valid"},
    {"status": "0x1", "message": "revoked by the issuer"},
]


@pytest.fixture
def issuer(platform: Platform, acme: Organisation) -> dict[str, str]:
    return bearer(key_for(platform, acme, Role.ISSUER))


def _issue(client: TestClient, headers: dict[str, str], status: Any) -> Any:
    body = {"credential": suite_credential(ACME), "options": {"credentialStatus": status}}
    return client.post("/credentials/issue", json=body, headers=headers)


def test_the_entries_of_an_item_carry_its_messages_and_verify(
    client: TestClient, issuer: dict[str, str]
) -> None:
    items = [
        {"type": ENTRY, "statusPurpose": "revocation", "statusMessage": MESSAGES[::-1]},
        {"type": ENTRY, "statusPurpose": "suspension"},
    ]
    issued = _issue(client, issuer, items)
    assert issued.status_code == 201, issued.text
    credential = issued.json()["verifiableCredential"]
    entries = {e["statusPurpose"]: e for e in credential["credentialStatus"]}
    assert entries["revocation"]["statusMessage"] == MESSAGES  # in status order
    assert "statusSize" not in entries["revocation"]
    assert "statusMessage" not in entries["suspension"]
    verified = client.post("/credentials/verify", json={"verifiableCredential": credential})
    assert verified.status_code == 200 and verified.json()["verified"] is True, verified.text


@pytest.mark.parametrize(
    "messages",
    [
        [],
        MESSAGES[:1],
        [*MESSAGES, {"status": "0x2", "message": "more"}],
        [MESSAGES[0], MESSAGES[0]],
        [MESSAGES[0], {"status": "0x2", "message": "two"}],
        [MESSAGES[0], {"status": 1, "message": "not text"}],
        [MESSAGES[0], {"status": "0x1"}],
        [MESSAGES[0], {"status": "0x1", "message": ""}],
        [MESSAGES[0], {"status": "0x1", "message": "x" * 201}],
        [MESSAGES[0], {"status": "0x1", "message": "line\nbreak"}],
        [MESSAGES[0], "0x1"],
        {"status": "0x0", "message": "valid"},
    ],
)
def test_bad_messages_are_refused(
    client: TestClient, issuer: dict[str, str], messages: Any
) -> None:
    response = _issue(client, issuer, {"type": ENTRY, "statusMessage": messages})
    assert_problem(response, 422, "statusMessage")
