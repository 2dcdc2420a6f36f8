"""Console settings: validation, the logo, who may change them, and that the new name is
what the issuer profile and new credentials say."""

from __future__ import annotations

import io
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image

from microcred.domain.model import Organisation, Role
from microcred.services.organisations import Platform
from tests.unit.web.issuing_support import awarded, published
from tests.unit.web.ui.console_support import audit_actions, signed_in_as
from tests.unit.web.ui.support import sign_in, submit

SETTINGS = "/console/acme/settings"
VALID = {
    "name": "Acme Academy",
    "description": "Courses in rocketry.",
    "url": "https://acme.example/academy",
    "email": "Badges@Acme.example",
    "brand_colour": "#AA3300",
}


def stored(platform: Platform, org: Organisation) -> Organisation:
    with platform.uow() as uow:
        found = uow.organisations.get(org.id)
    assert found is not None
    return found


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 40, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(client: TestClient, data: dict[str, Any], logo: bytes, name: str = "logo.png") -> Any:
    files = {"logo": (name, logo, "application/octet-stream")}
    return submit(client, SETTINGS, data, files=files)


def test_settings_are_saved_and_audited(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    sign_in(client)
    page = client.get(SETTINGS).text
    assert 'value="Acme"' in page and 'type="color"' in page and "eddsa-rdfc-2022" in page
    assert "did:web:badges.example:orgs:acme" in page
    response = submit(client, SETTINGS, VALID)
    assert response.headers["location"] == SETTINGS + "?notice=settings-saved"
    org = stored(platform, acme)
    assert (org.name, org.description, org.url) == (
        "Acme Academy",
        "Courses in rocketry.",
        "https://acme.example/academy",
    )
    assert (org.email, org.brand_colour) == ("badges@acme.example", "#aa3300")
    assert audit_actions(platform, acme).count("organisation.update") == 1
    assert submit(client, SETTINGS, VALID).status_code == 303
    assert audit_actions(platform, acme).count("organisation.update") == 1  # nothing changed
    assert "The settings were saved." in client.get(response.headers["location"]).text


def test_the_new_name_is_the_issuers_name(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    sign_in(client)
    submit(client, SETTINGS, VALID)
    profile = client.get("/orgs/acme").json()
    assert profile["name"] == "Acme Academy" and profile["url"] == VALID["url"]
    assert profile["description"] == "Courses in rocketry."
    credential = awarded(platform, stored(platform, acme), published(platform, acme), "a@b.org")
    assert credential.document["issuer"]["name"] == "Acme Academy"
    assert '<p class="org-name">Acme Academy</p>' in client.get("/console/acme").text


def test_errors_are_shown_with_the_values_kept(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    sign_in(client)
    wrong = {
        "name": " ",
        "url": "javascript:alert(1)",
        "email": "not an address",
        "brand_colour": "red",
        "description": "Kept",
    }
    response = submit(client, SETTINGS, wrong)
    assert response.status_code == 422
    for message in ("Name: give", "Website: give", "Email: give", "Colour: use #rrggbb"):
        assert message in response.text
    assert 'value="javascript:alert(1)"' in response.text and ">Kept</textarea>" in response.text
    assert stored(platform, acme) == acme
    ftp = submit(client, SETTINGS, {**VALID, "url": "ftp://acme.example"})
    assert ftp.status_code == 422 and stored(platform, acme) == acme


def test_a_png_logo_is_stored_shown_and_removed(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    sign_in(client)
    assert upload(client, {"name": "Acme"}, png()).status_code == 303
    logo = stored(platform, acme).logo_image_id
    assert logo is not None
    assert f'<img src="/images/{logo}"' in client.get(SETTINGS).text
    image = client.get(f"/images/{logo}")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    refused = upload(client, {"name": "Acme"}, b"#!/bin/sh\necho hi\n", "evil.png")
    assert refused.status_code == 422 and "Logo:" in refused.text
    assert stored(platform, acme).logo_image_id == logo
    assert submit(client, SETTINGS, {"name": "Acme", "remove_logo": "1"}).status_code == 303
    assert stored(platform, acme).logo_image_id is None


def test_only_admins_change_settings(
    client: TestClient, acme: Organisation, globex: Organisation, platform: Platform
) -> None:
    signed_in_as(client, platform, acme, Role.ISSUER)
    page = client.get(SETTINGS)
    assert page.status_code == 200 and "Save settings" not in page.text
    assert submit(client, SETTINGS, VALID).status_code == 403
    assert upload(client, VALID, png()).status_code == 403
    assert stored(platform, acme) == acme
    assert client.get("/console/globex/settings").status_code == 403
    client.cookies.clear()
    signed_in_as(client, platform, acme, Role.ADMIN)
    assert submit(client, SETTINGS, VALID).status_code == 303


def test_settings_without_the_token_change_nothing(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    sign_in(client)
    response = client.post(SETTINGS, data=VALID, follow_redirects=False)
    assert response.status_code == 403
    assert stored(platform, acme) == acme
    assert "organisation.update" not in audit_actions(platform, acme)
