"""Public documents: DID documents, issuer profiles, the API description."""

from __future__ import annotations

from fastapi.testclient import TestClient

from microcred.core.dids import Resolver
from microcred.core.issue import issue
from microcred.core.verify import Verifier, verify_credential
from microcred.domain.model import Organisation
from microcred.services.identity import current_key, issuer_did, signing_pair
from microcred.services.organisations import Platform
from tests.unit.web.conftest import NOW, assert_problem


def test_the_did_document_verifies_what_the_org_signs(
    client: TestClient, platform: Platform, acme: Organisation
) -> None:
    response = client.get("/orgs/acme/did.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/did+json"
    assert response.headers["cache-control"] == "public, max-age=300"
    assert response.headers["access-control-allow-origin"] == "*"
    document = response.json()
    did = issuer_did(platform.base_url, "acme")
    assert document["id"] == did == "did:web:badges.example:orgs:acme"
    assert document["assertionMethod"] == [m["id"] for m in document["verificationMethod"]]

    with platform.uow() as uow:
        pair = signing_pair(platform.vault, current_key(uow.keys.for_org(acme.id)), did)
    signed = issue(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": did,
            "credentialSubject": {"id": "did:example:learner", "name": "Learner"},
        },
        key=pair,
        now=NOW,
    )
    verifier = Verifier(resolver=Resolver(documents={did: document}), now=lambda: NOW)
    report = verify_credential(signed, verifier=verifier)
    assert report.verified, report.to_json()
    assert_problem(client.get("/orgs/nobody/did.json"), 404, "'nobody'")


def test_the_issuer_profile(client: TestClient, acme: Organisation) -> None:
    response = client.get("/orgs/acme")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    profile = response.json()
    assert profile["id"] == "did:web:badges.example:orgs:acme"
    assert profile["type"] == ["Profile"] and profile["name"] == "Acme"
    assert profile["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert "ob/v3p0" in profile["@context"][1]
    assert_problem(client.get("/orgs/nobody"), 404)


def test_openapi_and_the_offline_docs_page(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in (
        "/api/v1/orgs",
        "/api/v1/orgs/{slug}/api-keys",
        "/api/v1/session",
        "/credentials/verify",
        "/presentations/verify",
        "/orgs/{slug}/did.json",
    ):
        assert path in spec["paths"], path
    page = client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "/openapi.json" in page.text and "/credentials/verify" in page.text
    assert "<script" not in page.text and "cdn" not in page.text.lower()
    assert "script-src" not in page.headers["content-security-policy"]
    assert client.get("/redoc").status_code == 404
