"""Uploaded images: checked and cleaned before they are kept, and the artwork to bake."""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from sqlalchemy import Engine

from microcred.domain.achievements import AchievementFields
from microcred.domain.model import SYSTEM, Actor, Organisation, PermissionDenied, Role
from microcred.services.errors import InvalidInput, NotFound
from microcred.services.images import (
    DEFAULT_COLOUR,
    badge_artwork,
    get_image,
    image_id_of,
    image_url,
    store_image,
)
from microcred.services.organisations import Platform, create_organisation
from microcred.web.render.badge import badge_png, badge_svg
from tests.unit.services.issuing_support import BASE, Clock, make_platform

CLEAN_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<rect width="10" height="10" fill="#ff0000"/></svg>'
)


@pytest.fixture
def platform(engine: Engine) -> Platform:
    return make_platform(engine, Clock())


@pytest.fixture
def org(platform: Platform) -> Organisation:
    return create_organisation(platform, name="Acme", slug="acme", owner_email="o@acme.example")


def issuer(org: Organisation) -> Actor:
    return Actor("user", "issuer-1", org.id, Role.ISSUER)


def png_of(size: int = 8) -> bytes:
    """A small PNG with a text chunk (which the stored copy drops)."""
    info = PngInfo()
    info.add_text("Comment", "hello")
    out = BytesIO()
    Image.new("RGB", (size, size), (10, 20, 30)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def test_a_png_is_cleaned_stored_and_audited(platform: Platform, org: Organisation) -> None:
    assert b"Comment\x00hello" in png_of()
    stored = store_image(platform, issuer(org), org.id, png_of())
    assert stored.media_type == "image/png" and stored.org_id == org.id
    again = get_image(platform, stored.id)
    assert again.data == stored.data and again.data.startswith(b"\x89PNG")
    assert b"Comment" not in again.data
    with platform.uow() as uow:
        entries = [e for e in uow.audit.for_org(org.id) if e.action == "image.upload"]
    assert [e.subject for e in entries] == [stored.id]
    assert entries[0].actor == "user:issuer-1"


def test_a_clean_svg_is_rebuilt_and_stored(platform: Platform, org: Organisation) -> None:
    stored = store_image(platform, issuer(org), org.id, CLEAN_SVG)
    assert stored.media_type == "image/svg+xml"
    assert b"<rect" in get_image(platform, stored.id).data


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script>"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>', "onload"),
        (b"GIF89a not a png", "neither a PNG nor an SVG"),
        (b"\x89PNG\r\n\x1a\nbroken", "PNG"),
    ],
)
def test_dangerous_or_broken_uploads_are_refused(
    platform: Platform, org: Organisation, data: bytes, words: str
) -> None:
    with pytest.raises(InvalidInput, match=words):
        store_image(platform, issuer(org), org.id, data)
    with platform.uow() as uow:
        assert not [e for e in uow.audit.for_org(org.id) if e.action == "image.upload"]


def test_only_issuers_of_the_organisation_upload(platform: Platform, org: Organisation) -> None:
    viewer = Actor("user", "viewer-1", org.id, Role.VIEWER)
    with pytest.raises(PermissionDenied):
        store_image(platform, viewer, org.id, png_of())
    stranger = Actor("user", "issuer-2", "another-org", Role.ISSUER)
    with pytest.raises(PermissionDenied):
        store_image(platform, stranger, org.id, png_of())


def test_an_unknown_image_is_not_found(platform: Platform) -> None:
    for image_id in ("nothing", "", "x" * 100):
        with pytest.raises(NotFound):
            get_image(platform, image_id)


def test_image_urls() -> None:
    assert image_url(BASE + "/", "abc") == f"{BASE}/images/abc"
    assert image_id_of(BASE, f"{BASE}/images/abc") == "abc"
    for other in (None, "", f"{BASE}/images/", f"{BASE}/images/a/b", "https://x.example/images/a"):
        assert image_id_of(BASE, other) is None


def test_the_artwork_of_an_achievement_without_a_stored_image_is_generated(
    platform: Platform, org: Organisation
) -> None:
    fields = AchievementFields("Data Literacy", "d")
    plain = badge_artwork(platform, fields, org)
    assert plain.svg == badge_svg("Data Literacy", DEFAULT_COLOUR, "award")
    assert plain.png == badge_png("Data Literacy", DEFAULT_COLOUR, "award")
    branded = badge_artwork(platform, fields, replace(org, brand_colour="#aa3300"))
    assert b"#aa3300" in branded.svg
    elsewhere = replace(fields, image="https://cdn.example/badge.png")
    assert badge_artwork(platform, elsewhere, org).svg == plain.svg


def test_the_artwork_uses_the_organisations_stored_image(
    platform: Platform, org: Organisation
) -> None:
    png = store_image(platform, issuer(org), org.id, png_of(16))
    svg = store_image(platform, SYSTEM, org.id, CLEAN_SVG)
    as_png = badge_artwork(
        platform, AchievementFields("A", "d", image=image_url(BASE, png.id)), org
    )
    assert as_png.png == png.data
    assert b"data:image/png;base64," in as_png.svg and b'width="16"' in as_png.svg
    as_svg = badge_artwork(
        platform, AchievementFields("A", "d", image=image_url(BASE, svg.id)), org
    )
    assert as_svg.svg == svg.data and as_svg.png == badge_png("A", DEFAULT_COLOUR, "award")
    other = create_organisation(platform, name="Other", slug="other", owner_email="o@o.example")
    borrowed = badge_artwork(
        platform, AchievementFields("A", "d", image=image_url(BASE, png.id)), other
    )
    assert borrowed.png != png.data  # another organisation's picture is not used


def test_a_stored_generated_badge_gets_the_same_png(platform: Platform, org: Organisation) -> None:
    generated = badge_svg("Data & <Skills>", "#aa3300", "star")
    stored = store_image(platform, issuer(org), org.id, generated)
    fields = AchievementFields("Data & <Skills>", "d", image=image_url(BASE, stored.id))
    artwork = badge_artwork(platform, fields, org)
    assert artwork.svg == stored.data
    assert artwork.png == badge_png("Data & <Skills>", "#aa3300", "star")
