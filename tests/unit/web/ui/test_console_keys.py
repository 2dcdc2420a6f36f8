"""Console signing keys (rotate, mark compromised) and API keys (secret shown once)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from microcred.domain.model import Organisation, Role, StoredKey
from microcred.services.organisations import Platform, create_organisation
from microcred.services.ports import ApiKey
from tests.unit.web.conftest import PASSWORD, bearer
from tests.unit.web.ui.console_support import audit_actions, signed_in_as
from tests.unit.web.ui.support import sign_in, submit

KEYS = "/console/acme/keys"
API_KEYS = "/console/acme/api-keys"


def keys_of(platform: Platform, org: Organisation) -> list[StoredKey]:
    with platform.uow() as uow:
        return uow.keys.for_org(org.id)


def api_keys_of(platform: Platform, org: Organisation) -> list[ApiKey]:
    with platform.uow() as uow:
        return uow.access.keys_for_org(org.id)


def test_viewers_see_the_did_and_keys_without_actions(
    client: TestClient, acme: Organisation, globex: Organisation, platform: Platform
) -> None:
    signed_in_as(client, platform, acme, Role.VIEWER)
    page = client.get(KEYS)
    assert page.status_code == 200
    assert "did:web:badges.example:orgs:acme" in page.text
    assert 'href="https://badges.example/orgs/acme/did.json"' in page.text
    assert keys_of(platform, acme)[0].fragment in page.text and "current" in page.text
    assert "Rotate key" not in page.text and "Mark compromised" not in page.text
    assert submit(client, f"{KEYS}/rotate").status_code == 403
    assert len(keys_of(platform, acme)) == 1
    assert client.get("/console/globex/keys").status_code == 403


def test_rotation_shows_the_new_key_and_keeps_the_old(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    sign_in(client)
    assert 'data-confirm="Rotate the signing key now?"' in client.get(KEYS).text
    response = submit(client, f"{KEYS}/rotate")
    assert response.headers["location"] == KEYS + "?notice=key-rotated"
    keys = keys_of(platform, acme)
    (old,) = [k for k in keys if k.retired_at is not None]
    (new,) = [k for k in keys if k.retired_at is None]
    page = client.get(response.headers["location"]).text
    assert "A new signing key signs from now on" in page
    assert old.fragment in page and new.fragment in page
    assert page.count("state-ok") == 1 and "retired" in page
    assert "key.rotate" in audit_actions(platform, acme)


def test_a_key_is_marked_compromised_from_a_moment(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    sign_in(client)
    (key,) = keys_of(platform, acme)
    path = f"{KEYS}/{key.id}/compromised"
    future = submit(client, path, {"since": "2026-03-02T10:00"})
    assert future.status_code == 422 and "not in the future" in future.text
    nonsense = submit(client, path, {"since": "yesterday"})
    assert nonsense.status_code == 422 and "date and a time" in nonsense.text
    assert keys_of(platform, acme)[0].compromised_at is None
    done = submit(client, path, {"since": "2026-03-01T10:30"})
    assert done.headers["location"] == KEYS + "?notice=key-compromised"
    keys = keys_of(platform, acme)
    assert [k.compromised_at for k in keys if k.id == key.id] == [
        datetime(2026, 3, 1, 10, 30, tzinfo=UTC)
    ]
    assert len(keys) == 2  # a new key replaced it as the signer
    assert "key.compromised" in audit_actions(platform, acme)
    again = submit(client, path, {"since": "2026-03-01T10:30"})
    assert again.status_code == 422 and "already" in again.text


def test_a_did_key_organisation_cannot_rotate(client: TestClient, platform: Platform) -> None:
    create_organisation(
        platform,
        name="Keyed",
        slug="keyed",
        owner_email="o@keyed.example",
        owner_password=PASSWORD,
        did_method="key",
    )
    sign_in(client, "o@keyed.example")
    page = client.get("/console/keyed/keys").text
    assert "did:key:z" in page and "did.json" not in page and "Rotate key" not in page
    refused = submit(client, "/console/keyed/keys/rotate")
    assert refused.status_code == 409 and "did:key" in refused.text


def test_key_forms_without_the_token_change_nothing(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    sign_in(client)
    (key,) = keys_of(platform, acme)
    submit(client, API_KEYS, {"name": "CI", "role": "viewer"})
    (api_key,) = api_keys_of(platform, acme)
    for path, data in (
        (f"{KEYS}/rotate", {}),
        (f"{KEYS}/{key.id}/compromised", {"since": "2026-03-01T10:30"}),
        (API_KEYS, {"name": "CI", "role": "issuer"}),
        (f"{API_KEYS}/{api_key.id}/revoke", {}),
    ):
        assert client.post(path, data=data, follow_redirects=False).status_code == 403, path
    assert keys_of(platform, acme) == [key]
    assert api_keys_of(platform, acme) == [api_key]


# ---------------------------------------------------------------------------- API keys


def test_an_api_key_is_shown_once_and_works_as_a_bearer(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    sign_in(client)
    created = submit(client, API_KEYS, {"name": "Learning platform", "role": "issuer"})
    assert created.status_code == 200
    assert "shown only this once" in created.text and 'data-copy="api-key-secret"' in created.text
    found = re.search(r'value="(mc_[0-9a-f]{12}_[^"]+)"', created.text)
    assert found, created.text
    secret = found.group(1)
    listed = client.get(API_KEYS).text
    assert "Learning platform" in listed and secret not in listed
    api = client.get("/api/v1/orgs/acme", headers=bearer(secret))
    assert api.status_code == 200 and api.json()["role"] == "issuer"
    (key,) = api_keys_of(platform, acme)
    revoked = submit(client, f"{API_KEYS}/{key.id}/revoke")
    assert revoked.headers["location"] == API_KEYS + "?notice=api-key-revoked"
    assert client.get("/api/v1/orgs/acme", headers=bearer(secret)).status_code == 401
    actions = audit_actions(platform, acme)
    assert "api_key.create" in actions and "api_key.revoke" in actions


def test_api_keys_never_exceed_the_creators_role(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    signed_in_as(client, platform, acme, Role.ADMIN)
    page = client.get(API_KEYS).text
    assert '<option value="admin"' in page and '<option value="owner"' not in page
    assert submit(client, API_KEYS, {"name": "Root", "role": "owner"}).status_code == 403
    bad = submit(client, API_KEYS, {"name": "", "role": "viewer"})
    assert bad.status_code == 422 and "1-200 characters" in bad.text
    unknown = submit(client, API_KEYS, {"name": "X", "role": "emperor"})
    assert unknown.status_code == 422 and 'value="X"' in unknown.text
    assert api_keys_of(platform, acme) == []


def test_api_keys_are_for_admins(
    client: TestClient, acme: Organisation, globex: Organisation, platform: Platform
) -> None:
    sign_in(client)
    submit(client, API_KEYS, {"name": "CI", "role": "viewer"})
    (key,) = api_keys_of(platform, acme)
    client.cookies.clear()
    signed_in_as(client, platform, acme, Role.ISSUER)
    assert client.get(API_KEYS).status_code == 403
    assert submit(client, API_KEYS, {"name": "Mine", "role": "viewer"}).status_code == 403
    assert submit(client, f"{API_KEYS}/{key.id}/revoke").status_code == 403
    assert client.post(f"{API_KEYS}/{key.id}/revoke", follow_redirects=False).status_code == 403
    assert client.get("/console/globex/api-keys").status_code == 403
    assert [k.revoked_at for k in api_keys_of(platform, acme)] == [None]
