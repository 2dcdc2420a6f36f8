"""The public credential page, claim links and the credential's downloads."""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import replace
from datetime import timedelta
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pypdfium2
import pytest
import zxingcpp
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pypdf import PdfReader

from microcred.core.baking import extract_png, extract_svg
from microcred.core.documents import Alignment
from microcred.domain.awards import StoredCredential
from microcred.domain.model import SYSTEM, Organisation
from microcred.services.achievements import create_achievement, publish_achievement
from microcred.services.awards import award
from microcred.services.images import image_url, store_image
from microcred.services.organisations import Platform, create_organisation
from microcred.services.status import revoke, suspend
from microcred.services.verification import verify_submitted_credential
from microcred.web.context import WebContext
from microcred.web.render.badge import badge_png as badge_png_image
from tests.unit.web.conftest import BASE_URL, NOW, FakeClock
from tests.unit.web.issuing_support import FIELDS, awarded, published

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
SKILL = Alignment(
    target_name="Statistics",
    target_url="https://skills.example/statistics",
    target_framework="Skills Framework",
    target_code="ST-1",
)


@pytest.fixture
def credential(platform: Platform, acme: Organisation) -> StoredCredential:
    fields = replace(
        FIELDS,
        criteria_narrative="Passed **all four** modules.",
        alignments=(SKILL,),
        tags=("data", "analysis"),
        credits_available=2.5,
    )
    draft = create_achievement(platform, SYSTEM, acme.id, fields)
    achievement_id = publish_achievement(platform, SYSTEM, draft.id).id
    return award(
        platform,
        SYSTEM,
        acme.id,
        achievement_id,
        "ada@example.org",
        recipient_name="Ada Lovelace",
        evidence_url="https://portfolio.example/ada",
        narrative="Built a dashboard.",
        idempotency_key="ada",
    ).credential


def page_of(client: TestClient, record_id: str) -> str:
    response = client.get(f"/credentials/{record_id}", headers=BROWSER)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def verdict_of(page: str) -> str:
    found = re.search(r'<section class="verdict (\w+)"', page)
    assert found is not None, page
    return found.group(1)


def claim_token(platform: Platform, credential: StoredCredential) -> str:
    with platform.uow() as uow:
        job = uow.jobs.claim(NOW + timedelta(days=1), timedelta(minutes=1), ("email.award",))
    assert job is not None and job.payload["credential_id"] == credential.id
    return str(job.payload["claim_token"])


def test_a_claim_link_leads_to_the_page_which_says_verified(
    client: TestClient, platform: Platform, credential: StoredCredential
) -> None:
    token = claim_token(platform, credential)
    assert credential.claim_token_hash == hashlib.sha256(token.encode()).hexdigest()
    response = client.get(f"/claim/{token}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/credentials/{credential.id}"
    page = page_of(client, credential.id)
    assert verdict_of(page) == "verified"
    for text in ("Data Literacy", "Ada Lovelace", "Acme", "Reads, questions and explains data."):
        assert text in page
    assert "<strong>all four</strong>" in page  # the criteria's Markdown
    assert 'href="https://skills.example/statistics"' in page and "ST-1" in page
    assert "<li>analysis</li>" in page and "2.5" in page
    assert 'href="https://portfolio.example/ada"' in page and "Built a dashboard." in page
    assert "1 March 2026" in page and "1 March 2027" in page  # issued, expires
    assert f'<img class="badge-image" src="/credentials/{credential.id}/badge.svg"' in page
    assert 'alt="Data Literacy"' in page
    assert "<script>" not in page and " style=" not in page


def test_an_unknown_claim_link_is_a_404_page(
    client: TestClient, credential: StoredCredential
) -> None:
    for token in ("not-a-token", "x" * 500):
        response = client.get(f"/claim/{token}", follow_redirects=False)
        assert response.status_code == 404
        assert "This claim link is not valid" in response.text


def test_a_revoked_credential_still_renders_marked_revoked_with_the_reason(
    client: TestClient, platform: Platform, credential: StoredCredential, clock: FakeClock
) -> None:
    clock.advance(timedelta(days=1))
    revoke(platform, SYSTEM, credential.id, "Issued in error & withdrawn")
    page = page_of(client, credential.id)
    assert verdict_of(page) == "revoked"
    assert "Revoked" in page and "Issued in error &amp; withdrawn" in page
    assert "The issuer revoked this credential" in page
    pdf = client.get(f"/credentials/{credential.id}/certificate.pdf")
    assert "Revoked" in pdf_text(pdf.content)


def test_suspended_and_expired_credentials_are_marked(
    client: TestClient, platform: Platform, acme: Organisation, clock: FakeClock
) -> None:
    achievement = published(platform, acme)
    paused = awarded(platform, acme, achievement, "grace@example.org")
    old = awarded(platform, acme, achievement, "alan@example.org")
    suspend(platform, SYSTEM, paused.id, "Under review")
    assert verdict_of(page_of(client, paused.id)) == "suspended"
    assert "Under review" in page_of(client, paused.id)
    clock.advance(timedelta(days=400))
    assert verdict_of(page_of(client, old.id)) == "expired"


def test_api_clients_keep_getting_the_signed_json(
    client: TestClient, credential: StoredCredential
) -> None:
    path = f"/credentials/{credential.id}"
    for headers in (
        {},
        {"Accept": "application/json"},
        {"Accept": "*/*"},
        {"Accept": "application/*"},
    ):
        response = client.get(path, headers=headers)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/vc+ld+json", headers
        assert response.json() == credential.document
    json_first = {"Accept": "application/json, text/html;q=0.5"}
    assert client.get(path, headers=json_first).headers["content-type"] == "application/vc+ld+json"
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html")
    assert "Accept" in page.headers["vary"] and page.headers["cache-control"] == "no-store"
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_an_unknown_credential_is_an_html_404_for_a_browser(client: TestClient) -> None:
    response = client.get("/credentials/nothing-here", headers=BROWSER)
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")


# --------------------------------------------------------------------------- downloads


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def test_the_baked_images_hold_the_credential_which_verifies(
    app: FastAPI, client: TestClient, credential: StoredCredential
) -> None:
    context: WebContext = app.state.microcred
    png = client.get(f"/credentials/{credential.id}/badge.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.headers["content-disposition"] == 'attachment; filename="data-literacy.png"'
    assert "set-cookie" not in png.headers  # a file, not a page
    svg = client.get(f"/credentials/{credential.id}/badge.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert "content-disposition" not in svg.headers
    assert "sandbox" in svg.headers["content-security-policy"]
    for baked in (extract_png(png.content), extract_svg(svg.content)):
        report = verify_submitted_credential(context.platform, context.verifier, baked)
        assert report.verified, report.to_json()
    download = client.get(f"/credentials/{credential.id}/badge.svg?download=1")
    assert download.headers["content-disposition"] == 'attachment; filename="data-literacy.svg"'


def test_the_json_download_and_no_jwt_for_a_data_integrity_credential(
    client: TestClient, credential: StoredCredential
) -> None:
    response = client.get(f"/credentials/{credential.id}/credential.json")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="data-literacy.json"'
    assert response.json() == credential.document
    assert client.get(f"/credentials/{credential.id}/credential.jwt").status_code == 404
    assert "credential.jwt" not in page_of(client, credential.id)


def test_a_vc_jwt_credential_offers_its_token(client: TestClient, platform: Platform) -> None:
    org = create_organisation(
        platform, name="Jose", slug="jose", owner_email="o@jose.example", signing_suite="jose"
    )
    credential = awarded(platform, org, published(platform, org, "Ünïcode Skills!"), "a@b.example")
    assert credential.jwt is not None
    page = page_of(client, credential.id)
    assert verdict_of(page) == "verified" and f"/credentials/{credential.id}/credential.jwt" in page
    token = client.get(f"/credentials/{credential.id}/credential.jwt")
    assert token.text == credential.jwt
    assert token.headers["content-disposition"] == 'attachment; filename="unicode-skills.jwt"'
    png = client.get(f"/credentials/{credential.id}/badge.png")
    assert extract_png(png.content) == credential.jwt


def test_the_pdf_certificate_names_the_achievement_and_its_qr_code_is_the_page(
    client: TestClient, credential: StoredCredential
) -> None:
    response = client.get(f"/credentials/{credential.id}/certificate.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    url = f"{BASE_URL}/credentials/{credential.id}"
    text = pdf_text(response.content)
    assert "Data Literacy" in text and url in text.replace("\n", "")
    image = pypdfium2.PdfDocument(response.content)[0].render(scale=2).to_pil()
    codes = zxingcpp.read_barcodes(image)
    assert [code.text for code in codes] == [url]


def test_linkedin_open_graph_and_the_embed_snippet(
    client: TestClient, credential: StoredCredential
) -> None:
    page = page_of(client, credential.id)
    url = f"{BASE_URL}/credentials/{credential.id}"
    link = re.search(r'href="(https://www\.linkedin\.com/[^"]+)"', page)
    assert link is not None
    query = parse_qs(urlsplit(html.unescape(link.group(1))).query)
    assert query["name"] == ["Data Literacy"] and query["organizationName"] == ["Acme"]
    assert query["issueYear"] == ["2026"] and query["issueMonth"] == ["3"]
    assert query["expirationYear"] == ["2027"] and query["expirationMonth"] == ["3"]
    assert query["certUrl"] == [url] and query["certId"] == [credential.id]
    assert f'<meta property="og:url" content="{url}">' in page
    assert f'<meta property="og:image" content="{url}/badge.png">' in page
    assert '<meta property="og:title" content="Data Literacy">' in page
    assert '<meta property="og:type" content="website">' in page
    assert '<meta name="twitter:card" content="summary">' in page
    snippet = (
        f"&lt;a href=&#34;{url}&#34;&gt;&lt;img src=&#34;{url}/badge.png&#34; "
        "alt=&#34;Data Literacy&#34; width=&#34;120&#34; height=&#34;120&#34;&gt;&lt;/a&gt;"
    )
    assert snippet in page.replace("&amp;#34;", "&#34;")
    assert 'data-copy="embed-code"' in page and 'id="embed-code"' in page


def test_stored_xss_in_names_and_criteria_is_inert(client: TestClient, platform: Platform) -> None:
    evil = "<script>alert(1)</script>"
    org = create_organisation(platform, name=evil, slug="evil", owner_email="o@evil.example")
    fields = replace(FIELDS, name=evil, criteria_narrative="[click](javascript:alert(1))")
    draft = create_achievement(platform, SYSTEM, org.id, fields)
    achievement = publish_achievement(platform, SYSTEM, draft.id).id
    credential = awarded(platform, org, achievement, "x@evil.example")
    page = page_of(client, credential.id)
    assert "<script>alert" not in page
    assert re.search(r"href\s*=\s*[\"']?\s*javascript:", page, re.IGNORECASE) is None
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<meta property="og:title" content="&lt;script&gt;alert(1)&lt;/script&gt;">' in page
    assert ">click</a>" in page  # the link text stays, without its href


# --------------------------------------------------------------------------- images


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><circle r="4"/></svg>'


def test_stored_images_are_served_sandboxed_and_immutable(
    client: TestClient, platform: Platform, acme: Organisation
) -> None:
    stored = store_image(platform, SYSTEM, acme.id, SVG)
    response = client.get(f"/images/{stored.id}")
    assert response.status_code == 200 and response.content == stored.data
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    policy = response.headers["content-security-policy"]
    assert policy == "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "set-cookie" not in response.headers
    assert client.get("/images/unknown").status_code == 404


def test_a_credential_bakes_its_achievements_stored_image(
    client: TestClient, platform: Platform, acme: Organisation
) -> None:
    picture = badge_png_image("Stored", "#aa3300", "star", size=64)
    stored = store_image(platform, SYSTEM, acme.id, picture)
    fields = replace(FIELDS, image=image_url(BASE_URL, stored.id), image_caption="Our badge")
    draft = create_achievement(platform, SYSTEM, acme.id, fields)
    achievement = publish_achievement(platform, SYSTEM, draft.id).id
    credential = awarded(platform, acme, achievement, "ada@example.org")
    png = client.get(f"/credentials/{credential.id}/badge.png").content
    assert png.startswith(stored.data[:-12])  # the stored picture, its chunks before IEND
    svg = client.get(f"/credentials/{credential.id}/badge.svg").content
    assert b"data:image/png;base64," in svg and extract_svg(svg)


def test_the_badge_preview_draws_bounded_input(client: TestClient) -> None:
    response = client.get(
        "/badge-preview.svg", params={"name": "Data <Skills>", "badge_colour": "#aa3300"}
    )
    assert response.status_code == 200 and response.headers["content-type"] == "image/svg+xml"
    assert b"Data &lt;Skills&gt;" in response.content and b"#aa3300" in response.content
    assert "sandbox" in response.headers["content-security-policy"]
    empty = client.get("/badge-preview.svg?name=&badge_colour=&badge_icon=")
    assert empty.status_code == 200 and b"#1f5fad" in empty.content  # the defaults
    for params in (
        {"badge_colour": "red"},
        {"badge_icon": "skull"},
        {"name": "x" * 201},
    ):
        assert client.get("/badge-preview.svg", params=params).status_code == 422, params
