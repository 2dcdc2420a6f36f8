"""``options.credentialStatus[].statusReference`` on ``POST /credentials/issue``: the
entries of that item carry the URL(s), the credential still verifies, bad values are 422."""

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
POLICY = "https://acme.example/revocation-policy"


@pytest.fixture
def issuer(platform: Platform, acme: Organisation) -> dict[str, str]:
    return bearer(key_for(platform, acme, Role.ISSUER))


def _issue(client: TestClient, headers: dict[str, str], status: Any) -> Any:
    body = {"credential": suite_credential(ACME), "options": {"credentialStatus": status}}
    return client.post("/credentials/issue", json=body, headers=headers)


def _entries(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 201, response.text
    status = response.json()["verifiableCredential"]["credentialStatus"]
    return status if isinstance(status, list) else [status]


def test_the_entries_of_an_item_get_its_status_reference(
    client: TestClient, issuer: dict[str, str]
) -> None:
    one = _entries(_issue(client, issuer, {"type": ENTRY, "statusReference": POLICY}))
    assert {e["statusPurpose"] for e in one} == {"revocation", "suspension"}
    assert all(e["statusReference"] == POLICY for e in one)

    items = [
        {"type": ENTRY, "statusPurpose": "revocation", "statusReference": [POLICY, POLICY + "/2"]},
        {"type": ENTRY, "statusPurpose": "suspension"},
    ]
    entries = {e["statusPurpose"]: e for e in _entries(_issue(client, issuer, items))}
    assert entries["revocation"]["statusReference"] == [POLICY, POLICY + "/2"]
    assert "statusReference" not in entries["suspension"]

    plain = _entries(_issue(client, issuer, {"type": ENTRY, "statusPurpose": "revocation"}))
    assert "statusReference" not in plain[0]


def test_a_credential_with_a_status_reference_verifies(
    client: TestClient, issuer: dict[str, str]
) -> None:
    for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        body = {
            "credential": suite_credential(ACME),
            "options": {
                "cryptosuite": suite,
                "credentialStatus": {"type": ENTRY, "statusReference": [POLICY]},
            },
        }
        issued = client.post("/credentials/issue", json=body, headers=issuer)
        assert issued.status_code == 201, issued.text
        credential = issued.json()["verifiableCredential"]
        verified = client.post("/credentials/verify", json={"verifiableCredential": credential})
        assert verified.status_code == 200, verified.text
        assert verified.json()["verified"] is True


@pytest.mark.parametrize(
    "reference",
    [
        "not a url",
        "urn:uuid:0b8e4a52-1111-4c2e-9a55-5b4d8f0e2c11",
        "ftp://acme.example/policy",
        "https:///no-host",
        [],
        [POLICY, 7],
        [POLICY] * 11,
        {"id": POLICY},
        "https://acme.example/" + "x" * 2_000,
    ],
)
def test_a_bad_status_reference_is_refused(
    client: TestClient, issuer: dict[str, str], reference: Any
) -> None:
    response = _issue(client, issuer, {"type": ENTRY, "statusReference": reference})
    assert_problem(response, 422, "statusReference")
