"""``/api/v1/orgs/{slug}/achievements`` and the public Achievement documents."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from microcred.domain.model import Organisation, Role
from microcred.services.organisations import Platform
from tests.unit.web.conftest import BASE_URL, assert_problem, bearer, key_for

BODY: dict[str, Any] = {
    "name": "Data Literacy",
    "description": "Reads, questions and explains data.",
    "criteria_narrative": "Completed the four modules.",
    "achievement_type": "Badge",
    "alignments": [
        {
            "target_name": "Interpret data",
            "target_url": "https://framework.example/skills/interpret",
            "target_type": "ceasn:Competency",
        }
    ],
    "tags": ["data"],
    "validity": {"months": 12},
}
PATH = "/api/v1/orgs/acme/achievements"


def _create(client: TestClient, headers: dict[str, str], **changes: Any) -> Any:
    response = client.post(PATH, json={**BODY, **changes}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_an_achievement_is_written_published_edited_and_retired(
    client: TestClient, platform: Platform, acme: Organisation
) -> None:
    issuer = bearer(key_for(platform, acme, Role.ISSUER))
    draft = _create(client, issuer)
    assert draft["state"] == "draft" and draft["version"] == 1
    assert draft["url"] == f"{BASE_URL}/orgs/acme/achievements/{draft['id']}"
    assert draft["alignments"][0]["target_name"] == "Interpret data"
    assert draft["validity"] == {"days": None, "months": 12}

    patched = client.patch(f"{PATH}/{draft['id']}", json={"tags": None}, headers=issuer)
    assert patched.status_code == 200 and patched.json()["id"] == draft["id"]
    assert patched.json()["tags"] == []  # a draft is edited in place

    published = client.post(f"{PATH}/{draft['id']}/publish", headers=issuer)
    assert published.status_code == 200 and published.json()["state"] == "published"
    assert_problem(client.post(f"{PATH}/{draft['id']}/publish", headers=issuer), 409)

    version = client.patch(f"{PATH}/{draft['id']}", json={"name": "Data Fluency"}, headers=issuer)
    second = version.json()
    assert second["id"] != draft["id"] and second["lineage_id"] == draft["id"]
    assert second["version"] == 2 and second["state"] == "draft"
    assert second["description"] == BODY["description"]  # fields left out are kept
    client.post(f"{PATH}/{second['id']}/publish", headers=issuer)

    listed = client.get(PATH, headers=issuer).json()
    assert [(a["version"], a["state"]) for a in listed] == [(1, "superseded"), (2, "published")]
    only = client.get(PATH, params={"state": "published"}, headers=issuer).json()
    assert [a["id"] for a in only] == [second["id"]]
    assert client.get(f"{PATH}/{second['id']}", headers=issuer).json()["name"] == "Data Fluency"

    retired = client.post(f"{PATH}/{second['id']}/retire", headers=issuer)
    assert retired.json()["state"] == "retired"
    assert_problem(client.post(f"{PATH}/{second['id']}/retire", headers=issuer), 409)
    assert_problem(
        client.patch(f"{PATH}/{second['id']}", json={"name": "x"}, headers=issuer), 409, "retired"
    )


def test_bad_achievements_are_422_naming_the_field(
    client: TestClient, platform: Platform, acme: Organisation
) -> None:
    issuer = bearer(key_for(platform, acme, Role.ISSUER))
    no_criteria = {**BODY, "criteria_narrative": None}
    assert_problem(client.post(PATH, json=no_criteria, headers=issuer), 422, "criteria")
    bad_url = {**BODY, "alignments": [{"target_name": "x", "target_url": "nope"}]}
    assert_problem(client.post(PATH, json=bad_url, headers=issuer), 422, "alignments[0].target_url")
    unknown = client.post(PATH, json={**BODY, "colour": "red"}, headers=issuer)
    assert_problem(unknown, 422, "$.colour")
    missing = client.post(PATH, json={"name": "x"}, headers=issuer)
    assert_problem(missing, 422, "$.description")
    both = {**BODY, "validity": {"days": 1, "months": 1}}
    assert_problem(client.post(PATH, json=both, headers=issuer), 422, "validity")
    draft = _create(client, issuer)
    emptied = client.patch(f"{PATH}/{draft['id']}", json={"name": None}, headers=issuer)
    assert_problem(emptied, 422, "name")
    malformed = client.post(
        PATH, content=b'{"name": 1,', headers={**issuer, "Content-Type": "application/json"}
    )
    assert_problem(malformed, 400)


def test_roles_and_tenants(
    client: TestClient, platform: Platform, acme: Organisation, globex: Organisation
) -> None:
    viewer = bearer(key_for(platform, acme, Role.VIEWER))
    issuer = bearer(key_for(platform, acme, Role.ISSUER))
    assert_problem(client.post(PATH, json=BODY), 401)
    assert_problem(client.post(PATH, json=BODY, headers=viewer), 403, "issuer role")
    draft = _create(client, issuer)
    assert client.get(f"{PATH}/{draft['id']}", headers=viewer).status_code == 200
    assert_problem(client.post(f"{PATH}/{draft['id']}/publish", headers=viewer), 403)
    assert_problem(client.get(f"{PATH}/unknown", headers=viewer), 404)

    globex_owner = bearer(key_for(platform, globex, Role.OWNER))
    for method, path, body in [
        ("GET", PATH, None),
        ("POST", PATH, BODY),
        ("GET", f"{PATH}/{draft['id']}", None),
        ("PATCH", f"{PATH}/{draft['id']}", {"name": "Hijacked"}),
        ("POST", f"{PATH}/{draft['id']}/publish", None),
        ("POST", f"{PATH}/{draft['id']}/retire", None),
    ]:
        response = client.request(method, path, json=body, headers=globex_owner)
        assert_problem(response, 403)
        assert "Data Literacy" not in response.text
    # through its own organisation, another organisation's achievement does not exist
    theirs = "/api/v1/orgs/globex/achievements"
    for method, suffix in [("GET", ""), ("PATCH", ""), ("POST", "/publish"), ("POST", "/retire")]:
        body = {"name": "Hijacked"} if method == "PATCH" else None
        response = client.request(
            method, f"{theirs}/{draft['id']}{suffix}", json=body, headers=globex_owner
        )
        assert_problem(response, 404)
    assert client.get(theirs, headers=globex_owner).json() == []
    assert client.get(f"{PATH}/{draft['id']}", headers=issuer).json()["state"] == "draft"


def test_the_public_achievement_document(
    client: TestClient, platform: Platform, acme: Organisation, globex: Organisation
) -> None:
    issuer = bearer(key_for(platform, acme, Role.ISSUER))
    draft = _create(client, issuer)
    public = f"/orgs/acme/achievements/{draft['id']}"
    assert_problem(client.get(public), 404)  # drafts are not public
    client.post(f"{PATH}/{draft['id']}/publish", headers=issuer)
    response = client.get(public)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    assert response.headers["cache-control"].startswith("public, max-age=")
    document = response.json()
    assert document["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert document["id"] == draft["url"] and document["type"] == ["Achievement"]
    assert document["criteria"] == {"narrative": "Completed the four modules."}
    assert document["creator"]["id"] == "did:web:badges.example:orgs:acme"
    etag = response.headers["etag"]
    cached = client.get(public, headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.content == b""
    assert client.get(public, headers={"If-None-Match": '"other"'}).status_code == 200
    assert_problem(client.get(f"/orgs/globex/achievements/{draft['id']}"), 404)
    assert_problem(client.get("/orgs/nobody/achievements/x"), 404)


def test_the_api_is_described(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    operation = paths["/api/v1/orgs/{slug}/achievements/{achievement_id}"]["patch"]
    assert {"403", "404", "409", "422"} <= operation["responses"].keys()
    assert "application/problem+json" in operation["responses"]["404"]["content"]
    for path in (
        "/api/v1/orgs/{slug}/awards",
        "/api/v1/orgs/{slug}/awards/bulk",
        "/api/v1/orgs/{slug}/credentials",
        "/api/v1/orgs/{slug}/credentials/{credential_id}/revoke",
        "/api/v1/orgs/{slug}/keys/rotate",
        "/credentials/{credential_id}",
        "/credentials/issue",
        "/credentials/status",
        "/status/{list_id}",
    ):
        assert path in paths, path
    assert "text/csv" in paths["/api/v1/orgs/{slug}/awards/bulk"]["post"]["requestBody"]["content"]
