"""Creating organisations and their owners."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher

from microcred.domain.model import (
    DID_METHODS,
    SYSTEM,
    Actor,
    AuditEntry,
    Organisation,
    Role,
    User,
    valid_slug,
)
from microcred.services.errors import Conflict, InvalidInput
from microcred.services.identity import new_key
from microcred.services.ports import Clock, KeyVault, Parallel, UnitOfWork

SIGNING_SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022", "jose")


@dataclass(frozen=True)
class Platform:
    """What every use case needs, built once by the composition root."""

    uow: Callable[[], UnitOfWork]
    vault: KeyVault
    clock: Clock
    base_url: str
    passwords: PasswordHasher
    #: Runs parts of a bulk award in processes of their own; None: all in this one.
    parallel: Parallel | None = None
    #: A unit of work for reading only (on SQLite it takes no write lock); None: ``uow``.
    reader: Callable[[], UnitOfWork] | None = None


def create_organisation(
    platform: Platform,
    *,
    name: str,
    slug: str,
    owner_email: str,
    owner_password: str | None = None,
    signing_suite: str = "eddsa-rdfc-2022",
    did_method: str = "web",
    actor: Actor = SYSTEM,
) -> Organisation:
    """A new organisation with its owner and a first signing key.  It issues as its
    did:web (``did_method="web"``) or as the did:key of that key (``"key"``), for good."""
    _check_new(name, slug, owner_email, signing_suite)
    _check_did_method(did_method)
    now = platform.clock()
    org = Organisation(
        str(uuid.uuid4()), slug, name.strip(), now, signing_suite, did_method=did_method
    )
    with platform.uow() as uow:
        if uow.organisations.by_slug(slug) is not None:
            raise Conflict(f"the slug {slug!r} is taken")
        uow.organisations.add(org)
        user = uow.members.user_by_email(owner_email.lower())
        if user is None:
            hashed = platform.passwords.hash(owner_password) if owner_password else None
            user = User(str(uuid.uuid4()), owner_email.lower(), None, hashed)
            uow.members.add_user(user, now)
        uow.members.set_role(org.id, user.id, Role.OWNER, now)
        key = new_key(platform.vault, org, now)
        uow.keys.add(key)
        created = {"slug": slug, "name": org.name, "did_method": did_method}
        audit = [
            ("organisation.create", org.id, created),
            ("member.role", user.id, {"email": user.email, "role": Role.OWNER.value}),
            ("key.create", key.id, {"fragment": key.fragment}),
        ]
        for action, subject, detail in audit:
            uow.audit.append(AuditEntry(org.id, actor.label, action, subject, detail, now))
        uow.commit()
    return org


def _check_new(name: str, slug: str, email: str, suite: str) -> None:
    if not valid_slug(slug):
        raise InvalidInput(f"slug {slug!r}: use 1-64 lower-case letters, digits and inner hyphens")
    if not name.strip() or len(name) > 200:
        raise InvalidInput("name: give 1-200 characters")
    if "@" not in email or len(email) > 320:
        raise InvalidInput(f"owner email {email!r} is not an email address")
    if suite not in SIGNING_SUITES:
        raise InvalidInput(f"signing suite {suite!r}: choose one of {', '.join(SIGNING_SUITES)}")


def _check_did_method(method: str) -> None:
    if method not in DID_METHODS:
        raise InvalidInput(
            f"did method {method[:40]!r}: choose web (did:web, keys can rotate) or key "
            "(did:key of the organisation's one key)"
        )
