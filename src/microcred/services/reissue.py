"""Replacing credentials: renewal (a new credential for the same recipient and
achievement) and correction (re-issue with changes, revoking the old one).

The new credential's ``replaces_id`` names the one it replaces; each is idempotent per
credential (renewing the same credential twice returns the same renewal).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from microcred.core.documents import IdentityObject, matches_identity
from microcred.core.loader import DocumentLoader
from microcred.domain.achievements import Achievement, AchievementState
from microcred.domain.awards import (
    AwardRequest,
    StoredCredential,
    parse_issued_on,
    request_problems,
)
from microcred.domain.model import Actor, AuditEntry, Role
from microcred.services.awards import Details, Issued, Recipient, issue_in
from microcred.services.errors import Conflict, InvalidInput, NotFound
from microcred.services.keys import get_org, signer_for
from microcred.services.organisations import Platform
from microcred.services.ports import UnitOfWork
from microcred.services.status import MAX_REASON, change_status, find_credential


def renew(
    platform: Platform,
    actor: Actor,
    credential_id: str,
    *,
    recipient_email: str | None = None,
    loader: DocumentLoader | None = None,
) -> Issued:
    """A new credential for the same recipient and achievement (its newest published
    version), valid from now, linked to the one it replaces.  Renewing the same credential
    again returns the same renewal.  ``recipient_email``, when given, must be the one the
    credential was issued to; the learner is then emailed."""
    now = platform.clock()
    with platform.uow() as uow:
        old = find_credential(uow, platform, credential_id)
        actor.require(old.org_id, Role.ISSUER)
        key = f"renew:{old.id}"
        existing = uow.credentials.by_idempotency_key(old.org_id, key)
        if existing is not None:
            return Issued(existing, False)
        if old.revoked:
            raise Conflict("the credential is revoked; it cannot be renewed")
        recipient = _recipient_from(old, recipient_email)
        achievement = _current_version(uow, old)
        signer = signer_for(platform, uow, get_org(uow, old.org_id), loader)
        details = _details_from(old, keep_issued_on=False)
        issued = issue_in(
            uow, platform, actor, signer, achievement, recipient, details, key, now, old.id
        )
        uow.commit()
    return issued


_KEEP: Any = object()


def correct(
    platform: Platform,
    actor: Actor,
    credential_id: str,
    *,
    reason: str,
    recipient_name: str | None = _KEEP,
    recipient_did: str | None = _KEEP,
    evidence_url: str | None = _KEEP,
    narrative: str | None = _KEEP,
    issued_on: datetime | None = _KEEP,
    recipient_email: str | None = None,
    loader: DocumentLoader | None = None,
) -> Issued:
    """Re-issue a credential with changes and revoke the old one, in one transaction.
    Fields not given keep their value; ``None`` removes one.  The recipient's hashed email
    stays; ``recipient_email``, when given, must match it and the learner is emailed."""
    now = platform.clock()
    if not 1 <= len(reason.strip()) <= MAX_REASON:
        raise InvalidInput(f"reason: give 1-{MAX_REASON:,} characters")
    why = f"corrected: {reason.strip()}"
    changes = {
        "name": recipient_name,
        "did": recipient_did,
        "evidence_url": evidence_url,
        "narrative": narrative,
        "issued_on": issued_on,
    }
    with platform.uow() as uow:
        old = find_credential(uow, platform, credential_id)
        actor.require(old.org_id, Role.ISSUER)
        if old.revoked:
            raise Conflict("the credential is revoked; award it again instead")
        recipient, details = _corrected(old, recipient_email, changes, now)
        achievement = _current_version(uow, old)
        signer = signer_for(platform, uow, get_org(uow, old.org_id), loader)
        key = f"correct:{old.id}"
        issued = issue_in(
            uow, platform, actor, signer, achievement, recipient, details, key, now, old.id
        )
        change_status(uow, platform, old, "revoke", why, now, loader)
        detail = {"reason": why, "replaced_by": issued.credential.id}
        uow.audit.append(
            AuditEntry(old.org_id, actor.label, "credential.revoke", old.id, detail, now)
        )
        uow.commit()
    return issued


def _corrected(
    old: StoredCredential, email: str | None, changes: Mapping[str, Any], now: datetime
) -> tuple[Recipient, Details]:
    """The recipient and details of a correction: the old values, changed."""
    base = _recipient_from(old, email)
    kept = _details_from(old, keep_issued_on=True)
    request = AwardRequest(
        email="",
        name=_pick(changes["name"], _name_of(old)),
        did=_pick(changes["did"], base.did),
        evidence_url=_pick(changes["evidence_url"], kept.evidence_url),
        narrative=_pick(changes["narrative"], kept.narrative),
        issued_on=_pick(changes["issued_on"], kept.issued_on),
    )
    found = [f"{p.column}: {p.message}" for p in request_problems(request, now)]
    found = [f for f in found if not f.startswith("email:")]
    if found:
        raise InvalidInput("; ".join(found))
    recipient = Recipient(_with_name(base.identifiers, request.name), request.did, base.email)
    return recipient, Details(request.evidence_url, request.narrative, request.issued_on)


def _pick(change: Any, kept: Any) -> Any:
    return kept if change is _KEEP else change


def _current_version(uow: UnitOfWork, old: StoredCredential) -> Achievement:
    if old.achievement_id is None:
        raise Conflict("this credential was issued through the VC-API, not for an achievement")
    achievement = uow.achievements.get(old.achievement_id)
    if achievement is None:  # pragma: no cover - a foreign key keeps it
        raise NotFound(f"no achievement {old.achievement_id}")
    published = [
        a
        for a in uow.achievements.lineage(achievement.lineage_id)
        if a.state is AchievementState.PUBLISHED
    ]
    if not published:
        raise Conflict("the achievement has no published version any more (it is retired)")
    return published[-1]


def _subject(old: StoredCredential) -> Mapping[str, Any]:
    subject = old.document.get("credentialSubject")
    return subject if isinstance(subject, Mapping) else {}


def _recipient_from(old: StoredCredential, email: str | None) -> Recipient:
    identifiers = tuple(
        IdentityObject(i["identityHash"], i["identityType"], i.get("hashed", True), i.get("salt"))
        for i in _subject(old).get("identifier", [])
        if isinstance(i, Mapping) and "identityHash" in i and "identityType" in i
    )
    if email is not None:
        email = email.strip().lower()
        hashed = [i for i in identifiers if i.identity_type == "emailAddress"]
        if not any(matches_identity(i, email) for i in hashed):
            raise InvalidInput(
                "recipient_email: it is not the address the credential was issued to"
            )
    return Recipient(identifiers, old.recipient_did, email)


def _name_of(old: StoredCredential) -> str | None:
    for item in _subject(old).get("identifier", []):
        if isinstance(item, Mapping) and item.get("identityType") == "name":
            return str(item.get("identityHash"))
    return None


def _with_name(
    identifiers: tuple[IdentityObject, ...], name: str | None
) -> tuple[IdentityObject, ...]:
    kept = tuple(i for i in identifiers if i.identity_type != "name")
    return kept + ((IdentityObject(name.strip(), "name", hashed=False),) if name else ())


def _details_from(old: StoredCredential, *, keep_issued_on: bool) -> Details:
    evidence = old.document.get("evidence")
    first = evidence[0] if isinstance(evidence, list) and evidence else {}
    issued_on = None
    valid_from = old.document.get("validFrom")
    if keep_issued_on and isinstance(valid_from, str):
        issued_on = parse_issued_on(valid_from)
    return Details(first.get("id"), first.get("narrative"), issued_on)
