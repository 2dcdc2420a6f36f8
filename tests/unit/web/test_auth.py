"""API keys, sessions and tenant isolation, over HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from microcred.adapters.db import schema
from microcred.domain.model import Organisation, Role
from microcred.services.access import FAILURE_WINDOW, MAX_FAILURES, SESSION_TTL
from microcred.services.organisations import Platform
from microcred.web.context import WebOptions
from tests.unit.web.conftest import (
    BASE_URL,
    PASSWORD,
    FakeClock,
    assert_problem,
    bearer,
    key_for,
)


def test_key_lifecycle_is_audited_and_secrets_are_shown_once(
    client: TestClient, platform: Platform, acme: Organisation, engine: Engine
) -> None:
    admin = bearer(key_for(platform, acme, Role.ADMIN))
    created = client.post(
        "/api/v1/orgs/acme/api-keys", json={"name": "CI", "role": "issuer"}, headers=admin
    )
    assert created.status_code == 201, created.text
    new = created.json()
    assert new["secret"].startswith(f"mc_{new['prefix']}_") and len(new["prefix"]) == 12
    with engine.connect() as connection:
        stored = connection.execute(
            select(schema.api_keys.c.secret_hash).where(schema.api_keys.c.id == new["id"])
        ).scalar_one()
    assert stored.startswith("$argon2id$") and new["secret"].split("_", 2)[2] not in stored

    listed = client.get("/api/v1/orgs/acme/api-keys", headers=admin).json()
    assert {k["name"] for k in listed} == {"admin key", "CI"}
    assert all("secret" not in k for k in listed)

    issuer = bearer(new["secret"])
    assert client.get("/api/v1/orgs/acme", headers=issuer).json()["role"] == "issuer"
    revoked = client.delete(f"/api/v1/orgs/acme/api-keys/{new['id']}", headers=admin)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert_problem(client.get("/api/v1/orgs/acme", headers=issuer), 401, "revoked")
    again = client.delete(f"/api/v1/orgs/acme/api-keys/{new['id']}", headers=admin)
    assert again.status_code == 200  # revoking twice changes nothing

    audit = client.get("/api/v1/orgs/acme/audit", headers=admin).json()
    actions = [(e["action"], e["subject"]) for e in audit if e["action"].startswith("api_key.")]
    assert ("api_key.create", new["id"]) in actions
    assert actions.count(("api_key.revoke", new["id"])) == 1
    creator = next(
        e for e in audit if e["action"] == "api_key.create" and e["subject"] == new["id"]
    )
    assert creator["actor"].startswith("api_key:") and creator["detail"]["role"] == "issuer"


@pytest.mark.parametrize(
    "token",
    ["mc_short_secret", "mc_0123456789ab_wrong", "mc_0123456789ab_", "nonsense", "mcs_unknown"],
)
def test_invalid_tokens_are_401(client: TestClient, acme: Organisation, token: str) -> None:
    assert_problem(client.get("/api/v1/orgs/acme", headers=bearer(token)), 401)


def test_a_key_with_a_known_prefix_and_a_wrong_secret_is_401(
    client: TestClient, platform: Platform, acme: Organisation
) -> None:
    real = key_for(platform, acme, Role.OWNER)
    forged = real[: real.rindex("_") + 1] + "A" * 43
    assert_problem(client.get("/api/v1/orgs/acme", headers=bearer(forged)), 401, "not valid")


def test_another_organisations_key_sees_nothing(
    client: TestClient, platform: Platform, acme: Organisation, globex: Organisation
) -> None:
    globex_owner = bearer(key_for(platform, globex, Role.OWNER))
    key_for(platform, acme, Role.ADMIN)
    for method, path in [
        ("GET", "/api/v1/orgs/acme"),
        ("GET", "/api/v1/orgs/acme/api-keys"),
        ("GET", "/api/v1/orgs/acme/audit"),
        ("POST", "/api/v1/orgs/acme/api-keys"),
    ]:
        body = {"name": "x", "role": "viewer"} if method == "POST" else None
        response = client.request(method, path, json=body, headers=globex_owner)
        problem = assert_problem(response, 403)
        assert acme.id not in response.text and "admin key" not in response.text, problem
    acme_keys = client.get("/api/v1/orgs/globex/api-keys", headers=globex_owner).json()
    assert [k["name"] for k in acme_keys] == ["owner key"]
    revoke = client.delete(
        f"/api/v1/orgs/globex/api-keys/{_key_id(client, platform, acme)}", headers=globex_owner
    )
    assert_problem(revoke, 404)  # another organisation's key is not found through this one


def _key_id(client: TestClient, platform: Platform, org: Organisation) -> str:
    owner = bearer(key_for(platform, org, Role.OWNER))
    keys = client.get(f"/api/v1/orgs/{org.slug}/api-keys", headers=owner).json()
    return str(keys[0]["id"])


def test_roles_limit_what_keys_do(
    client: TestClient, platform: Platform, acme: Organisation
) -> None:
    viewer = bearer(key_for(platform, acme, Role.VIEWER))
    assert client.get("/api/v1/orgs/acme", headers=viewer).status_code == 200
    create = client.post(
        "/api/v1/orgs/acme/api-keys", json={"name": "x", "role": "viewer"}, headers=viewer
    )
    assert_problem(create, 403, "admin role")
    assert_problem(client.get("/api/v1/orgs/acme/api-keys", headers=viewer), 403)
    admin = bearer(key_for(platform, acme, Role.ADMIN))
    escalate = client.post(
        "/api/v1/orgs/acme/api-keys", json={"name": "x", "role": "owner"}, headers=admin
    )
    assert_problem(escalate, 403, "owner role")


def test_unknown_organisation_is_404_for_an_authenticated_caller(
    client: TestClient, platform: Platform, acme: Organisation
) -> None:
    owner = bearer(key_for(platform, acme, Role.OWNER))
    assert_problem(client.get("/api/v1/orgs/nobody", headers=owner), 404, "'nobody'")


def test_password_session_sets_a_safe_cookie_and_acts_by_membership(
    client: TestClient, acme: Organisation, globex: Organisation
) -> None:
    response = client.post(
        "/api/v1/session", json={"email": "Owner@Acme.example", "password": PASSWORD}
    )
    assert response.status_code == 201, response.text
    cookie = response.headers["set-cookie"]
    token = response.json()["token"]
    assert cookie.startswith(f"mc_session={token};")
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert {"secure", "httponly", "samesite=lax", "path=/"} <= flags
    assert f"max-age={int(SESSION_TTL.total_seconds())}" in flags

    assert client.get("/api/v1/session").json()["email"] == "owner@acme.example"
    org = client.get("/api/v1/orgs/acme")  # the cookie rides along
    assert org.status_code == 200 and org.json()["role"] == "owner"
    assert_problem(client.get("/api/v1/orgs/globex"), 403)  # not a member there
    created = client.post("/api/v1/orgs/acme/api-keys", json={"name": "web", "role": "admin"})
    assert created.status_code == 201

    with TestClient(client.app, base_url=BASE_URL) as other:  # the token works as a bearer
        assert other.get("/api/v1/orgs/acme", headers=bearer(token)).status_code == 200

    assert client.delete("/api/v1/session").status_code == 204
    client.cookies.set("mc_session", token)
    assert_problem(client.get("/api/v1/orgs/acme"), 401, "sign in again")


def test_wrong_passwords_and_unknown_users_are_401(
    client: TestClient, acme: Organisation, globex: Organisation
) -> None:
    wrong = client.post("/api/v1/session", json={"email": "owner@acme.example", "password": "no"})
    assert_problem(wrong, 401, "wrong")
    assert "set-cookie" not in wrong.headers
    unknown = client.post("/api/v1/session", json={"email": "who@x.example", "password": "x"})
    assert_problem(unknown, 401, "wrong")
    no_password = client.post(
        "/api/v1/session", json={"email": "owner@globex.example", "password": "x"}
    )
    assert_problem(no_password, 401, "wrong")


def test_sessions_expire(client: TestClient, acme: Organisation, clock: FakeClock) -> None:
    login = client.post(
        "/api/v1/session", json={"email": "owner@acme.example", "password": PASSWORD}
    )
    assert login.status_code == 201
    clock.advance(SESSION_TTL + timedelta(seconds=1))
    assert_problem(client.get("/api/v1/orgs/acme"), 401, "expired")


def test_cross_site_cookie_requests_are_refused(client: TestClient, acme: Organisation) -> None:
    client.post("/api/v1/session", json={"email": "owner@acme.example", "password": PASSWORD})
    body = {"name": "x", "role": "viewer"}
    evil = client.post(
        "/api/v1/orgs/acme/api-keys", json=body, headers={"Origin": "https://evil.example"}
    )
    assert_problem(evil, 403, "evil.example")
    fetch = client.post(
        "/api/v1/orgs/acme/api-keys", json=body, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert_problem(fetch, 403, "cross-site")
    same = client.post("/api/v1/orgs/acme/api-keys", json=body, headers={"Origin": BASE_URL})
    assert same.status_code == 201


# ---------------------------------------------------------------------------- creating orgs

NEW_ORG = {
    "slug": "initech",
    "name": "Initech",
    "owner_email": "o@initech.example",
    "owner_password": PASSWORD,
}


def test_first_run_creates_the_first_organisation_without_credentials(
    client: TestClient,
) -> None:
    first = client.post("/api/v1/orgs", json=NEW_ORG)
    assert first.status_code == 201, first.text
    assert first.headers["location"] == "/api/v1/orgs/initech"
    assert first.json()["did"] == "did:web:badges.example:orgs:initech"
    second = client.post("/api/v1/orgs", json={**NEW_ORG, "slug": "other"})
    assert_problem(second, 401, "bootstrap token")
    login = client.post(
        "/api/v1/session", json={"email": "o@initech.example", "password": PASSWORD}
    )
    assert login.status_code == 201


class TestWithABootstrapToken:
    TOKEN = "b" * 40

    @pytest.fixture
    def options(self) -> WebOptions:
        return WebOptions(bootstrap_token=self.TOKEN)

    def test_the_token_is_needed_even_for_the_first(self, client: TestClient) -> None:
        assert_problem(client.post("/api/v1/orgs", json=NEW_ORG), 401)
        wrong = client.post("/api/v1/orgs", json=NEW_ORG, headers=bearer("c" * 40))
        assert_problem(wrong, 401, "bootstrap token")
        right = client.post("/api/v1/orgs", json=NEW_ORG, headers=bearer(self.TOKEN))
        assert right.status_code == 201
        again = client.post(
            "/api/v1/orgs", json={**NEW_ORG, "slug": "b"}, headers=bearer(self.TOKEN)
        )
        assert again.status_code == 201

    def test_an_api_key_is_not_enough(
        self, client: TestClient, platform: Platform, acme: Organisation
    ) -> None:
        owner = bearer(key_for(platform, acme, Role.OWNER))
        assert_problem(client.post("/api/v1/orgs", json=NEW_ORG, headers=owner), 403, "bootstrap")
        assert_problem(
            client.post("/api/v1/orgs", json=NEW_ORG, headers=bearer("mc_0123456789ab_x")), 401
        )
        audit = client.get("/api/v1/orgs/acme/audit", headers=owner).json()
        assert {e["actor"] for e in audit if e["action"] == "organisation.create"} == {
            "system:microcred"
        }

    def test_the_token_is_not_a_key_for_anything_else(
        self, client: TestClient, acme: Organisation
    ) -> None:
        assert_problem(client.get("/api/v1/orgs/acme", headers=bearer(self.TOKEN)), 401)


def test_password_guessing_is_slowed_down(
    client: TestClient, acme: Organisation, clock: FakeClock
) -> None:
    wrong = {"email": "OWNER@acme.example", "password": "guess"}
    for _ in range(MAX_FAILURES):
        assert_problem(client.post("/api/v1/session", json=wrong), 401, "wrong")
    right = {"email": "owner@acme.example", "password": PASSWORD}
    refused = client.post("/api/v1/session", json=right)  # even the right password waits
    assert_problem(refused, 429, "too many failed sign-ins")
    assert "mc_session" not in refused.headers.get("set-cookie", "")
    other = client.post("/api/v1/session", json={"email": "x@acme.example", "password": "y"})
    assert other.status_code == 401  # another address is not held up
    clock.advance(FAILURE_WINDOW)
    assert client.post("/api/v1/session", json=right).status_code == 201
    for _ in range(MAX_FAILURES - 1):  # a success starts the count again
        client.post("/api/v1/session", json=wrong)
    assert client.post("/api/v1/session", json=right).status_code == 201
    assert client.post("/api/v1/session", json=wrong).status_code == 401
