"""An organisation that issues as a did:key, over HTTP: created through ``/api/v1/orgs``,
issuing through the VC-API with either EdDSA suite, verified by ``/credentials/verify``,
its Profile, achievements and status lists naming the did:key; no rotation, no
``did.json``."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from microcred.core.dids import Resolver
from microcred.core.loader import DocumentLoader
from microcred.core.report import Outcome
from microcred.core.verify import Verifier, verify_credential
from microcred.domain.model import Organisation, Role
from microcred.services.keys import did_of
from microcred.services.organisations import Platform, create_organisation
from tests.unit.web.conftest import PASSWORD, assert_problem, bearer, key_for
from tests.unit.web.issuing_support import published, suite_credential

NEW_ORG = {
    "slug": "keyed",
    "name": "Keyed Academy",
    "owner_email": "o@keyed.example",
    "owner_password": PASSWORD,
    "did_method": "key",
}
WITH_STATUS = {"credentialStatus": {"type": "BitstringStatusListEntry"}}


@pytest.fixture
def keyed(platform: Platform) -> Organisation:
    return create_organisation(
        platform, name="Keyed", slug="keyed", owner_email="o@keyed.example", did_method="key"
    )


@pytest.fixture
def did(platform: Platform, keyed: Organisation) -> str:
    return did_of(platform, keyed)


def _issue(client: TestClient, headers: dict[str, str], credential: Any, options: Any) -> Any:
    return client.post(
        "/credentials/issue", json={"credential": credential, "options": options}, headers=headers
    )


def test_created_through_the_api_with_its_did_key(client: TestClient) -> None:
    created = client.post("/api/v1/orgs", json=NEW_ORG)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["did"].startswith("did:key:z6Mk") and body["did_method"] == "key"
    assert body["did_document"] is None
    login = client.post(
        "/api/v1/session", json={"email": NEW_ORG["owner_email"], "password": PASSWORD}
    )
    assert login.status_code == 201
    token = bearer(login.json()["token"])
    assert client.get("/api/v1/orgs/keyed", headers=token).json()["did"] == body["did"]


@pytest.mark.parametrize("method", ["peer", "KEY", "", None, 1])
def test_an_unknown_did_method_is_422(client: TestClient, platform: Platform, method: Any) -> None:
    answer = client.post("/api/v1/orgs", json={**NEW_ORG, "did_method": method})
    assert_problem(answer, 422, "did_method" if not isinstance(method, str) else "choose web")
    assert client.post("/api/v1/orgs", json={**NEW_ORG, "did_method": "web"}).status_code == 201


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_issues_verifies_and_revokes_as_its_did_key(
    client: TestClient,
    platform: Platform,
    keyed: Organisation,
    did: str,
    loader: DocumentLoader,
    suite: str,
) -> None:
    issuer = bearer(key_for(platform, keyed, Role.ISSUER))
    credential = suite_credential(did, id="urn:uuid:3c5e1f0a-9b8d-4e7f-a6c5-d4e3f2a1b0c9")
    response = _issue(client, issuer, credential, {"cryptosuite": suite, **WITH_STATUS})
    assert response.status_code == 201, response.text
    issued = response.json()["verifiableCredential"]
    multikey = did.removeprefix("did:key:")
    assert issued["issuer"] == did
    assert issued["proof"]["cryptosuite"] == suite
    assert issued["proof"]["verificationMethod"] == f"{did}#{multikey}"
    # anyone verifies it offline: the core verifier with a resolver that knows nothing
    offline = verify_credential(issued, verifier=Verifier(loader=loader, resolver=Resolver()))
    outcomes = {c.name: c.outcome for c in offline.checks}
    assert offline.verified and outcomes["proof"] is Outcome.PASS
    verified = client.post("/credentials/verify", json={"verifiableCredential": issued})
    assert verified.status_code == 200, verified.text
    for entry in issued["credentialStatus"]:
        status_list = client.get(entry["statusListCredential"]).json()
        assert status_list["issuer"] == did
        assert status_list["proof"]["verificationMethod"] == f"{did}#{multikey}"

    change = {"type": "BitstringStatusListCredential", "status": "revoked"}
    body = {"credentialId": credential["id"], "credentialStatus": [change]}
    assert client.post("/credentials/status", json=body, headers=issuer).json()["revoked"]
    failed = client.post("/credentials/verify", json={"verifiableCredential": issued})
    assert failed.status_code == 400 and "revoked" in failed.text


def test_the_did_web_form_is_not_its_issuer(
    client: TestClient, platform: Platform, keyed: Organisation, did: str
) -> None:
    issuer = bearer(key_for(platform, keyed, Role.ISSUER))
    as_web = suite_credential("did:web:badges.example:orgs:keyed")
    assert_problem(_issue(client, issuer, as_web, None), 422, did)


def test_profile_and_achievements_name_the_did_key(
    client: TestClient, platform: Platform, keyed: Organisation, did: str
) -> None:
    profile = client.get("/orgs/keyed")
    assert profile.status_code == 200 and profile.json()["id"] == did
    achievement = published(platform, keyed)
    creator = client.get(f"/orgs/keyed/achievements/{achievement}").json()["creator"]
    assert creator["id"] == did


def test_no_did_document_and_no_rotation(
    client: TestClient, platform: Platform, keyed: Organisation, acme: Organisation, did: str
) -> None:
    assert_problem(client.get("/orgs/keyed/did.json"), 404, did, "resolved from the identifier")
    assert_problem(client.get("/orgs/nobody/did.json"), 404, "no organisation")
    assert client.get("/orgs/acme/did.json").status_code == 200
    admin = bearer(key_for(platform, keyed, Role.ADMIN))
    refused = client.post("/api/v1/orgs/keyed/keys/rotate", headers=admin)
    assert_problem(refused, 409, "did:key, whose identifier is its key", "new organisation")
    acme_admin = bearer(key_for(platform, acme, Role.ADMIN))
    assert client.post("/api/v1/orgs/acme/keys/rotate", headers=acme_admin).status_code == 201
