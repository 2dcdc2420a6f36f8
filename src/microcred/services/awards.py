"""Awarding achievements: signed OpenBadgeCredentials, one by one or from a CSV file.

One award is one transaction: the credential, its revocation and suspension positions,
an audit entry and the ``email.award`` job commit together or not at all.  An
idempotency key (unique per organisation) makes an award safe to repeat: the same key
returns the credential already issued and issues nothing.  (Renewal and correction,
which replace a credential, are in :mod:`microcred.services.reissue`.)
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from microcred.core.documents import (
    Evidence,
    IdentityObject,
    build_open_badge_credential,
    build_profile,
    hash_identity,
)
from microcred.core.errors import MicrocredError
from microcred.core.loader import DocumentLoader
from microcred.domain.achievements import Achievement
from microcred.domain.awards import (
    AwardRequest,
    StatusPurpose,
    StoredCredential,
    check_key,
    request_problems,
)
from microcred.domain.model import Actor, AuditEntry, Organisation, Role
from microcred.services.achievements import achievement_document, achievement_url
from microcred.services.errors import Conflict, InvalidInput, NotFound
from microcred.services.keys import Signer, get_org, signer_for
from microcred.services.organisations import Platform
from microcred.services.ports import UnitOfWork
from microcred.services.status import allocate

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Issued:
    """The credential of an award; ``created`` is False when the idempotency key had
    already been used (the existing credential is returned, nothing is issued)."""

    credential: StoredCredential
    created: bool


@dataclass(frozen=True)
class Recipient:
    """Who a credential is for, as the credential names them."""

    identifiers: tuple[IdentityObject, ...]
    did: str | None
    email: str | None = None

    @property
    def email_hash(self) -> str | None:
        if self.email is None:
            return None
        return hashlib.sha256(self.email.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Details:
    """What a credential says about the award itself."""

    evidence_url: str | None = None
    narrative: str | None = None
    issued_on: datetime | None = None


def award(
    platform: Platform,
    actor: Actor,
    org_id: str,
    achievement_id: str,
    recipient_email: str,
    recipient_name: str | None = None,
    recipient_did: str | None = None,
    evidence_url: str | None = None,
    narrative: str | None = None,
    issued_on: datetime | None = None,
    *,
    idempotency_key: str,
    loader: DocumentLoader | None = None,
) -> Issued:
    """Issue ``achievement_id`` (a published version) to one recipient."""
    request = AwardRequest(
        recipient_email, recipient_name, recipient_did, evidence_url, narrative, issued_on
    )
    return award_request(
        platform,
        actor,
        org_id,
        achievement_id,
        request,
        idempotency_key=idempotency_key,
        loader=loader,
    )


def award_request(
    platform: Platform,
    actor: Actor,
    org_id: str,
    achievement_id: str,
    request: AwardRequest,
    *,
    idempotency_key: str,
    loader: DocumentLoader | None = None,
) -> Issued:
    """:func:`award` of a request already gathered (a CSV row, the command line)."""
    actor.require(org_id, Role.ISSUER)
    now = platform.clock()
    check_request(request, idempotency_key, now)
    recipient = recipient_of(request)
    details = Details(request.evidence_url, request.narrative, request.issued_on)
    with platform.uow() as uow:
        existing = uow.credentials.by_idempotency_key(org_id, idempotency_key)
        if existing is not None:
            return Issued(existing, False)
        achievement = awardable(uow, org_id, achievement_id)
        signer = signer_for(platform, uow, get_org(uow, org_id), loader)
        issued = issue_in(
            uow, platform, actor, signer, achievement, recipient, details, idempotency_key, now
        )
        uow.commit()
    return issued


def check_request(request: AwardRequest, key: str, now: datetime) -> None:
    found = [f"{p.column}: {p.message}" for p in request_problems(request, now)]
    key_problem = check_key(key)
    if key_problem:
        found.append(f"idempotency_key: {key_problem}")
    if found:
        raise InvalidInput("; ".join(found))


def recipient_of(request: AwardRequest) -> Recipient:
    email = request.normalised_email
    identifiers = [hash_identity(email)]
    if request.name:
        identifiers.append(IdentityObject(request.name.strip(), "name", hashed=False))
    return Recipient(tuple(identifiers), request.did, email)


def awardable(uow: UnitOfWork, org_id: str, achievement_id: str) -> Achievement:
    achievement = uow.achievements.get(achievement_id)
    if achievement is None or achievement.org_id != org_id:
        raise NotFound(f"the organisation has no achievement {achievement_id}")
    if not achievement.awardable:
        raise Conflict(
            f"the achievement is {achievement.state.value}: only a published achievement "
            "can be awarded"
        )
    return achievement


def issue_in(
    uow: UnitOfWork,
    platform: Platform,
    actor: Actor,
    signer: Signer,
    achievement: Achievement,
    recipient: Recipient,
    details: Details,
    key: str,
    now: datetime,
    replaces_id: str | None = None,
) -> Issued:
    """Inside a unit of work: insert, allocate status positions, sign, audit, enqueue."""
    credential_id = str(uuid.uuid4())
    valid_from = details.issued_on or now
    token = secrets.token_urlsafe(32) if recipient.email else None
    record = StoredCredential(
        id=credential_id,
        org_id=achievement.org_id,
        achievement_id=achievement.id,
        idempotency_key=key,
        document={},  # signed below, once the status positions are known
        issued_at=now,
        recipient_email_hash=recipient.email_hash,
        recipient_did=recipient.did,
        replaces_id=replaces_id,
        claim_token_hash=hashlib.sha256(token.encode()).hexdigest() if token else None,
        valid_until=achievement.fields.validity.until(valid_from),
    )
    if not uow.credentials.add(record):  # a concurrent award with this key committed first
        existing = uow.credentials.by_idempotency_key(achievement.org_id, key)
        if existing is None:  # pragma: no cover - add() only fails when it exists
            raise Conflict(f"the idempotency key {key!r} is taken")
        return Issued(existing, False)
    slots = [
        allocate(uow, platform, signer, credential_id, purpose, now)
        for purpose in (StatusPurpose.REVOCATION, StatusPurpose.SUSPENSION)
    ]
    unsigned = credential_document(platform, signer, achievement, recipient, details, record, now)
    unsigned["credentialStatus"] = [slot.entry(platform.base_url) for slot in slots]
    try:
        document, jwt = signer.sign(unsigned, now)
    except MicrocredError as exc:
        raise InvalidInput(f"the credential could not be signed: {exc}") from exc
    uow.credentials.set_document(credential_id, document, jwt)
    detail: dict[str, Any] = {"achievement_id": achievement.id, "idempotency_key": key}
    if replaces_id:
        detail["replaces_id"] = replaces_id
    uow.audit.append(
        AuditEntry(record.org_id, actor.label, "credential.award", credential_id, detail, now)
    )
    if token and recipient.email:
        payload = {"credential_id": credential_id, "email": recipient.email, "claim_token": token}
        uow.jobs.enqueue("email.award", payload, now)
    return Issued(replace(record, document=document, jwt=jwt), True)


def credential_document(
    platform: Platform,
    signer: Signer,
    achievement: Achievement,
    recipient: Recipient,
    details: Details,
    record: StoredCredential,
    now: datetime,
) -> dict[str, Any]:
    org = signer.org
    url = achievement_url(platform.base_url, org.slug, achievement.id)
    valid_from = details.issued_on or now
    evidence = []
    if details.evidence_url or details.narrative:
        evidence.append(Evidence(id=details.evidence_url, narrative=details.narrative))
    credential = build_open_badge_credential(
        id=f"{platform.base_url.rstrip('/')}/credentials/{record.id}",
        issuer=_issuer(platform, signer.did, org),
        achievement=achievement_document(url, achievement.fields),
        recipient=recipient.identifiers[0],
        valid_from=valid_from,
        valid_until=record.valid_until,
        name=achievement.fields.name.strip(),
        evidence=evidence,
        awarded_date=valid_from,
    )
    subject = credential["credentialSubject"]
    subject["identifier"] = [i.to_json() for i in recipient.identifiers]
    if recipient.did:
        subject["id"] = recipient.did
    return credential


def _issuer(platform: Platform, did: str, org: Organisation) -> dict[str, Any]:
    url = org.url or f"{platform.base_url.rstrip('/')}/orgs/{org.slug}"
    return build_profile(id=did, name=org.name, url=url, email=org.email)
