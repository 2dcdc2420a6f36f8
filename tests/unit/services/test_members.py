"""Managing an organisation's members: the role rules, the last owner, invitations."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, select

from microcred.adapters.db import schema
from microcred.domain.model import SYSTEM, Actor, Organisation, PermissionDenied, Role, User
from microcred.services import members
from microcred.services.errors import Conflict, InvalidInput, NotFound
from microcred.services.organisations import Platform, create_organisation
from tests.unit.services.issuing_support import Clock, make_platform

PASSWORD = "a good long password"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def platform(engine: Engine, clock: Clock) -> Platform:
    return make_platform(engine, clock)


@pytest.fixture
def org(platform: Platform) -> Organisation:
    return create_organisation(platform, name="Acme", slug="acme", owner_email="o@acme.example")


def user(platform: Platform, email: str) -> User:
    with platform.uow() as uow:
        found = uow.members.user_by_email(email)
    assert found is not None
    return found


def roles(platform: Platform, org: Organisation) -> dict[str, Role]:
    return {m.email: m.role for m in members.members_of(platform, SYSTEM, org.id)}


def test_who_manages_which_role() -> None:
    assert members.grantable_roles(Role.OWNER) == list(Role)
    assert members.grantable_roles(Role.ADMIN) == [Role.ISSUER, Role.ASSESSOR, Role.VIEWER]
    for role in (Role.ISSUER, Role.ASSESSOR, Role.VIEWER, None):
        assert members.grantable_roles(role) == []


def test_the_last_owner_stays(platform: Platform, org: Organisation) -> None:
    key = Actor("api_key", "k", org.id, Role.OWNER)
    owner = user(platform, "o@acme.example")
    with pytest.raises(Conflict, match="last owner"):
        members.change_role(platform, key, org.id, owner.id, Role.ADMIN)
    with pytest.raises(Conflict, match="last owner"):
        members.remove_member(platform, key, org.id, owner.id)
    second = members.add_member(platform, key, org.id, "two@acme.example", Role.OWNER)
    members.change_role(platform, key, org.id, owner.id, Role.ADMIN)
    with pytest.raises(Conflict, match="last owner"):
        members.remove_member(platform, key, org.id, second.member.user_id)
    assert roles(platform, org) == {"o@acme.example": Role.ADMIN, "two@acme.example": Role.OWNER}


def test_admins_manage_the_roles_below_theirs(platform: Platform, org: Organisation) -> None:
    admin = members.add_member(platform, SYSTEM, org.id, "a@acme.example", Role.ADMIN).member
    other = members.add_member(platform, SYSTEM, org.id, "b@acme.example", Role.ADMIN).member
    issuer = members.add_member(platform, SYSTEM, org.id, "i@acme.example", Role.ISSUER).member
    actor = Actor("user", admin.user_id, org.id, Role.ADMIN)
    refused: list[Callable[[], object]] = [
        lambda: members.add_member(platform, actor, org.id, "x@acme.example", Role.ADMIN),
        lambda: members.change_role(platform, actor, org.id, issuer.user_id, Role.ADMIN),
        lambda: members.change_role(platform, actor, org.id, other.user_id, Role.VIEWER),
        lambda: members.remove_member(platform, actor, org.id, other.user_id),
        lambda: members.change_role(platform, actor, org.id, admin.user_id, Role.OWNER),
        lambda: members.remove_member(platform, actor, org.id, admin.user_id),
    ]
    for attempt in refused:
        with pytest.raises(PermissionDenied):
            attempt()
    members.change_role(platform, actor, org.id, issuer.user_id, Role.ASSESSOR)
    members.remove_member(platform, actor, org.id, issuer.user_id)
    assert "i@acme.example" not in roles(platform, org)


def test_the_invitation_token_is_stored_hashed_and_works_once(
    platform: Platform, org: Organisation, engine: Engine
) -> None:
    added = members.add_member(platform, SYSTEM, org.id, " New@Acme.example ", Role.ISSUER)
    token = added.invitation_token
    assert token is not None and added.member.pending and added.member.email == "new@acme.example"
    with engine.connect() as connection:
        (stored,) = connection.execute(select(schema.invitations.c.token_hash)).scalars()
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    pending = members.invitation(platform, token)
    assert (pending.organisation.id, pending.email) == (org.id, "new@acme.example")
    with pytest.raises(InvalidInput, match="name"):
        members.accept_invitation(platform, token, name=" ", password=PASSWORD)
    joined = members.accept_invitation(platform, token, name=" Nia ", password=PASSWORD)
    assert joined.organisation.id == org.id and joined.session.token.startswith("mcs_")
    assert user(platform, "new@acme.example").name == "Nia"
    with pytest.raises(NotFound):
        members.accept_invitation(platform, token, name="Nia", password=PASSWORD)
    with pytest.raises(NotFound):
        members.invitation(platform, "x" * 500)


def test_an_invitation_expires_after_seven_days(
    platform: Platform, org: Organisation, clock: Clock
) -> None:
    token = members.add_member(platform, SYSTEM, org.id, "n@acme.example", Role.VIEWER)
    assert token.invitation_token is not None
    clock.advance(days=7)
    with pytest.raises(Conflict, match="expired"):
        members.accept_invitation(platform, token.invitation_token, name="Late", password=PASSWORD)


def test_an_account_with_a_password_is_never_invited(platform: Platform, org: Organisation) -> None:
    create_organisation(
        platform, name="G", slug="g", owner_email="g@g.example", owner_password=PASSWORD
    )
    added = members.add_member(platform, SYSTEM, org.id, "g@g.example", Role.VIEWER)
    assert added.invitation_token is None and not added.member.pending
    with pytest.raises(Conflict, match="already"):
        members.renew_invitation(platform, SYSTEM, org.id, added.member.user_id)


def test_a_removed_invitee_is_invited_again(platform: Platform, org: Organisation) -> None:
    first = members.add_member(platform, SYSTEM, org.id, "n@acme.example", Role.VIEWER)
    assert first.invitation_token is not None
    members.remove_member(platform, SYSTEM, org.id, first.member.user_id)
    with pytest.raises(NotFound):
        members.invitation(platform, first.invitation_token)
    again = members.add_member(platform, SYSTEM, org.id, "n@acme.example", Role.VIEWER)
    assert again.invitation_token is not None and again.member.user_id == first.member.user_id


def test_an_account_invited_elsewhere_waits(platform: Platform, org: Organisation) -> None:
    other = create_organisation(platform, name="B", slug="b", owner_email="b@b.example")
    invited = members.add_member(platform, SYSTEM, org.id, "n@x.example", Role.VIEWER)
    assert invited.invitation_token is not None
    with pytest.raises(Conflict, match="has not accepted yet"):
        members.add_member(platform, SYSTEM, other.id, "n@x.example", Role.VIEWER)
    members.accept_invitation(platform, invited.invitation_token, name="N", password=PASSWORD)
    joined = members.add_member(platform, SYSTEM, other.id, "n@x.example", Role.VIEWER)
    assert joined.invitation_token is None


def test_renewing_needs_the_right_to_manage_the_role(platform: Platform, org: Organisation) -> None:
    owner = members.add_member(platform, SYSTEM, org.id, "p@acme.example", Role.OWNER).member
    admin = Actor("user", "someone", org.id, Role.ADMIN)
    with pytest.raises(PermissionDenied):
        members.renew_invitation(platform, admin, org.id, owner.user_id)
    renewed = members.renew_invitation(platform, SYSTEM, org.id, owner.user_id)
    assert renewed.invitation_token is not None


def test_addresses_are_checked(platform: Platform, org: Organisation) -> None:
    for bad in ("", "no-at-sign", "a@b", "a b@c.example", "x@" + "y" * 320 + ".example"):
        with pytest.raises(InvalidInput):
            members.add_member(platform, SYSTEM, org.id, bad, Role.VIEWER)
    assert roles(platform, org) == {"o@acme.example": Role.OWNER}
