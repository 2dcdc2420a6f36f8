"""An organisation's settings and its identity as the console shows them."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from PIL import Image
from sqlalchemy import Engine

from microcred.domain.model import SYSTEM, Actor, Organisation, PermissionDenied, Role
from microcred.services.errors import InvalidInput
from microcred.services.images import DEFAULT_COLOUR
from microcred.services.keys import rotate_key
from microcred.services.organisations import Platform, create_organisation
from microcred.services.settings import (
    InvalidSettings,
    SettingsForm,
    check_settings,
    identity,
    update_settings,
)
from tests.unit.services.issuing_support import BASE, Clock, make_platform


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def platform(engine: Engine, clock: Clock) -> Platform:
    return make_platform(engine, clock)


@pytest.fixture
def org(platform: Platform) -> Organisation:
    return create_organisation(platform, name="Acme", slug="acme", owner_email="o@acme.example")


def audit_details(platform: Platform, org: Organisation) -> list[dict[str, object]]:
    with platform.uow() as uow:
        entries = uow.audit.for_org(org.id)
    return [dict(e.detail) for e in entries if e.action == "organisation.update"]


def test_what_is_checked() -> None:
    assert (
        check_settings(SettingsForm("Acme", url="https://a.example/x", email="a@b.example")) == []
    )
    assert check_settings(SettingsForm("Acme", brand_colour="#A0b1C2")) == []
    wrong = [
        SettingsForm(""),
        SettingsForm("x" * 201),
        SettingsForm("Acme", description="x" * 2001),
        SettingsForm("Acme", url="javascript:alert(1)"),
        SettingsForm("Acme", url="https://"),
        SettingsForm("Acme", url="https://a.example/ x"),
        SettingsForm("Acme", email="a@b"),
        SettingsForm("Acme", brand_colour="#abc"),
        SettingsForm("Acme", brand_colour="#abcdef0"),
    ]
    for form in wrong:
        assert len(check_settings(form)) == 1, form


def test_changes_are_saved_and_audited(platform: Platform, org: Organisation) -> None:
    form = SettingsForm("  Acme Academy ", "About", "http://acme.example", "", DEFAULT_COLOUR)
    saved = update_settings(platform, SYSTEM, org.id, form)
    assert saved == replace(org, name="Acme Academy", description="About", url=form.url)
    with platform.uow() as uow:
        assert uow.organisations.get(org.id) == saved
    assert audit_details(platform, org) == [
        {"name": "Acme Academy", "description": "About", "url": "http://acme.example"}
    ]
    update_settings(platform, SYSTEM, org.id, replace(form, brand_colour="#00AA00"))
    assert audit_details(platform, org)[0] == {"brand_colour": "#00aa00"}
    assert SettingsForm.of(replace(saved, brand_colour="#00aa00")).brand_colour == "#00aa00"


def test_invalid_settings_change_nothing(platform: Platform, org: Organisation) -> None:
    with pytest.raises(InvalidSettings) as raised:
        update_settings(platform, SYSTEM, org.id, SettingsForm("", url="ftp://x.example"))
    assert len(raised.value.errors) == 2
    with pytest.raises(InvalidInput, match="neither a PNG nor an SVG"):
        update_settings(platform, SYSTEM, org.id, SettingsForm("New"), logo=b"plain text")
    with platform.uow() as uow:
        assert uow.organisations.get(org.id) == org


def test_a_logo_is_stored_and_removed(platform: Platform, org: Organisation) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    saved = update_settings(platform, SYSTEM, org.id, SettingsForm("Acme"), logo=buffer.getvalue())
    assert saved.logo_image_id is not None
    kept = update_settings(platform, SYSTEM, org.id, SettingsForm("Acme", description="x"))
    assert kept.logo_image_id == saved.logo_image_id
    gone = update_settings(platform, SYSTEM, org.id, SettingsForm("Acme"), remove_logo=True)
    assert gone.logo_image_id is None


def test_only_admins_change_settings(platform: Platform, org: Organisation) -> None:
    issuer = Actor("user", "u", org.id, Role.ISSUER)
    with pytest.raises(PermissionDenied):
        update_settings(platform, issuer, org.id, SettingsForm("Mine"))


def test_identity_lists_the_keys_and_the_current_one(
    platform: Platform, org: Organisation, clock: Clock
) -> None:
    clock.advance(minutes=1)
    rotate_key(platform, SYSTEM, org.id)
    viewer = Actor("user", "u", org.id, Role.VIEWER)
    found = identity(platform, viewer, org.id)
    assert found.did == "did:web:badges.example%3A8443:orgs:acme" and found.rotatable
    assert found.did_document == f"{BASE}/orgs/acme/did.json"
    assert [(k.retired_at is None, k.current) for k in found.keys] == [(False, False), (True, True)]
    keyed = create_organisation(
        platform, name="K", slug="k", owner_email="k@k.example", did_method="key"
    )
    shown = identity(platform, SYSTEM, keyed.id)
    assert shown.did.startswith("did:key:z") and shown.did_document is None
    assert not shown.rotatable and shown.keys[0].current
