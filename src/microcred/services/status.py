"""Revocation and suspension: status lists, their positions and their signed credentials.

Every credential gets one random position in its organisation's current revocation list
and one in its suspension list (W3C Bitstring Status List).  A list has ``length``
positions to hand out (131,072 by default); a full list is followed by a new one.  Each
list's ``BitstringStatusListCredential`` is signed when the list is made and signed again
whenever one of its bits changes, and kept in ``status_lists.document``: the public
endpoint only serves it.
"""

from __future__ import annotations

import functools
import secrets
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from microcred.core.loader import DocumentLoader
from microcred.core.status_list import (
    MIN_ENTRIES,
    Bitstring,
    build_status_list_credential,
    build_status_list_entry,
)
from microcred.domain.awards import StatusListRecord, StatusPurpose, StoredCredential
from microcred.domain.model import Actor, AuditEntry, Role
from microcred.services.errors import Conflict, InvalidInput, NotFound
from microcred.services.keys import Signer, get_org, signer_for
from microcred.services.organisations import Platform
from microcred.services.ports import UnitOfWork

#: Positions a new list hands out (the specification's minimum list size).
LIST_LENGTH = MIN_ENTRIES
#: Random positions tried before the free ones are listed (a nearly full list).
RANDOM_TRIES = 8
MAX_REASON = 1_000


def status_list_url(base_url: str, list_id: str) -> str:
    return f"{base_url.rstrip('/')}/status/{list_id}"


@dataclass(frozen=True)
class Slot:
    """A credential's position in one list."""

    list_id: str
    position: int
    purpose: StatusPurpose

    def entry(self, base_url: str) -> dict[str, Any]:
        """The credential's ``credentialStatus`` entry for this position (built and checked
        once per list; a bulk award makes two for every credential)."""
        entry = dict(_entry_at_zero(base_url, self.list_id, self.purpose))
        entry["id"] = f"{entry['statusListCredential']}#{self.position}"
        entry["statusListIndex"] = str(self.position)
        return entry


@functools.lru_cache(maxsize=1024)
def _entry_at_zero(
    base_url: str, list_id: str, purpose: StatusPurpose
) -> tuple[tuple[str, Any], ...]:
    url = status_list_url(base_url, list_id)
    return tuple(build_status_list_entry(url, 0, status_purpose=purpose.value).items())


# --------------------------------------------------------------------------- allocation


def allocate(
    uow: UnitOfWork,
    platform: Platform,
    signer: Signer,
    credential_id: str,
    purpose: StatusPurpose,
    now: datetime,
) -> Slot:
    """Give the credential (already inserted) a random unused position of the current list
    of ``purpose``, opening a new list when it is full."""
    record = _list_with_room(uow, platform, signer, purpose, now)
    return _place(uow, record, credential_id, purpose)


def _place(
    uow: UnitOfWork, record: StatusListRecord, credential_id: str, purpose: StatusPurpose
) -> Slot:
    """Give the credential a random free position of ``record`` (its slot already taken)."""
    for _ in range(RANDOM_TRIES):
        position = secrets.randbelow(record.length)
        if uow.status.add_entry(record.id, position, credential_id):
            return Slot(record.id, position, purpose)
    while True:  # nearly full: draw among the positions still free
        free = sorted(set(range(record.length)) - uow.status.positions(record.id))
        if not free:
            raise Conflict("the status list filled up meanwhile; try again")
        position = free[secrets.randbelow(len(free))]
        if uow.status.add_entry(record.id, position, credential_id):
            return Slot(record.id, position, purpose)


# --------------------------------------------------------------------------- batches


@runtime_checkable
class BatchStatus(Protocol):
    """What batched allocation needs of the status repository, beside :class:`StatusLists`."""

    def take_slots(self, list_id: str, n: int) -> bool: ...
    def used_among(self, list_id: str, positions: Iterable[int]) -> set[int]: ...
    def add_entries(self, entries: Sequence[tuple[str, int, str]]) -> None: ...


def draw_slots(
    uow: UnitOfWork,
    status: BatchStatus,
    platform: Platform,
    signer: Signer,
    purpose: StatusPurpose,
    n: int,
    now: datetime,
    *,
    may_open: bool = True,
) -> list[Slot]:
    """Up to ``n`` distinct random positions of the current list of ``purpose`` (opened if
    there is none) that are free now: provisional, for credentials about to be signed.
    Nothing is taken yet: :func:`claim_slots` takes them once the credentials are stored
    (a position taken meanwhile by a concurrent award is replaced then).  Fewer than ``n``
    when the list has less room; :func:`claim_slots` places the rest.  With ``may_open``
    False (a unit of work that only reads) none are drawn when a list would have to be
    opened: :func:`claim_slots` opens it."""
    record = uow.status.current_list(signer.org.id, purpose)
    if record is None and not may_open:
        return []
    if record is None:
        uow.status.lock_new_lists(signer.org.id, purpose)
        record = uow.status.current_list(signer.org.id, purpose)
        if record is None:
            record = _new_list(uow, platform, signer, purpose, LIST_LENGTH, now)
    want = min(n, record.length - record.used)
    chosen: set[int] = set()
    for _ in range(RANDOM_TRIES):
        need = want - len(chosen)
        if need <= 0:
            break
        drawn: set[int] = set()
        while len(drawn) < need:
            position = secrets.randbelow(record.length)
            if position not in chosen:
                drawn.add(position)
        chosen |= drawn - status.used_among(record.id, drawn)
    if len(chosen) < want:  # nearly full: draw among the positions still free
        free = sorted(set(range(record.length)) - uow.status.positions(record.id) - chosen)
        chosen.update(secrets.SystemRandom().sample(free, min(want - len(chosen), len(free))))
    return [Slot(record.id, position, purpose) for position in chosen]


def claim_slots(
    uow: UnitOfWork,
    status: BatchStatus,
    platform: Platform,
    signer: Signer,
    purpose: StatusPurpose,
    credential_ids: Sequence[str],
    provisional: Mapping[str, Slot],
    now: datetime,
) -> dict[str, Slot]:
    """Give each credential (already inserted) its position in a list of ``purpose``: the
    provisional one of :func:`draw_slots` when it is still free, otherwise one allocated
    as :func:`allocate` does.  Returns every credential's slot.

    One UPDATE of the list's counter holds the list until commit (as every writer of its
    entries does first: :func:`allocate` too), so the positions found free next stay free,
    and one INSERT (COPY on PostgreSQL) gives them all."""
    final: dict[str, Slot] = {}
    drawn = {cid: provisional[cid] for cid in credential_ids if cid in provisional}
    lists = {slot.list_id for slot in drawn.values()}
    if len(lists) == 1 and status.take_slots(list_id := lists.pop(), len(drawn)):
        used = status.used_among(list_id, (slot.position for slot in drawn.values()))
        taken = [c for c, s in drawn.items() if s.position in used]
        final = {c: s for c, s in drawn.items() if s.position not in used}
        status.add_entries([(s.list_id, s.position, c) for c, s in final.items()])
        if taken:  # concurrent awards took these positions: draw again (slots counted)
            record = uow.status.get_list(list_id)
            if record is None:  # pragma: no cover - the list was just updated
                raise NotFound("the status list disappeared")
            for cid in taken:
                final[cid] = _place(uow, record, cid, purpose)
    for cid in credential_ids:
        if cid not in final:
            final[cid] = allocate(uow, platform, signer, cid, purpose, now)
    return final


def _list_with_room(
    uow: UnitOfWork, platform: Platform, signer: Signer, purpose: StatusPurpose, now: datetime
) -> StatusListRecord:
    for attempt in range(2):
        record = uow.status.current_list(signer.org.id, purpose)
        if record is not None and uow.status.take_slot(record.id):
            return record
        if attempt == 0:  # full: wait for anyone opening a list meanwhile, then look again
            uow.status.lock_new_lists(signer.org.id, purpose)
    record = _new_list(uow, platform, signer, purpose, LIST_LENGTH, now)
    if not uow.status.take_slot(record.id):  # pragma: no cover - a new list has room
        raise Conflict("a new status list has no room")
    return record


def _new_list(
    uow: UnitOfWork,
    platform: Platform,
    signer: Signer,
    purpose: StatusPurpose,
    length: int,
    now: datetime,
) -> StatusListRecord:
    list_id = str(uuid.uuid4())
    document = _signed_list(platform, signer, list_id, purpose, length, [], now)
    record = StatusListRecord(list_id, signer.org.id, purpose, length, 0, now, now, document)
    uow.status.add_list(record)
    return record


def _signed_list(
    platform: Platform,
    signer: Signer,
    list_id: str,
    purpose: StatusPurpose,
    length: int,
    set_positions: list[int],
    now: datetime,
) -> dict[str, Any]:
    bits = Bitstring(max(MIN_ENTRIES, -(-length // 8) * 8))
    for position in set_positions:
        bits.set(position)
    url = status_list_url(platform.base_url, list_id)
    unsigned = build_status_list_credential(
        url, signer.did, bits, valid_from=now, status_purpose=purpose.value
    )
    return signer.sign_list(unsigned, now)


def open_list(
    platform: Platform,
    actor: Actor,
    org_id: str,
    purpose: StatusPurpose,
    *,
    length: int = LIST_LENGTH,
    loader: DocumentLoader | None = None,
) -> StatusListRecord:
    """Start a new list of ``purpose``: new credentials take positions in it until it is
    full.  ``length`` (at least 8) is how many positions it hands out; its bitstring is
    never shorter than the specification's 131,072 entries."""
    actor.require(org_id, Role.ADMIN)
    if not 8 <= length <= 8 * MIN_ENTRIES:
        raise InvalidInput(f"length: give a number from 8 to {8 * MIN_ENTRIES:,}")
    now = platform.clock()
    with platform.uow() as uow:
        signer = signer_for(platform, uow, get_org(uow, org_id), loader)
        record = _new_list(uow, platform, signer, purpose, length, now)
        detail = {"purpose": purpose.value, "length": length}
        uow.audit.append(AuditEntry(org_id, actor.label, "status.list", record.id, detail, now))
        uow.commit()
    return record


# --------------------------------------------------------------------------- changes


def revoke(
    platform: Platform,
    actor: Actor,
    credential_id: str,
    reason: str,
    *,
    loader: DocumentLoader | None = None,
) -> StoredCredential:
    """Revoke a credential for good (its revocation bit is set; the list is re-signed)."""
    return _change(platform, actor, credential_id, "revoke", reason, loader)


def suspend(
    platform: Platform,
    actor: Actor,
    credential_id: str,
    reason: str,
    *,
    loader: DocumentLoader | None = None,
) -> StoredCredential:
    """Suspend a credential until it is reinstated."""
    return _change(platform, actor, credential_id, "suspend", reason, loader)


def reinstate(
    platform: Platform,
    actor: Actor,
    credential_id: str,
    reason: str,
    *,
    loader: DocumentLoader | None = None,
) -> StoredCredential:
    """Lift a suspension (a revocation cannot be lifted)."""
    return _change(platform, actor, credential_id, "reinstate", reason, loader)


_BITS = {
    "revoke": (StatusPurpose.REVOCATION, 1),
    "suspend": (StatusPurpose.SUSPENSION, 1),
    "reinstate": (StatusPurpose.SUSPENSION, 0),
}


def _change(
    platform: Platform,
    actor: Actor,
    credential_id: str,
    action: str,
    reason: str,
    loader: DocumentLoader | None,
) -> StoredCredential:
    reason = _reason(reason)
    now = platform.clock()
    with platform.uow() as uow:
        credential = find_credential(uow, platform, credential_id)
        actor.require(credential.org_id, Role.ISSUER)
        _refuse(credential, action)
        updated = change_status(uow, platform, credential, action, reason, now, loader)
        detail = {"reason": reason}
        subject = credential.id
        uow.audit.append(
            AuditEntry(credential.org_id, actor.label, f"credential.{action}", subject, detail, now)
        )
        uow.commit()
    return updated


def change_status(
    uow: UnitOfWork,
    platform: Platform,
    credential: StoredCredential,
    action: str,
    reason: str,
    now: datetime,
    loader: DocumentLoader | None = None,
) -> StoredCredential:
    """Inside a unit of work: set or clear the credential's bit and re-sign its list."""
    purpose, value = _BITS[action]
    entry = next((e for e in uow.status.entries_for(credential.id) if e.purpose is purpose), None)
    if entry is None:
        raise Conflict(f"the credential has no {purpose.value} status entry")
    signer = signer_for(platform, uow, get_org(uow, credential.org_id), loader)
    uow.status.lock_list(entry.list_id)
    uow.status.set_value(entry.list_id, entry.position, value)
    _republish(uow, platform, signer, entry.list_id, now)
    revoked = credential.revoked or action == "revoke"
    suspended = action == "suspend" or (credential.suspended and action != "reinstate")
    uow.credentials.set_status(credential.id, revoked=revoked, suspended=suspended, reason=reason)
    return replace(credential, revoked=revoked, suspended=suspended, status_reason=reason)


def _republish(
    uow: UnitOfWork, platform: Platform, signer: Signer, list_id: str, now: datetime
) -> dict[str, Any]:
    record = uow.status.get_list(list_id)
    if record is None:
        raise NotFound(f"no status list {list_id}")
    positions = uow.status.set_positions(list_id)
    document = _signed_list(
        platform, signer, list_id, record.purpose, record.length, positions, now
    )
    uow.status.save_document(list_id, document, now)
    return document


def _reason(reason: str) -> str:
    text = reason.strip()
    if not 1 <= len(text) <= MAX_REASON:
        raise InvalidInput(f"reason: give 1-{MAX_REASON:,} characters")
    return text


def _refuse(credential: StoredCredential, action: str) -> None:
    if credential.revoked:
        raise Conflict("the credential is revoked; a revocation is permanent")
    if action == "suspend" and credential.suspended:
        raise Conflict("the credential is already suspended")
    if action == "reinstate" and not credential.suspended:
        raise Conflict("the credential is not suspended")


def find_credential(uow: UnitOfWork, platform: Platform, credential_id: str) -> StoredCredential:
    """A credential by its id or its URL (``<base>/credentials/<id>``)."""
    prefix = f"{platform.base_url.rstrip('/')}/credentials/"
    credential = uow.credentials.get(credential_id.removeprefix(prefix))
    if credential is None:
        raise NotFound(f"no credential {credential_id}")
    return credential


# --------------------------------------------------------------------------- publishing


def status_list_credential(
    platform: Platform, list_id: str, *, loader: DocumentLoader | None = None
) -> dict[str, Any]:
    """The signed ``BitstringStatusListCredential`` published at ``<base>/status/<id>``."""
    with platform.uow() as uow:
        record = uow.status.get_list(list_id)
        if record is None:
            raise NotFound(f"no status list {list_id}")
        if record.document is not None:
            return dict(record.document)
        signer = signer_for(platform, uow, get_org(uow, record.org_id), loader)
        uow.status.lock_list(list_id)
        document = _republish(uow, platform, signer, list_id, platform.clock())
        uow.commit()
    return document
