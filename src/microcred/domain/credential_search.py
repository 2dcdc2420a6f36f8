"""What a search of an organisation's credentials looks at: their state, and a short text
kept beside each credential (its record id and the names in its document) that a query
is matched against in the database."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

from microcred.domain.awards import StoredCredential

#: Characters of a credential's search text kept (names are short; this bounds a row).
MAX_SEARCH_TEXT = 2_000


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


def search_text(record_id: str, document: Mapping[str, Any]) -> str:
    """The lower-case text a query is found in: the record id and the credential's id and
    name, its achievement's name and its recipient's name, one per line."""
    values = [record_id, *names(document)]
    return "\n".join(value.lower() for value in values)[:MAX_SEARCH_TEXT]


def names(document: Mapping[str, Any]) -> list[str]:
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


def like_pattern(text: str) -> str:
    """A SQL ``LIKE`` pattern (escape character ``\\``) for values containing ``text``."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
