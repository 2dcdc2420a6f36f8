"""People in organisations: signing up as a provider, whose organisations are whose, and
managing an organisation's members.

Roles are managed downwards: an owner gives and takes away any role, an admin the roles
below admin; nobody changes their own role, and an organisation keeps at least one owner.
A person without an account is invited: a one-time token (only its SHA-256 is stored,
valid :data:`INVITATION_TTL`) lets them choose their name and password.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from microcred.domain.model import (
    SYSTEM,
    Actor,
    AuditEntry,
    Organisation,
    PermissionDenied,
    Role,
    User,
)
from microcred.services import access
from microcred.services.errors import Conflict, InvalidInput, NotFound
from microcred.services.invitation_mail import KIND as INVITE_KIND
from microcred.services.organisations import Platform, create_organisation
from microcred.services.ports import Invitation, UnitOfWork

MIN_PASSWORD = 10
MAX_PASSWORD = 1024


@dataclass(frozen=True)
class SignedUp:
    organisation: Organisation
    session: access.IssuedSession


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"password: use at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"password: use at most {MAX_PASSWORD} characters")


def sign_up(
    platform: Platform, *, organisation: str, slug: str, email: str, password: str
) -> SignedUp:
    """A new organisation owned by the person signing up, and their session.

    Someone who already has an account must give its password: an email address alone
    never grants anything."""
    email = email.strip().lower()
    check_password(password)
    with platform.uow() as uow:
        existing = uow.members.user_by_email(email)
    if existing is not None:
        access.login(platform, email, password)  # raises Unauthenticated if wrong
    org = create_organisation(
        platform, name=organisation, slug=slug, owner_email=email, owner_password=password
    )
    return SignedUp(org, access.login(platform, email, password))


def memberships(platform: Platform, user: User) -> list[tuple[Organisation, Role]]:
    """The organisations ``user`` belongs to, with their role in each."""
    with platform.uow() as uow:
        return uow.members.memberships(user.id)


# ---------------------------------------------------------------------------- members

INVITATION_TTL = timedelta(days=7)
MAX_NAME = 200


@dataclass(frozen=True)
class Member:
    user_id: str
    email: str
    name: str | None
    role: Role
    #: The person has not chosen a password yet (an invitation is outstanding).
    pending: bool


@dataclass(frozen=True)
class Added:
    member: Member
    #: The invitation's token, for a person without an account: shown once, never stored.
    invitation_token: str | None


@dataclass(frozen=True)
class PendingInvitation:
    organisation: Organisation
    email: str
    expires_at: datetime


@dataclass(frozen=True)
class Joined:
    organisation: Organisation
    session: access.IssuedSession


def may_manage(manager: Role | None, role: Role) -> bool:
    """Whether someone with role ``manager`` may give or take away ``role``: an owner
    manages every role, an admin the roles below admin."""
    if manager is Role.OWNER:
        return True
    return manager is Role.ADMIN and role.rank > Role.ADMIN.rank


def grantable_roles(manager: Role | None) -> list[Role]:
    return [role for role in Role if may_manage(manager, role)]


def members_of(platform: Platform, actor: Actor, org_id: str) -> list[Member]:
    """The organisation's members, by email address (viewer role)."""
    actor.require(org_id, Role.VIEWER)
    with platform.uow() as uow:
        return [_member(user, role) for user, role in uow.members.members_of(org_id)]


def add_member(platform: Platform, actor: Actor, org_id: str, email: str, role: Role) -> Added:
    """Add the person with ``email``: an account without a password (a new one, or one
    that belongs to no organisation) gets an invitation whose token is returned once."""
    actor.require(org_id, Role.ADMIN)
    _check_manager(actor, role)
    email = _email(email)
    now = platform.clock()
    with platform.uow() as uow:
        user = uow.members.user_by_email(email)
        if user is not None and uow.members.role(org_id, user.id) is not None:
            raise Conflict(f"{email} is already a member")
        token: str | None = None
        if user is None or _unclaimed(uow, user):
            user, token = _invite(platform, uow, user, email, org_id)
        else:
            _refuse_pending_elsewhere(uow, user, org_id, now)
        uow.members.set_role(org_id, user.id, role, now)
        action = "member.role" if token is None else "member.invite"
        _audit(uow, actor, org_id, action, user, {"role": role.value}, now)
        uow.commit()
    return Added(_member(user, role), token)


def change_role(platform: Platform, actor: Actor, org_id: str, user_id: str, role: Role) -> Member:
    """Give a member another role (never one's own; the last owner stays an owner)."""
    actor.require(org_id, Role.ADMIN)
    _refuse_self(actor, user_id, "change your own role")
    now = platform.clock()
    with platform.uow() as uow:
        members = uow.members.members_of(org_id)
        user, current = _find(members, user_id)
        _check_manager(actor, current)
        _check_manager(actor, role)
        if current is Role.OWNER and role is not Role.OWNER:
            _keep_an_owner(members)
        if role is not current:
            uow.members.set_role(org_id, user_id, role, now)
            detail = {"role": role.value, "previous": current.value}
            _audit(uow, actor, org_id, "member.role", user, detail, now)
            uow.commit()
    return _member(user, role)


def remove_member(platform: Platform, actor: Actor, org_id: str, user_id: str) -> Member:
    """Take a member out of the organisation (with their outstanding invitation)."""
    actor.require(org_id, Role.ADMIN)
    _refuse_self(actor, user_id, "remove yourself")
    now = platform.clock()
    with platform.uow() as uow:
        members = uow.members.members_of(org_id)
        user, current = _find(members, user_id)
        _check_manager(actor, current)
        if current is Role.OWNER:
            _keep_an_owner(members)
        uow.members.remove(org_id, user_id)
        uow.invitations.withdraw(org_id, user_id)
        _audit(uow, actor, org_id, "member.remove", user, {"role": current.value}, now)
        uow.commit()
    return _member(user, current)


def renew_invitation(platform: Platform, actor: Actor, org_id: str, user_id: str) -> Added:
    """A new invitation token for a member who has not chosen a password yet and belongs
    to no other organisation (the old invitations of this organisation are withdrawn)."""
    actor.require(org_id, Role.ADMIN)
    now = platform.clock()
    with platform.uow() as uow:
        user, role = _find(uow.members.members_of(org_id), user_id)
        _check_manager(actor, role)
        others = [org for org, _ in uow.members.memberships(user_id) if org.id != org_id]
        if user.password_hash is not None or others:
            raise Conflict(f"{user.email} has an account already: they can sign in")
        uow.invitations.withdraw(org_id, user_id)
        _, token = _invite(platform, uow, user, user.email, org_id)
        _audit(uow, actor, org_id, "member.invite", user, {"role": role.value}, now)
        uow.commit()
    return Added(_member(user, role), token)


def owner_invitation(platform: Platform, org_id: str) -> str | None:
    """An invitation token for the organisation's owner when they cannot sign in yet (made
    from the command line, with no password), so they can choose one; None otherwise.
    For the operator who created the organisation: it is shown once, never stored."""
    now = platform.clock()
    with platform.uow() as uow:
        owners = [u for u, r in uow.members.members_of(org_id) if r is Role.OWNER]
        pending = [u for u in owners if u.password_hash is None]
        if len(owners) != 1 or not pending or len(uow.members.memberships(pending[0].id)) != 1:
            return None  # someone can sign in, or the account is shared with another org
        uow.invitations.withdraw(org_id, pending[0].id)
        _, token = _invite(platform, uow, pending[0], pending[0].email, org_id)
        _audit(uow, SYSTEM, org_id, "member.invite", pending[0], {"role": "owner"}, now)
        uow.commit()
    return token


def invitation(platform: Platform, token: str) -> PendingInvitation:
    """What an invitation link invites to (it must be unused and unexpired)."""
    with platform.uow() as uow:
        found, user = _live(uow, token, platform.clock())
        org = _organisation(uow, found.org_id)
    return PendingInvitation(org, user.email, found.expires_at)


def accept_invitation(platform: Platform, token: str, *, name: str, password: str) -> Joined:
    """The invited person chooses their name and password: the invitation is used up and
    they are signed in."""
    check_password(password)
    name = _name(name)
    now = platform.clock()
    with platform.uow() as uow:
        found, user = _live(uow, token, now)
        if not uow.invitations.consume(found.token_hash):
            raise NotFound("this invitation link has been used already")
        uow.members.set_password(user.id, platform.passwords.hash(password), name)
        uow.invitations.forget_user(user.id)
        org = _organisation(uow, found.org_id)
        actor = Actor("user", user.id, org.id, uow.members.role(org.id, user.id))
        _audit(uow, actor, org.id, "member.join", user, {"name": name}, now)
        uow.commit()
    return Joined(org, access.login(platform, user.email, password))


def _member(user: User, role: Role) -> Member:
    return Member(user.id, user.email, user.name, role, user.password_hash is None)


def _email(email: str) -> str:
    email = email.strip().lower()
    local, at, domain = email.partition("@")
    if not (local and at and "." in domain) or len(email) > 320 or any(c.isspace() for c in email):
        raise InvalidInput("email: give an email address such as ada@example.org")
    return email


def _name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidInput(f"name: give 1-{MAX_NAME} characters")
    return name


def _check_manager(actor: Actor, role: Role) -> None:
    if actor.kind == "system" or may_manage(actor.role, role):
        return
    if role is Role.OWNER:
        raise PermissionDenied("only an owner may give or take away the owner role")
    raise PermissionDenied("only an owner may give or take away the admin role")


def _refuse_self(actor: Actor, user_id: str, doing: str) -> None:
    if actor.kind == "user" and actor.id == user_id:
        raise PermissionDenied(f"you cannot {doing}: ask another admin or owner")


def _find(members: list[tuple[User, Role]], user_id: str) -> tuple[User, Role]:
    found = next(((user, role) for user, role in members if user.id == user_id), None)
    if found is None:
        raise NotFound("the organisation has no such member")
    return found


def _keep_an_owner(members: list[tuple[User, Role]]) -> None:
    if sum(1 for _, role in members if role is Role.OWNER) <= 1:
        raise Conflict("the organisation's last owner stays: make another member owner first")


def _unclaimed(uow: UnitOfWork, user: User) -> bool:
    """An account nobody can sign in to and that belongs to no organisation."""
    return user.password_hash is None and not uow.members.memberships(user.id)


def _refuse_pending_elsewhere(uow: UnitOfWork, user: User, org_id: str, now: datetime) -> None:
    """Whoever holds another organisation's invitation link for this account could take it
    over: it joins this organisation once its owner has chosen a password."""
    if any(i.org_id != org_id for i in uow.invitations.live_for_user(user.id, now)):
        raise Conflict(
            f"{user.email} was invited by another organisation and has not accepted yet: "
            "add them once they have chosen a password"
        )


def _invite(
    platform: Platform, uow: UnitOfWork, user: User | None, email: str, org_id: str
) -> tuple[User, str]:
    now = platform.clock()
    if user is None:
        user = User(str(uuid.uuid4()), email, None, None)
        uow.members.add_user(user, now)
    token = secrets.token_urlsafe(32)
    digest = access.token_digest(token)
    uow.invitations.add(Invitation(digest, user.id, org_id, now, now + INVITATION_TTL))
    payload = {"email": email, "org_id": org_id, "token": token}  # dropped once sent
    uow.jobs.enqueue(INVITE_KIND, payload, now)
    return user, token


def _live(uow: UnitOfWork, token: str, now: datetime) -> tuple[Invitation, User]:
    found = uow.invitations.find(access.token_digest(token)) if len(token) <= 200 else None
    if found is None:
        raise NotFound("this invitation link is not valid, or it has been used already")
    invitation, user = found
    if invitation.expires_at <= now:
        raise Conflict("this invitation has expired: ask the organisation for a new one")
    if user.password_hash is not None:
        raise Conflict("this account has a password already: sign in instead")
    return invitation, user


def _organisation(uow: UnitOfWork, org_id: str) -> Organisation:
    org = uow.organisations.get(org_id)
    if org is None:
        raise NotFound("the organisation no longer exists")
    return org


def _audit(
    uow: UnitOfWork,
    actor: Actor,
    org_id: str,
    action: str,
    user: User,
    detail: Mapping[str, object],
    now: datetime,
) -> None:
    entry = AuditEntry(org_id, actor.label, action, user.id, {"email": user.email, **detail}, now)
    uow.audit.append(entry)
