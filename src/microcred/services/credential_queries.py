"""Reading an organisation's credentials: one by id, a searched page of them, and what
the platform publishes without authentication (credentials and achievements).

:func:`search_credentials` filters in the service over the organisation's newest
:data:`MAX_SCAN` credentials, because the credentials repository offers no search or
offset query yet; :attr:`Page.truncated` says when older credentials were not looked at.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from microcred.domain.achievements import Achievement, AchievementState
from microcred.domain.awards import StoredCredential
from microcred.domain.model import Actor, Organisation, Role
from microcred.services.errors import InvalidInput, NotFound
from microcred.services.organisations import Platform
from microcred.services.vcapi_issuing import find_in_org, is_placeholder

#: The newest credentials a search looks at.
MAX_SCAN = 5_000
MAX_PER_PAGE = 100
MAX_QUERY = 320


class CredentialState(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    EXPIRED = "expired"


def state_of(credential: StoredCredential, now: datetime) -> CredentialState:
    if credential.revoked:
        return CredentialState.REVOKED
    if credential.suspended:
        return CredentialState.SUSPENDED
    if credential.valid_until is not None and credential.valid_until < now:
        return CredentialState.EXPIRED
    return CredentialState.ACTIVE


@dataclass(frozen=True)
class Page:
    items: list[StoredCredential]
    #: Matches among the credentials looked at.
    total: int
    page: int
    per_page: int
    #: True when the organisation has more than :data:`MAX_SCAN` credentials (the older
    #: ones were not searched).
    truncated: bool


def get_credential(
    platform: Platform, actor: Actor, org_id: str, credential_id: str
) -> StoredCredential:
    """The organisation's credential by record id, URL or ``id`` (viewer role)."""
    actor.require(org_id, Role.VIEWER)
    with platform.uow() as uow:
        credential = find_in_org(uow, platform, org_id, credential_id)
    if credential is None:
        raise NotFound(f"the organisation has no credential {credential_id[:200]!r}")
    return credential


def search_credentials(
    platform: Platform,
    actor: Actor,
    org_id: str,
    *,
    query: str | None = None,
    state: CredentialState | None = None,
    page: int = 1,
    per_page: int = 25,
) -> Page:
    """The organisation's credentials, newest first, that match ``query`` (a credential
    id, a recipient's email address or DID, or words of the achievement's or the
    recipient's name) and ``state``; page ``page`` of ``per_page``."""
    actor.require(org_id, Role.VIEWER)
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidInput(f"page: from 1; per_page: from 1 to {MAX_PER_PAGE}")
    text = (query or "").strip().lower()
    if len(text) > MAX_QUERY:
        raise InvalidInput(f"q: at most {MAX_QUERY} characters")
    now = platform.clock()
    with platform.uow() as uow:
        scanned = uow.credentials.for_org(org_id, limit=MAX_SCAN)
    matches = [
        c
        for c in scanned
        if (state is None or state_of(c, now) is state) and (not text or _matches(c, text))
    ]
    start = (page - 1) * per_page
    return Page(
        matches[start : start + per_page],
        len(matches),
        page,
        per_page,
        truncated=len(scanned) >= MAX_SCAN,
    )


def _matches(credential: StoredCredential, text: str) -> bool:
    if text in credential.id.lower():
        return True
    if "@" in text and credential.recipient_email_hash is not None:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if digest == credential.recipient_email_hash:
            return True
    if credential.recipient_did and text in credential.recipient_did.lower():
        return True
    return any(text in value.lower() for value in _names(credential.document))


def _names(document: Mapping[str, Any]) -> list[str]:
    """The credential's id and name, its achievement's name and its recipient's name."""
    found = [document.get("id"), document.get("name")]
    subject = document.get("credentialSubject")
    if isinstance(subject, Mapping):
        achievement = subject.get("achievement")
        if isinstance(achievement, Mapping):
            found.append(achievement.get("name"))
        identifiers = subject.get("identifier")
        for item in identifiers if isinstance(identifiers, list) else []:
            if isinstance(item, Mapping) and item.get("identityType") == "name":
                found.append(item.get("identityHash"))
        found.append(subject.get("name"))
    return [value for value in found if isinstance(value, str)]


# --------------------------------------------------------------------------- public


def public_credential(platform: Platform, record_id: str) -> StoredCredential:
    """A signed credential, by its record id (``<base>/credentials/<id>``)."""
    with platform.uow() as uow:
        credential = uow.credentials.get(record_id)
    if credential is None or not (credential.document or credential.jwt):
        raise NotFound(f"there is no credential {record_id[:200]!r}")
    return credential


def public_achievement(
    platform: Platform, slug: str, achievement_id: str
) -> tuple[Organisation, Achievement]:
    """An achievement of organisation ``slug`` that was published (drafts, and the
    placeholder of caller-written credentials, are not public)."""
    with platform.uow() as uow:
        org = uow.organisations.by_slug(slug)
        achievement = uow.achievements.get(achievement_id) if org is not None else None
    if (
        org is None
        or achievement is None
        or achievement.org_id != org.id
        or achievement.state is AchievementState.DRAFT
        or is_placeholder(achievement)
    ):
        raise NotFound(f"there is no achievement {achievement_id[:200]!r} of {slug!r}")
    return org, achievement
