"""Signing the rows of a bulk award's batch: each row checked and made a record, its
credential built (the first of each shape with every check, the others from it as a
template) and signed once its status positions are known."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from microcred.core.documents import Evidence, timestamp
from microcred.core.errors import MicrocredError
from microcred.core.proofs import add_proof
from microcred.domain.awards import CsvRow, StatusPurpose, StoredCredential
from microcred.services.awards import (
    Details,
    Recipient,
    check_request,
    credential_document,
    recipient_of,
)
from microcred.services.errors import InvalidInput
from microcred.services.keys import Signer
from microcred.services.status import Slot

if TYPE_CHECKING:
    from microcred.services.award_batches import BatchRun

#: The suite whose signing canonicalizes in JSON-LD safe mode, the check :func:`issue`
#: otherwise adds: credentials shaped like one already validated sign with ``add_proof``.
_TEMPLATE_SUITE = "eddsa-rdfc-2022"
#: The status entries of every credential, in this order.
PURPOSES = (StatusPurpose.REVOCATION, StatusPurpose.SUSPENSION)


@dataclass
class Row:
    """A row of a batch on its way to a stored credential."""

    row: CsvRow
    key: str
    recipient: Recipient
    details: Details
    record: StoredCredential
    token: str
    slots: dict[StatusPurpose, Slot] = field(default_factory=dict)
    jwt: str | None = None


def prepare_row(
    run: BatchRun, signer: Signer, row: CsvRow, key: str, slots: dict[StatusPurpose, Slot]
) -> Row:
    """Check a row, make its record and, when its status positions are drawn, sign it."""
    r = row.request
    check_request(r, key, run.now)
    details = Details(r.evidence_url, r.narrative, r.issued_on)
    valid_from = details.issued_on or run.now
    valid_until = run.achievement.fields.validity.until(valid_from)
    if valid_until is not None and valid_until <= valid_from:
        raise InvalidInput("the credential would expire before it is valid")
    recipient = recipient_of(r)
    token = secrets.token_urlsafe(32)
    record = StoredCredential(
        id=str(uuid.uuid4()),
        org_id=run.org_id,
        achievement_id=run.achievement.id,
        idempotency_key=key,
        document={},  # signed below once both status positions are known
        issued_at=run.now,
        recipient_email_hash=recipient.email_hash,
        recipient_did=recipient.did,
        claim_token_hash=hashlib.sha256(token.encode()).hexdigest(),
        valid_until=valid_until,
    )
    item = Row(row, key, recipient, details, record, token, slots)
    if len(slots) == len(PURPOSES):
        sign_row(run, signer, item)
    return item


def _shape(item: Row) -> tuple[bool, ...]:
    """Which optional parts a credential has: its properties, in their order, follow."""
    r, d = item.recipient, item.details
    return (
        len(r.identifiers) > 1,
        r.did is not None,
        d.evidence_url is not None,
        d.narrative is not None,
        item.record.valid_until is not None,
    )


def sign_row(run: BatchRun, signer: Signer, item: Row) -> None:
    """Sign the row's credential.  The first of each shape is built and signed with every
    check (:func:`build_open_badge_credential`, :func:`issue`); it becomes the template
    of the others, which differ only in values checked per row (:func:`check_request`)
    and sign with ``add_proof`` (its RDF canonicalization is the JSON-LD safe-mode check)."""
    base = run.platform.base_url
    status = [item.slots[purpose].entry(base) for purpose in PURPOSES]
    fast = signer.suite == _TEMPLATE_SUITE
    shape = _shape(item)
    template = run.templates.get(shape) if fast else None
    try:
        if template is None:
            unsigned = credential_document(
                run.platform,
                signer,
                run.achievement,
                item.recipient,
                item.details,
                item.record,
                run.now,
            )
            unsigned["credentialStatus"] = status
            document, jwt = signer.sign(unsigned, run.now)
            if fast:
                run.templates[shape] = unsigned
        else:
            unsigned = _filled(template, base, item, status, run.now)
            document = add_proof(
                unsigned, signer.pair, loader=signer.loader, suite=signer.suite, created=run.now
            )
            jwt = None
    except MicrocredError as exc:
        raise InvalidInput(f"the credential could not be signed: {exc}") from exc
    item.record = replace(item.record, document=document, jwt=jwt)
    item.jwt = jwt


def _filled(
    template: Mapping[str, Any],
    base_url: str,
    item: Row,
    status: list[dict[str, Any]],
    now: datetime,
) -> dict[str, Any]:
    """The template's credential with this row's values (same properties, same order)."""
    valid_from = timestamp(item.details.issued_on or now)
    document = dict(template)
    document["id"] = f"{base_url.rstrip('/')}/credentials/{item.record.id}"
    subject = dict(template["credentialSubject"])
    subject["identifier"] = [i.to_json() for i in item.recipient.identifiers]
    if item.recipient.did:
        subject["id"] = item.recipient.did
    document["credentialSubject"] = subject
    document["validFrom"] = valid_from
    document["awardedDate"] = valid_from
    if item.record.valid_until is not None:
        document["validUntil"] = timestamp(item.record.valid_until)
    if "evidence" in document:
        evidence = Evidence(id=item.details.evidence_url, narrative=item.details.narrative)
        document["evidence"] = [evidence.to_json()]
    document["credentialStatus"] = status
    return document
