"""``/api/v1/orgs/{slug}/credentials`` and keys; the public credential and status list
documents; verifying awarded credentials against the platform's own status lists."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from microcred.core.status_list import Bitstring
from microcred.domain.model import Organisation, Role
from microcred.services.organisations import Platform, create_organisation
from tests.unit.web.conftest import BASE_URL, FakeClock, assert_problem, bearer, key_for
from tests.unit.web.issuing_support import awarded, published

CREDENTIALS = "/api/v1/orgs/acme/credentials"


@pytest.fixture
def achievement(platform: Platform, acme: Organisation) -> str:
    return published(platform, acme)


@pytest.fixture
def issuer(platform: Platform, acme: Organisation) -> dict[str, str]:
    return bearer(key_for(platform, acme, Role.ISSUER))


def _verify(client: TestClient, credential: Any) -> Any:
    return client.post("/credentials/verify", json={"verifiableCredential": credential})


def test_credentials_are_listed_searched_and_paged(
    client: TestClient,
    platform: Platform,
    acme: Organisation,
    achievement: str,
    issuer: dict[str, str],
    clock: FakeClock,
) -> None:
    other = published(platform, acme, "Public Speaking")
    made = []
    for index in range(5):
        clock.advance(timedelta(seconds=1))
        name = f"Learner {index}"
        made.append(
            awarded(platform, acme, achievement, f"l{index}@example.org", recipient_name=name)
        )
    clock.advance(timedelta(seconds=1))
    speaker = awarded(platform, acme, other, "speaker@example.org", recipient_did="did:example:s")
    viewer = bearer(key_for(platform, acme, Role.VIEWER))

    first = client.get(CREDENTIALS, params={"per_page": 4}, headers=viewer).json()
    assert first["total"] == 6 and first["page"] == 1
    assert [c["id"] for c in first["items"]][:2] == [speaker.id, made[4].id]  # newest first
    assert "credential" not in first["items"][0]  # summaries only
    assert first["next"] == f"{CREDENTIALS}?per_page=4&page=2"
    second = client.get(first["next"], headers=viewer).json()
    assert len(second["items"]) == 2 and second["next"] is None

    def ids(**params: Any) -> list[str]:
        page = client.get(CREDENTIALS, params=params, headers=viewer)
        assert page.status_code == 200, page.text
        return [c["id"] for c in page.json()["items"]]

    assert ids(q="L2@Example.org") == [made[2].id]  # by email address (hashed)
    assert ids(q="learner 3") == [made[3].id]  # by the recipient's name
    assert ids(q="public speaking") == [speaker.id]  # by the achievement's name
    assert ids(q="did:example:s") == [speaker.id]
    assert ids(q=made[1].id[:13]) == [made[1].id]
    assert ids(q="nobody@example.org") == []

    client.post(f"{CREDENTIALS}/{made[0].id}/revoke", json={"reason": "x"}, headers=issuer)
    client.post(f"{CREDENTIALS}/{made[1].id}/suspend", json={"reason": "x"}, headers=issuer)
    assert ids(status="revoked") == [made[0].id]
    assert ids(status="suspended") == [made[1].id]
    assert len(ids(status="active")) == 4
    clock.advance(timedelta(days=400))  # past the 12 months of validity
    assert len(ids(status="expired")) == 4

    bad = client.get(CREDENTIALS, params={"status": "lost"}, headers=viewer)
    assert_problem(bad, 422, "status")
    assert_problem(client.get(CREDENTIALS, params={"page": 0}, headers=viewer), 422, "page")
    assert_problem(client.get(CREDENTIALS), 401)


def test_revoke_suspend_reinstate_and_renew(
    client: TestClient,
    platform: Platform,
    acme: Organisation,
    achievement: str,
    issuer: dict[str, str],
    clock: FakeClock,
) -> None:
    credential = awarded(platform, acme, achievement, "ada@example.org")
    path = f"{CREDENTIALS}/{credential.id}"
    got = client.get(path, headers=issuer).json()
    assert got["credential"]["proof"]["type"] == "DataIntegrityProof"
    by_url = client.get(f"{CREDENTIALS}/{BASE_URL}/credentials/{credential.id}", headers=issuer)
    assert by_url.status_code == 404  # a URL does not fit in the path; the id does

    assert _verify(client, got["credential"]).status_code == 200

    suspended = client.post(f"{path}/suspend", json={"reason": "under review"}, headers=issuer)
    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["state"] == "suspended"
    assert suspended.json()["status_reason"] == "under review"
    assert_problem(client.post(f"{path}/suspend", json={"reason": "x"}, headers=issuer), 409)
    check = _verify(client, got["credential"])
    assert check.status_code == 400
    assert [e["title"] for e in check.json()["errors"]] == ["status"]
    assert "suspended" in check.json()["errors"][0]["detail"]

    back = client.post(f"{path}/reinstate", json={"reason": "cleared"}, headers=issuer)
    assert back.json()["state"] == "active"
    assert_problem(client.post(f"{path}/reinstate", json={"reason": "x"}, headers=issuer), 409)
    assert _verify(client, got["credential"]).status_code == 200

    assert_problem(client.post(f"{path}/revoke", json={"reason": ""}, headers=issuer), 422)
    assert_problem(client.post(f"{path}/revoke", json={}, headers=issuer), 422, "$.reason")
    viewer = bearer(key_for(platform, acme, Role.VIEWER))
    assert_problem(client.post(f"{path}/revoke", json={"reason": "x"}, headers=viewer), 403)

    clock.advance(timedelta(days=1))
    renewed = client.post(f"{path}/renew", headers=issuer)
    assert renewed.status_code == 201, renewed.text
    assert renewed.json()["replaces_id"] == credential.id
    assert renewed.headers["location"].endswith(renewed.json()["id"])
    again = client.post(f"{path}/renew", json={}, headers=issuer)
    assert again.status_code == 200 and again.json()["id"] == renewed.json()["id"]
    wrong = client.post(
        f"{CREDENTIALS}/{renewed.json()['id']}/renew",
        json={"recipient_email": "eve@example.org"},
        headers=issuer,
    )
    assert_problem(wrong, 422, "recipient_email")

    revoked = client.post(f"{path}/revoke", json={"reason": "fraud"}, headers=issuer)
    assert revoked.json()["state"] == "revoked"
    assert_problem(client.post(f"{path}/reinstate", json={"reason": "x"}, headers=issuer), 409)
    failed = _verify(client, got["credential"])
    assert failed.status_code == 400 and "revoked" in failed.json()["errors"][0]["detail"]
    assert_problem(
        client.post(f"{CREDENTIALS}/nope/revoke", json={"reason": "x"}, headers=issuer), 404
    )


def test_another_organisation_neither_reads_nor_changes_credentials(
    client: TestClient,
    platform: Platform,
    acme: Organisation,
    globex: Organisation,
    achievement: str,
) -> None:
    credential = awarded(platform, acme, achievement, "ada@example.org")
    globex_owner = bearer(key_for(platform, globex, Role.OWNER))
    requests: list[tuple[str, str, Any]] = [
        ("GET", "", None),
        ("GET", f"/{credential.id}", None),
        ("POST", f"/{credential.id}/revoke", {"reason": "x"}),
        ("POST", f"/{credential.id}/suspend", {"reason": "x"}),
        ("POST", f"/{credential.id}/reinstate", {"reason": "x"}),
        ("POST", f"/{credential.id}/renew", None),
    ]
    for method, suffix, body in requests:
        direct = client.request(method, CREDENTIALS + suffix, json=body, headers=globex_owner)
        assert_problem(direct, 403)
        assert "proof" not in direct.text
        own = f"/api/v1/orgs/globex/credentials{suffix}"
        through = client.request(method, own, json=body, headers=globex_owner)
        if suffix:
            assert_problem(through, 404)
        else:
            assert through.json()["items"] == []
    assert_problem(client.post("/api/v1/orgs/acme/keys/rotate", headers=globex_owner), 403)
    acme_viewer = bearer(key_for(platform, acme, Role.VIEWER))
    assert client.get(f"{CREDENTIALS}/{credential.id}", headers=acme_viewer).json()["state"] == (
        "active"
    )


def test_keys_rotate_for_admins_and_old_credentials_still_verify(
    client: TestClient, platform: Platform, acme: Organisation, achievement: str
) -> None:
    old = awarded(platform, acme, achievement, "ada@example.org")
    issuer = bearer(key_for(platform, acme, Role.ISSUER))
    assert_problem(client.post("/api/v1/orgs/acme/keys/rotate", headers=issuer), 403, "admin")
    admin = bearer(key_for(platform, acme, Role.ADMIN))
    rotated = client.post("/api/v1/orgs/acme/keys/rotate", headers=admin)
    assert rotated.status_code == 201, rotated.text
    method = rotated.json()["verification_method"]
    assert method == f"did:web:badges.example:orgs:acme#{rotated.json()['fragment']}"
    did_document = client.get("/orgs/acme/did.json").json()
    assert method in did_document["assertionMethod"] and len(did_document["assertionMethod"]) == 2
    new = awarded(platform, acme, achievement, "grace@example.org")
    assert new.document["proof"]["verificationMethod"] == method
    assert _verify(client, dict(old.document)).status_code == 200
    assert _verify(client, dict(new.document)).status_code == 200


def test_the_public_credential_document(
    client: TestClient, platform: Platform, acme: Organisation, achievement: str
) -> None:
    credential = awarded(platform, acme, achievement, "ada@example.org")
    path = f"/credentials/{credential.id}"
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vc+ld+json"
    assert response.headers["access-control-allow-origin"] == "*"
    assert "Accept" in response.headers["vary"]
    assert response.json() == credential.document
    etag = response.headers["etag"]
    assert client.get(path, headers={"If-None-Match": f"W/{etag}"}).status_code == 304
    browser = client.get(path, headers={"Accept": "text/html,*/*;q=0.8"})  # the page
    assert browser.headers["content-type"] == "text/html; charset=utf-8"
    jwt_only = client.get(path, headers={"Accept": "application/vc+jwt"})
    assert_problem(jwt_only, 406, "application/vc+ld+json")
    assert_problem(client.get("/credentials/unknown"), 404)


def test_a_vc_jose_credential_is_served_as_a_token_or_an_envelope(
    client: TestClient, platform: Platform
) -> None:
    org = create_organisation(
        platform, name="Jose", slug="jose", owner_email="o@jose.example", signing_suite="jose"
    )
    credential = awarded(platform, org, published(platform, org), "ada@example.org")
    assert credential.jwt is not None
    path = f"/credentials/{credential.id}"
    token = client.get(path, headers={"Accept": "application/vc+jwt, application/vc+ld+json;q=0.5"})
    assert token.headers["content-type"] == "application/vc+jwt"
    assert token.text == credential.jwt
    envelope = client.get(path).json()
    assert envelope["type"] == "EnvelopedVerifiableCredential"
    assert envelope["id"] == f"data:application/vc+jwt,{credential.jwt}"
    assert _verify(client, envelope).status_code == 200
    assert _verify(client, token.text).status_code == 200
    broken = {**envelope, "id": "data:text/plain,hello"}
    refused = _verify(client, broken)
    assert refused.status_code == 400 and "data: URL" in refused.json()["errors"][0]["detail"]


def test_the_status_list_is_served_signed_with_an_etag(
    client: TestClient, platform: Platform, acme: Organisation, achievement: str
) -> None:
    credential = awarded(platform, acme, achievement, "ada@example.org")
    entry = next(
        e for e in credential.document["credentialStatus"] if e["statusPurpose"] == "revocation"
    )
    url = entry["statusListCredential"]
    assert url.startswith(f"{BASE_URL}/status/")
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=30"
    document = response.json()
    assert "BitstringStatusListCredential" in document["type"]
    assert document["issuer"] == "did:web:badges.example:orgs:acme"
    assert document["proof"]["type"] == "DataIntegrityProof"
    etag = response.headers["etag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304

    issuer = bearer(key_for(platform, acme, Role.ISSUER))
    client.post(f"{CREDENTIALS}/{credential.id}/revoke", json={"reason": "x"}, headers=issuer)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    bits = Bitstring.decode(changed.json()["credentialSubject"]["encodedList"])
    assert bits.get(int(entry["statusListIndex"])) == 1
    assert_problem(client.get("/status/unknown"), 404)
