"""Every error is an RFC 9457 problem that says what is wrong and where."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from microcred.domain.model import Organisation, Role
from microcred.services.organisations import Platform
from microcred.web.context import WebOptions
from tests.unit.web.conftest import BASE_URL, assert_problem, bearer, key_for

TOKEN = "bootstrap-" + "x" * 32
NEW_ORG = {"slug": "initech", "name": "Initech", "owner_email": "o@initech.example"}


@pytest.fixture
def options() -> WebOptions:
    return WebOptions(bootstrap_token=TOKEN, max_body_bytes=4096)


def test_validation_errors_name_the_json_path(client: TestClient) -> None:
    body = {**NEW_ORG, "slug": "Not A Slug", "owner_password": "short"}
    del body["name"]
    problem = assert_problem(
        client.post("/api/v1/orgs", json=body, headers=bearer(TOKEN)), 422, "$.slug", "$.name"
    )
    assert problem["type"] == "urn:microcred:problem:validation"
    paths = {e["path"]: e["detail"] for e in problem["errors"]}
    assert set(paths) == {"$.slug", "$.name", "$.owner_password"}
    assert "lower-case letters" in paths["$.slug"] and "Value error" not in paths["$.slug"]


def test_unknown_fields_and_query_parameters_are_named(
    client: TestClient, platform: Platform, acme: Organisation
) -> None:
    owner = bearer(key_for(platform, acme, Role.OWNER))
    extra = client.post("/api/v1/orgs/acme/api-keys", json={"name": "k", "role": "viewer", "x": 1})
    assert_problem(extra, 401)  # no credentials: authentication is checked first
    extra = client.post(
        "/api/v1/orgs/acme/api-keys", json={"name": "k", "role": "boss", "x": 1}, headers=owner
    )
    problem = assert_problem(extra, 422, "$.role", "$.x")
    assert "viewer" in problem["detail"]  # the allowed roles are listed
    query = client.get("/api/v1/orgs/acme/audit?limit=0", headers=owner)
    assert_problem(query, 422, "query parameter limit")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b'{"slug": ', "line 1, column 10"),
        (b'{"slug": "a", "slug": "b"}', "duplicate key 'slug'"),
        (b'{"n": NaN}', "NaN"),
        (b"[" * 100 + b"]" * 100, "nested deeper"),
        (b'"\xff"', "UTF-8"),
    ],
)
def test_malformed_json_is_a_400(client: TestClient, content: bytes, words: str) -> None:
    response = client.post(
        "/api/v1/orgs",
        content=content,
        headers={"Content-Type": "application/json", **bearer(TOKEN)},
    )
    problem = assert_problem(response, 400, "not valid JSON", words)
    assert problem["type"] == "urn:microcred:problem:malformed-json"


def test_wrong_media_type_and_missing_body(client: TestClient) -> None:
    response = client.post(
        "/api/v1/orgs", content=b"slug=x", headers={"Content-Type": "text/plain", **bearer(TOKEN)}
    )
    assert_problem(response, 415, "text/plain", "application/json")
    assert_problem(client.post("/api/v1/orgs", headers=bearer(TOKEN)), 422, "JSON body")


def test_oversize_bodies_are_refused_before_parsing(client: TestClient) -> None:
    big = b'{"slug": "' + b"a" * 5000 + b'"}'
    declared = client.post(
        "/api/v1/orgs", content=big, headers={"Content-Type": "application/json", **bearer(TOKEN)}
    )
    problem = assert_problem(declared, 413, "5,012 bytes", "4,096")
    assert problem["limit"] == 4096

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer
        yield b'{"slug": "'
        for _ in range(10):
            yield b"a" * 1000

    streamed = client.post(
        "/credentials/verify", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert_problem(streamed, 413, "more than 4,096 bytes")


def test_service_errors_map_to_statuses(client: TestClient, acme: Organisation) -> None:
    taken = client.post("/api/v1/orgs", json={**NEW_ORG, "slug": "acme"}, headers=bearer(TOKEN))
    assert assert_problem(taken, 409, "'acme' is taken")["type"].endswith(":conflict")
    suite = client.post(
        "/api/v1/orgs", json={**NEW_ORG, "signing_suite": "rsa"}, headers=bearer(TOKEN)
    )
    assert assert_problem(suite, 422, "signing suite 'rsa'")["type"].endswith(":invalid-input")
    missing = client.get("/orgs/nobody/did.json")
    assert assert_problem(missing, 404, "'nobody'")["type"].endswith(":not-found")


def test_auth_failures_are_401_with_a_challenge(client: TestClient, acme: Organisation) -> None:
    none = client.get("/api/v1/orgs/acme")
    assert_problem(none, 401, "API key")
    assert none.headers["www-authenticate"] == 'Bearer realm="microcred"'
    bad = client.get("/api/v1/orgs/acme", headers=bearer("mc_0123456789ab_nope"))
    assert_problem(bad, 401, "not valid")
    assert 'error="invalid_token"' in bad.headers["www-authenticate"]
    basic = client.get("/api/v1/orgs/acme", headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert_problem(basic, 401, "Bearer scheme")


def test_forbidden_is_a_403_problem(
    client: TestClient, platform: Platform, acme: Organisation
) -> None:
    viewer = bearer(key_for(platform, acme, Role.VIEWER))
    problem = assert_problem(client.get("/api/v1/orgs/acme/audit", headers=viewer), 403, "admin")
    assert problem["type"] == "urn:microcred:problem:forbidden"


def test_unknown_routes_and_methods(client: TestClient) -> None:
    assert_problem(client.get("/nowhere"), 404, "/nowhere")
    not_allowed = client.put("/credentials/verify", json={})
    assert_problem(not_allowed, 405, "PUT")
    assert "POST" in not_allowed.headers["allow"]


def test_unexpected_errors_are_a_generic_500_and_logged(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    def explode() -> None:
        raise RuntimeError("secret internals")

    app.add_api_route("/explode", explode)
    client = TestClient(app, base_url=BASE_URL, raise_server_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="microcred.web"):
        response = client.get("/explode")
    problem = assert_problem(response, 500, "was logged")
    assert "secret internals" not in response.text and "Traceback" not in response.text
    assert problem["instance"].startswith("urn:uuid:")
    assert problem["instance"] in caplog.text and "secret internals" in caplog.text


def test_security_headers(client: TestClient, acme: Organisation) -> None:
    api = client.get("/api/v1/orgs/acme")
    assert api.headers["cache-control"] == "no-store"
    assert api.headers["x-content-type-options"] == "nosniff"
    public = client.get("/orgs/acme/did.json")
    assert public.headers["cache-control"].startswith("public")
    assert public.headers["x-frame-options"] == "DENY"
