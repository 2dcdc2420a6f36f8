"""Organisations, people, roles and who does what."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    """Roles in an organisation, from most to least powerful."""

    OWNER = "owner"
    ADMIN = "admin"
    ISSUER = "issuer"
    ASSESSOR = "assessor"
    VIEWER = "viewer"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        """True if this role may do what ``needed`` may do."""
        return self.rank <= needed.rank


class PermissionDenied(Exception):
    """The actor's role does not allow the action."""


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in user, an API key, or the platform itself (``system``)."""

    kind: str
    id: str
    org_id: str | None = None
    role: Role | None = None

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.id}"

    def require(self, org_id: str, needed: Role) -> None:
        """Raise :class:`PermissionDenied` unless the actor may act as ``needed`` in org."""
        if self.kind == "system":
            return
        if self.org_id != org_id or self.role is None or not self.role.allows(needed):
            raise PermissionDenied(f"this action needs the {needed.value} role in the organisation")


SYSTEM = Actor("system", "microcred")

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


def valid_slug(slug: str) -> bool:
    """Lower-case letters, digits and inner hyphens, 1-64 characters (it becomes a URL)."""
    return bool(_SLUG.match(slug))


#: How an organisation is identified as an issuer, chosen at its creation: ``web``, a
#: did:web served by the platform (its keys can rotate), or ``key``, the did:key of its
#: one signing key (resolved offline by anyone, but the key cannot change).
DID_METHODS = ("web", "key")


@dataclass(frozen=True)
class Organisation:
    id: str
    slug: str
    name: str
    created_at: datetime
    signing_suite: str = "eddsa-rdfc-2022"
    url: str | None = None
    email: str | None = None
    description: str | None = None
    did_method: str = "web"
    #: ``#rrggbb`` of its pages and generated badges (None: the platform's colour).
    brand_colour: str | None = None
    logo_image_id: str | None = None

    @property
    def is_did_key(self) -> bool:
        """Whether the organisation issues as the did:key of its signing key."""
        return self.did_method == "key"


@dataclass(frozen=True)
class AuditEntry:
    org_id: str | None
    actor: str
    action: str
    subject: str | None
    detail: Mapping[str, object]
    at: datetime


@dataclass(frozen=True)
class User:
    id: str
    email: str
    name: str | None
    password_hash: str | None


@dataclass(frozen=True)
class StoredKey:
    """A signing key of an organisation; its seed sealed by the key vault."""

    id: str
    org_id: str
    fragment: str
    public_key_multibase: str
    encrypted_seed: bytes
    created_at: datetime
    retired_at: datetime | None = None
    compromised_at: datetime | None = None


@dataclass(frozen=True)
class Job:
    """A unit of background work kept in the database (durable across restarts)."""

    id: int
    kind: str
    payload: Mapping[str, object]
    attempts: int
    run_at: datetime
