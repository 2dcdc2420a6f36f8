"""Reading an organisation's credentials: one by id, a searched page of them, and what
the platform publishes without authentication (credentials and achievements)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from microcred.domain.achievements import Achievement, AchievementState
from microcred.domain.awards import StoredCredential
from microcred.domain.credential_search import CredentialState, state_of
from microcred.domain.model import Actor, Organisation, Role
from microcred.services.errors import InvalidInput, NotFound
from microcred.services.organisations import Platform
from microcred.services.vcapi_issuing import find_in_org, is_placeholder

__all__ = [
    "CredentialState",
    "Page",
    "get_credential",
    "public_achievement",
    "public_credential",
    "search_credentials",
    "state_of",
]

MAX_PER_PAGE = 100
MAX_QUERY = 320


@dataclass(frozen=True)
class Page:
    items: list[StoredCredential]
    #: Matches in all (every page).
    total: int
    page: int
    per_page: int


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
    recipient's name) and ``state``; page ``page`` of ``per_page``.  The database
    searches every credential of the organisation."""
    actor.require(org_id, Role.VIEWER)
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidInput(f"page: from 1; per_page: from 1 to {MAX_PER_PAGE}")
    text = (query or "").strip().lower()
    if len(text) > MAX_QUERY:
        raise InvalidInput(f"q: at most {MAX_QUERY} characters")
    email_hash = hashlib.sha256(text.encode("utf-8")).hexdigest() if "@" in text else None
    with platform.uow() as uow:
        items, total = uow.credentials.search(
            org_id,
            text=text,
            email_hash=email_hash,
            state=state,
            now=platform.clock(),
            offset=(page - 1) * per_page,
            limit=per_page,
        )
    return Page(items, total, page, per_page)


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
