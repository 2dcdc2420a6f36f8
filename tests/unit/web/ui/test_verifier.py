"""The public verifier page: files, pasted text and addresses."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from microcred.core.errors import DocumentLoaderError
from microcred.domain.awards import StoredCredential
from microcred.domain.model import SYSTEM, Organisation
from microcred.services.organisations import Platform, create_organisation
from microcred.services.status import revoke
from microcred.settings import Settings
from microcred.web.app import create_app
from microcred.web.context import WebOptions
from microcred.web.render.badge import badge_png
from microcred.web.ui import verifier
from tests.unit.web.conftest import BASE_URL, FakeClock
from tests.unit.web.issuing_support import awarded, published
from tests.unit.web.ui.support import submit


@pytest.fixture
def credential(platform: Platform, acme: Organisation) -> StoredCredential:
    return awarded(
        platform, acme, published(platform, acme), "ada@example.org", recipient_name="Ada"
    )


def verdict_of(page: str) -> str:
    found = re.search(r'<section class="verdict (\w+)"', page)
    assert found is not None, page
    return found.group(1)


def verify_text(client: TestClient, text: str) -> Any:
    return submit(client, "/verify", {"text": text})


def test_the_form_offers_three_ways(client: TestClient) -> None:
    page = client.get("/verify")
    assert page.status_code == 200
    assert 'type="file"' in page.text and 'name="text"' in page.text and 'name="url"' in page.text
    assert 'accept=".json,.jwt,.png,.svg,application/json,image/png,image/svg+xml"' in page.text
    assert page.text.count('enctype="multipart/form-data"') == 1


def test_pasted_json_verifies(client: TestClient, credential: StoredCredential) -> None:
    response = verify_text(client, json.dumps(credential.document))
    assert response.status_code == 200
    assert verdict_of(response.text) == "verified"
    assert "Data Literacy" in response.text and "Ada" in response.text
    assert f'href="/credentials/{credential.id}"' in response.text  # its page here
    assert '<details class="technical">' in response.text


def test_a_tampered_credential_fails_on_its_signature(
    client: TestClient, credential: StoredCredential
) -> None:
    document = json.loads(json.dumps(credential.document))
    document["credentialSubject"]["achievement"]["name"] = "Rocket Science"
    response = verify_text(client, json.dumps(document))
    assert response.status_code == 200
    assert verdict_of(response.text) == "invalid"
    assert "Signature: Failed." in response.text
    assert "<td><code>proof</code></td><td><code>fail</code></td>" in response.text
    assert "PROOF_VERIFICATION_ERROR" in response.text
    assert "as it did not verify, they may not be true" in response.text.replace("&#39;", "'")


def test_baked_png_and_svg_uploads_verify(client: TestClient, credential: StoredCredential) -> None:
    for name, media in (("badge.png", "image/png"), ("badge.svg", "image/svg+xml")):
        data = client.get(f"/credentials/{credential.id}/{name}").content
        response = submit(client, "/verify", files={"file": (name, data, media)})
        assert response.status_code == 200, response.text
        assert verdict_of(response.text) == "verified", name
        assert f"The file {name}" in response.text


def test_a_pasted_vc_jwt_verifies(client: TestClient, platform: Platform) -> None:
    org = create_organisation(
        platform, name="Jose", slug="jose", owner_email="o@jose.example", signing_suite="jose"
    )
    credential = awarded(platform, org, published(platform, org), "ada@example.org")
    assert credential.jwt is not None
    response = verify_text(client, credential.jwt)
    assert verdict_of(response.text) == "verified"
    assert "Verifiable credential (VC-JWT)" in response.text


def test_a_picture_without_a_credential_is_refused_on_the_form(client: TestClient) -> None:
    picture = badge_png("Plain", "#1f5fad", "award", size=64)
    response = submit(client, "/verify", files={"file": ("plain.png", picture, "image/png")})
    assert response.status_code == 422
    assert "No credential could be read from this PNG image" in response.text
    assert 'id="error-summary"' in response.text and 'type="file"' in response.text


def test_bad_text_and_empty_forms_are_refused(client: TestClient) -> None:
    for data, words in (
        ({"text": "hello"}, "neither JSON nor a VC-JWT"),
        ({"text": "[1, 2]"}, "not an object"),
        ({"text": "x" * 600_000}, "too long"),
        ({}, "Choose a file"),
    ):
        response = submit(client, "/verify", data)
        assert response.status_code == 422 and words in response.text, data


def test_a_revoked_credential_is_reported_revoked_with_the_reason(
    client: TestClient, platform: Platform, credential: StoredCredential, clock: FakeClock
) -> None:
    clock.advance(timedelta(days=1))
    revoke(platform, SYSTEM, credential.id, "Academic misconduct")
    response = verify_text(client, json.dumps(credential.document))
    assert verdict_of(response.text) == "revoked"
    assert "Academic misconduct" in response.text


def test_an_address_on_a_host_not_allowed_is_refused_naming_it(client: TestClient) -> None:
    response = submit(client, "/verify", {"url": "https://elsewhere.example/badge.json"})
    assert response.status_code == 422
    assert "elsewhere.example" in response.text and "has not allowed" in response.text
    assert 'value="https://elsewhere.example/badge.json"' in response.text


def test_our_own_credential_address_is_read_from_the_database(
    client: TestClient, credential: StoredCredential, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(hosts: tuple[str, ...]) -> None:
        raise AssertionError("the network was used")

    monkeypatch.setattr(verifier, "network", no_network)
    url = f"{BASE_URL}/credentials/{credential.id}"
    response = submit(client, "/verify", {"url": url})
    assert response.status_code == 200 and verdict_of(response.text) == "verified"
    missing = submit(client, "/verify", {"url": f"{BASE_URL}/credentials/unknown"})
    assert missing.status_code == 422 and "no credential" in missing.text
    elsewhere = submit(client, "/verify", {"url": f"{BASE_URL}/orgs/acme"})
    assert elsewhere.status_code == 422 and "only a credential" in elsewhere.text


@pytest.fixture
def fetching_client(
    platform: Platform, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[TestClient, dict[str, bytes]]]:
    """A client whose verifier may fetch from issuer.example (served from a dict)."""
    served: dict[str, bytes] = {}

    def fetcher(url: str) -> bytes:
        if url not in served:
            raise DocumentLoaderError(f"fetching {url} failed: 404")
        return served[url]

    monkeypatch.setattr(verifier, "network", lambda hosts: fetcher)
    allowed = replace(settings, allowed_fetch_hosts=("issuer.example",))
    with TestClient(create_app(platform, allowed, WebOptions()), base_url=BASE_URL) as client:
        yield client, served


def test_an_address_on_an_allowed_host_is_fetched(
    fetching_client: tuple[TestClient, dict[str, bytes]], credential: StoredCredential
) -> None:
    client, served = fetching_client
    served["https://issuer.example/ada.json"] = json.dumps(credential.document).encode()
    response = submit(client, "/verify", {"url": "https://issuer.example/ada.json"})
    assert response.status_code == 200 and verdict_of(response.text) == "verified"
    gone = submit(client, "/verify", {"url": "https://issuer.example/gone.json"})
    assert gone.status_code == 422 and "could not be fetched" in gone.text


def test_what_a_submitted_document_says_is_shown_inert(client: TestClient) -> None:
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": {"id": "did:example:evil", "name": "<script>alert(1)</script>"},
        "credentialSubject": {
            "achievement": {"name": "<img src=x onerror=alert(1)>"},
        },
        "evidence": [{"id": "javascript:alert(1)", "narrative": "<b>bold</b>"}],
    }
    response = verify_text(client, json.dumps(document))
    assert response.status_code == 200 and verdict_of(response.text) == "invalid"
    assert "<script>alert" not in response.text and "<img src=x" not in response.text
    assert re.search(r"href\s*=\s*[\"']?\s*javascript:", response.text, re.IGNORECASE) is None


def test_the_form_needs_its_token(client: TestClient) -> None:
    client.get("/verify")
    response = client.post("/verify", data={"text": "{}"})
    assert response.status_code == 403


def test_an_open_badges_2_assertion_is_read_and_explained(client: TestClient) -> None:
    assertion = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://old.example/assertions/1",
        "recipient": {"type": "email", "hashed": False, "identity": "ada@example.org"},
        "badge": {"id": "https://old.example/badges/1", "name": "Legacy Badge"},
        "verification": {"type": "HostedBadge"},
        "issuedOn": "2020-01-01T00:00:00Z",
    }
    response = verify_text(client, json.dumps(assertion))
    assert response.status_code == 200
    assert "Open Badges 2.0 assertion" in response.text and "Legacy Badge" in response.text
    assert verdict_of(response.text) == "invalid"
    assert "fetching is not enabled" in response.text
