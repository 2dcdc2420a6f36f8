"""The audit log a page at a time: order, filter, actor names, admins only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from microcred.domain.model import SYSTEM, Actor, AuditEntry, Organisation, PermissionDenied, Role
from microcred.services.access import create_api_key
from microcred.services.audit_log import PER_PAGE, audit_page
from microcred.services.errors import InvalidInput
from microcred.services.members import add_member
from microcred.services.organisations import Platform, create_organisation
from tests.unit.services.issuing_support import Clock, make_platform

AT = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture
def platform(engine: Engine) -> Platform:
    return make_platform(engine, Clock())


@pytest.fixture
def org(platform: Platform) -> Organisation:
    return create_organisation(platform, name="Acme", slug="acme", owner_email="o@acme.example")


def append(platform: Platform, org_id: str, actions: list[str]) -> None:
    with platform.uow() as uow:
        for n, action in enumerate(actions):
            uow.audit.append(AuditEntry(org_id, "system:test", action, None, {"n": n}, AT))
        uow.commit()


def test_pages_are_newest_first(platform: Platform, org: Organisation) -> None:
    append(platform, org.id, ["test.a"] * (PER_PAGE + 7))
    first = audit_page(platform, SYSTEM, org.id)
    assert (first.total, first.pages, len(first.rows)) == (PER_PAGE + 10, 2, PER_PAGE)
    assert [r.entry.detail["n"] for r in first.rows[:2]] == [PER_PAGE + 6, PER_PAGE + 5]
    second = audit_page(platform, SYSTEM, org.id, page=2)
    assert len(second.rows) == 10
    assert second.rows[-1].entry.action in {"organisation.create", "member.role", "key.create"}
    assert audit_page(platform, SYSTEM, org.id, page=9).rows == []


def test_the_filter_is_a_literal_prefix(platform: Platform, org: Organisation) -> None:
    append(platform, org.id, ["member_x.a", "member.role", "x.member.y", "memberXrole"])
    found = audit_page(platform, SYSTEM, org.id, action="member.")
    assert [r.entry.action for r in found.rows] == ["member.role", "member.role"]
    assert [r.entry.action for r in audit_page(platform, SYSTEM, org.id, action="%").rows] == []
    under = audit_page(platform, SYSTEM, org.id, action="member_")
    assert [r.entry.action for r in under.rows] == ["member_x.a"]
    assert "x.member.y" in found.actions and "organisation.create" in found.actions
    with pytest.raises(InvalidInput):
        audit_page(platform, SYSTEM, org.id, action="x" * 65)
    with pytest.raises(InvalidInput):
        audit_page(platform, SYSTEM, org.id, page=0)


def test_actors_are_named(platform: Platform, org: Organisation) -> None:
    with platform.uow() as uow:
        owner = uow.members.user_by_email("o@acme.example")
    assert owner is not None
    user = Actor("user", owner.id, org.id, Role.OWNER)
    add_member(platform, user, org.id, "n@acme.example", Role.VIEWER)
    issued = create_api_key(platform, org.id, name="CI", role=Role.ADMIN, actor=SYSTEM)
    key = Actor("api_key", issued.key.id, org.id, Role.ADMIN)
    add_member(platform, key, org.id, "m@acme.example", Role.VIEWER)
    rows = audit_page(platform, SYSTEM, org.id).rows
    assert [r.who for r in rows[:3]] == [
        f"API key “CI” ({issued.key.prefix})",
        "system:microcred",
        "o@acme.example",
    ]


def test_only_admins_of_the_organisation_read_it(platform: Platform, org: Organisation) -> None:
    other = create_organisation(platform, name="B", slug="b", owner_email="b@b.example")
    for actor in (
        Actor("user", "u", org.id, Role.ISSUER),
        Actor("user", "u", other.id, Role.OWNER),
    ):
        with pytest.raises(PermissionDenied):
            audit_page(platform, actor, org.id)
    assert audit_page(platform, Actor("user", "u", org.id, Role.ADMIN), org.id).total == 3
