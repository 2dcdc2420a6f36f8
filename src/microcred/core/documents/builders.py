"""Builders of unsigned Open Badges 3.0 documents (plain dicts, ready to be signed).

Inputs that have several fields are small frozen dataclasses (:class:`Criteria`,
:class:`Alignment`, :class:`IdentityObject`, ...); each has ``to_json()``.  Every
property a builder emits is defined by the VC 2.0 and OB 3.0.3 contexts.  The credential
builders validate what they build and raise :class:`~microcred.core.errors.DocumentError`
for a credential that breaks a rule.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from microcred.core.documents.constants import (
    OB_CONTEXT,
    OB_EXTENSIONS_CONTEXT,
    OB_SCHEMA_URL,
    ONE_EDTECH_SCHEMA_TYPE,
    VC2_CONTEXT,
)
from microcred.core.documents.issues import ensure_valid
from microcred.core.documents.openbadges import validate_document
from microcred.core.documents.values import format_timestamp, parse_timestamp
from microcred.core.errors import DocumentError

Json = dict[str, Any]


def _compact(**values: Any) -> Json:
    """The given properties, leaving out ``None`` values and empty lists."""
    return {k: v for k, v in values.items() if v is not None and v != []}


def _as_json(value: Any) -> Any:
    """A dataclass input as JSON (via ``to_json``), a mapping as a plain dict."""
    if hasattr(value, "to_json"):
        return value.to_json()
    return dict(value) if isinstance(value, Mapping) else value


def _all_json(values: Iterable[Any]) -> list[Any]:
    return [_as_json(value) for value in values]


@dataclass(frozen=True)
class Criteria:
    """How to earn an achievement: a narrative (Markdown), a criteria page URL, or both."""

    narrative: str | None = None
    id: str | None = None

    def to_json(self) -> Json:
        return _compact(id=self.id, narrative=self.narrative)


@dataclass(frozen=True)
class Alignment:
    """An alignment of an achievement or result to a framework node (a skill, a standard)."""

    target_name: str
    target_url: str
    target_framework: str | None = None
    target_code: str | None = None
    target_type: str | None = None
    target_description: str | None = None

    def to_json(self) -> Json:
        return _compact(
            type=["Alignment"],
            targetName=self.target_name,
            targetUrl=self.target_url,
            targetFramework=self.target_framework,
            targetCode=self.target_code,
            targetType=self.target_type,
            targetDescription=self.target_description,
        )


@dataclass(frozen=True)
class Image:
    """An image (a URL or a ``data:`` URL) with an optional caption."""

    id: str
    caption: str | None = None

    def to_json(self) -> Json:
        return _compact(id=self.id, type="Image", caption=self.caption)


@dataclass(frozen=True)
class Evidence:
    """Evidence of the work the recipient did; ``id`` is a URL or a ``data:`` URL."""

    id: str | None = None
    name: str | None = None
    description: str | None = None
    narrative: str | None = None
    genre: str | None = None
    audience: str | None = None

    def to_json(self) -> Json:
        return _compact(
            id=self.id,
            type=["Evidence"],
            name=self.name,
            description=self.description,
            narrative=self.narrative,
            genre=self.genre,
            audience=self.audience,
        )


@dataclass(frozen=True)
class ResultDescription:
    """A possible result of an achievement (a grade, a score, a status, ...)."""

    id: str
    name: str
    result_type: str
    allowed_values: tuple[str, ...] = ()
    required_value: str | None = None
    value_min: str | None = None
    value_max: str | None = None
    alignments: tuple[Alignment, ...] = ()

    def to_json(self) -> Json:
        return _compact(
            id=self.id,
            type=["ResultDescription"],
            name=self.name,
            resultType=self.result_type,
            allowedValue=list(self.allowed_values),
            requiredValue=self.required_value,
            valueMin=self.value_min,
            valueMax=self.value_max,
            alignment=_all_json(self.alignments),
        )


@dataclass(frozen=True)
class Result:
    """A result the recipient achieved; ``result_description`` is a ResultDescription id."""

    value: str | None = None
    result_description: str | None = None
    status: str | None = None
    achieved_level: str | None = None
    alignments: tuple[Alignment, ...] = ()

    def to_json(self) -> Json:
        return _compact(
            type=["Result"],
            value=self.value,
            resultDescription=self.result_description,
            status=self.status,
            achievedLevel=self.achieved_level,
            alignment=_all_json(self.alignments),
        )


@dataclass(frozen=True)
class IdentityObject:
    """A recipient identifier, usually a salted hash of an email address."""

    identity_hash: str
    identity_type: str = "emailAddress"
    hashed: bool = True
    salt: str | None = None

    def to_json(self) -> Json:
        return _compact(
            type="IdentityObject",
            identityHash=self.identity_hash,
            identityType=self.identity_type,
            hashed=self.hashed,
            salt=self.salt,
        )


def hash_identity(
    identity: str, salt: str | None = None, *, identity_type: str = "emailAddress"
) -> IdentityObject:
    """A hashed identity: ``sha256$`` + hex SHA-256 of the UTF-8 ``identity + salt``.

    Without ``salt`` a random one is drawn (128 bits, hex).
    """
    salt = secrets.token_hex(16) if salt is None else salt
    digest = hashlib.sha256((identity + salt).encode("utf-8")).hexdigest()
    return IdentityObject(f"sha256${digest}", identity_type, hashed=True, salt=salt)


def matches_identity(identity: IdentityObject | Mapping[str, Any], value: str) -> bool:
    """Whether an identity object (hashed with sha256 or md5, or plain) stands for ``value``."""
    data = _as_json(identity)
    expected = data.get("identityHash")
    if not isinstance(expected, str):
        return False
    if data.get("hashed") is not True:
        return hmac.compare_digest(expected.encode(), value.encode())
    algorithm, _, digest = expected.partition("$")
    if algorithm not in ("sha256", "md5"):
        return False
    salted = (value + str(data.get("salt") or "")).encode("utf-8")
    computed = hashlib.new(algorithm, salted, usedforsecurity=False).hexdigest()
    return hmac.compare_digest(computed, digest.lower())


def timestamp(value: datetime | str) -> str:
    """A dateTimeStamp: an aware datetime in UTC, or a string already in that form."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise DocumentError(f"the datetime {value.isoformat()} has no timezone")
        return format_timestamp(value)
    parsed = parse_timestamp(value)
    if parsed is None or not parsed.has_offset:
        raise DocumentError(f"{value!r} is not a dateTimeStamp such as 2024-01-31T09:00:00Z")
    return value


def build_achievement(
    *,
    id: str,
    name: str,
    description: str,
    criteria: Criteria,
    achievement_type: str | None = None,
    image: Image | None = None,
    alignments: Iterable[Alignment] = (),
    creator: Mapping[str, Any] | None = None,
    tags: Iterable[str] = (),
    result_descriptions: Iterable[ResultDescription] = (),
    credits_available: float | None = None,
    human_code: str | None = None,
    field_of_study: str | None = None,
    specialization: str | None = None,
    version: str | None = None,
    in_language: str | None = None,
) -> Json:
    """An OB 3.0 ``Achievement`` (what the badge stands for)."""
    return _compact(
        id=id,
        type=["Achievement"],
        name=name,
        description=description,
        criteria=criteria.to_json(),
        achievementType=achievement_type,
        image=_as_json(image),
        alignment=_all_json(alignments),
        creator=_as_json(creator),
        tag=list(tags),
        resultDescription=_all_json(result_descriptions),
        creditsAvailable=credits_available,
        humanCode=human_code,
        fieldOfStudy=field_of_study,
        specialization=specialization,
        version=version,
        inLanguage=in_language,
    )


def build_profile(
    *,
    id: str,
    name: str | None = None,
    url: str | None = None,
    email: str | None = None,
    description: str | None = None,
    image: Image | None = None,
    phone: str | None = None,
    official: str | None = None,
    parent_org: Mapping[str, Any] | None = None,
) -> Json:
    """An OB 3.0 ``Profile`` (an issuer, a creator, an endorser)."""
    return _compact(
        id=id,
        type=["Profile"],
        name=name,
        url=url,
        email=email,
        description=description,
        image=_as_json(image),
        phone=phone,
        official=official,
        parentOrg=_as_json(parent_org),
    )


def credential_shell(
    *,
    contexts: list[str],
    types: list[str],
    id: str,
    issuer: str | Mapping[str, Any],
    name: str,
    valid_from: datetime | str,
    valid_until: datetime | str | None,
    description: str | None,
    credential_status: Mapping[str, Any] | None,
    json_schema: str | None,
) -> Json:
    """The properties every 1EdTech credential shares, in their usual order."""
    return _compact(
        **{"@context": contexts + ([OB_EXTENSIONS_CONTEXT] if json_schema else [])},
        id=id,
        type=types,
        name=name,
        description=description,
        issuer=_as_json(issuer),
        validFrom=timestamp(valid_from),
        validUntil=None if valid_until is None else timestamp(valid_until),
        credentialStatus=_as_json(credential_status),
        credentialSchema=(
            [{"id": json_schema, "type": ONE_EDTECH_SCHEMA_TYPE}] if json_schema else None
        ),
    )


def build_open_badge_credential(
    *,
    id: str,
    issuer: str | Mapping[str, Any],
    achievement: Mapping[str, Any],
    recipient: IdentityObject | str,
    valid_from: datetime | str,
    name: str,
    valid_until: datetime | str | None = None,
    description: str | None = None,
    evidence: Iterable[Evidence | Mapping[str, Any]] = (),
    credential_status: Mapping[str, Any] | None = None,
    results: Iterable[Result] = (),
    awarded_date: datetime | str | None = None,
    image: Image | None = None,
    endorsements: Iterable[Mapping[str, Any]] = (),
    credential_type: str = "OpenBadgeCredential",
    json_schema: bool = False,
) -> Json:
    """An unsigned ``OpenBadgeCredential`` awarding ``achievement`` to ``recipient``.

    ``recipient`` is a DID or URL (the subject's ``id``) or an :class:`IdentityObject`
    (see :func:`hash_identity`).  ``json_schema`` adds 1EdTech's JSON Schema reference.
    """
    subject = _compact(
        type=["AchievementSubject"],
        achievement=dict(achievement),
        result=_all_json(results),
        **_recipient(recipient),
    )
    credential = credential_shell(
        contexts=[VC2_CONTEXT, OB_CONTEXT],
        types=["VerifiableCredential", credential_type],
        id=id,
        issuer=issuer,
        name=name,
        valid_from=valid_from,
        valid_until=valid_until,
        description=description,
        credential_status=credential_status,
        json_schema=OB_SCHEMA_URL if json_schema else None,
    )
    credential.update(
        _compact(
            credentialSubject=subject,
            awardedDate=None if awarded_date is None else timestamp(awarded_date),
            image=_as_json(image),
            evidence=_all_json(evidence),
            endorsement=_all_json(endorsements),
        )
    )
    ensure_valid(validate_document(credential), "credential")
    return credential


def _recipient(recipient: IdentityObject | str) -> Json:
    if isinstance(recipient, IdentityObject):
        return {"identifier": [recipient.to_json()]}
    return {"id": recipient}


def build_endorsement_credential(
    *,
    id: str,
    issuer: str | Mapping[str, Any],
    subject_id: str,
    valid_from: datetime | str,
    name: str,
    comment: str | None = None,
    valid_until: datetime | str | None = None,
    description: str | None = None,
    credential_status: Mapping[str, Any] | None = None,
) -> Json:
    """An unsigned ``EndorsementCredential``: ``issuer`` endorses the entity ``subject_id``
    (a profile, an achievement or a credential), with an optional comment (Markdown)."""
    credential = credential_shell(
        contexts=[VC2_CONTEXT, OB_CONTEXT],
        types=["VerifiableCredential", "EndorsementCredential"],
        id=id,
        issuer=issuer,
        name=name,
        valid_from=valid_from,
        valid_until=valid_until,
        description=description,
        credential_status=credential_status,
        json_schema=None,
    )
    credential["credentialSubject"] = _compact(
        id=subject_id, type=["EndorsementSubject"], endorsementComment=comment
    )
    ensure_valid(validate_document(credential), "credential")
    return credential
