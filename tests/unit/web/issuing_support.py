"""Set-up shared by the web issuing tests: a published achievement and awarded
credentials, made through the services (the tests exercise the HTTP side)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from microcred.domain.achievements import AchievementFields, Validity
from microcred.domain.awards import StoredCredential
from microcred.domain.model import SYSTEM, Organisation
from microcred.services.achievements import create_achievement, publish_achievement
from microcred.services.awards import award
from microcred.services.organisations import Platform

FIELDS = AchievementFields(
    name="Data Literacy",
    description="Reads, questions and explains data.",
    criteria_narrative="Completed the four modules.",
    validity=Validity(months=12),
)


def published(platform: Platform, org: Organisation, name: str = "Data Literacy") -> str:
    """The id of a new published achievement of ``org``."""
    draft = create_achievement(platform, SYSTEM, org.id, replace(FIELDS, name=name))
    return publish_achievement(platform, SYSTEM, draft.id).id


def awarded(
    platform: Platform, org: Organisation, achievement_id: str, email: str, **extra: Any
) -> StoredCredential:
    return award(
        platform, SYSTEM, org.id, achievement_id, email, idempotency_key=email, **extra
    ).credential


def suite_credential(issuer: Any, **changes: Any) -> dict[str, Any]:
    """What the VC-API issuer suite sends (VC 2.0)."""
    credential: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "credentialSubject": {"id": "did:key:z6MkhTNL7i2etLerDK8Acz5t528giE5KA4p75T6ka1E1D74r"},
    }
    credential.update(changes)
    return credential
