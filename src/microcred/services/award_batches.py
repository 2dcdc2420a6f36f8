"""One batch of a bulk award, in three steps: read and draw status positions (a unit of
work that only reads), sign every row (no transaction open), write them all (one
transaction); the rows themselves are signed by :mod:`microcred.services.row_signing`.
:func:`microcred.services.bulk_awards.bulk_award` cuts a file into batches and, when it
may, into parts awarded by several processes at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from microcred.core.loader import DocumentLoader
from microcred.domain.achievements import Achievement
from microcred.domain.awards import (
    CsvRow,
    RowError,
    StatusPurpose,
    StoredCredential,
)
from microcred.domain.model import Actor, AuditEntry
from microcred.services.awards import (
    awardable,
)
from microcred.services.errors import ServiceError
from microcred.services.identity import current_key
from microcred.services.keys import Signer, get_org, signer_for
from microcred.services.organisations import Platform
from microcred.services.ports import UnitOfWork
from microcred.services.row_signing import PURPOSES, Row, prepare_row, sign_row
from microcred.services.status import BatchStatus, Slot, claim_slots, draw_slots

Progress = Callable[[int, int], None]


@dataclass
class BulkResult:
    """What a bulk award did (or, in a dry run, would do)."""

    total: int = 0
    issued: list[str] = field(default_factory=list)
    already_issued: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    #: Rows that would be issued (dry run), or were not issued because of bad rows.
    pending: int = 0


#: Rows that commit together in a bulk award.  A crash loses at most the batch being
#: written, which re-running the file issues (its idempotency keys make that exact).
BATCH_ROWS = 100
_PURPOSES = PURPOSES


@runtime_checkable
class BatchCredentials(Protocol):
    """What a bulk award needs of the credential repository, beside :class:`Credentials`."""

    def ids_by_keys(self, org_id: str, keys: Iterable[str]) -> dict[str, str]: ...
    def add_many(self, credentials: Sequence[StoredCredential]) -> set[str]: ...
    def set_documents(
        self, documents: Sequence[tuple[str, Mapping[str, Any], str | None]]
    ) -> None: ...
    def add_award_records(
        self,
        entries: Sequence[AuditEntry],
        jobs: Sequence[tuple[str, Mapping[str, object], datetime]],
    ) -> None: ...


@dataclass
class BatchRun:
    """What every row of a bulk award shares: loaded (the key unsealed) once, and checked
    again at the start of each batch, in its transaction."""

    platform: Platform
    actor: Actor
    org_id: str
    achievement: Achievement
    now: datetime
    loader: DocumentLoader | None
    skip_bad_rows: bool
    progress: Progress | None
    total: int = 0
    done: int = 0
    signer: Signer | None = None
    #: Unsigned credentials validated by :func:`issue`, by shape (see :func:`_shape`).
    templates: dict[tuple[bool, ...], dict[str, Any]] = field(default_factory=dict)

    def refresh(self, uow: UnitOfWork) -> Signer:
        """Re-check the achievement, the organisation and its current key; the signer
        (the key unsealed again only when it changed)."""
        achievement = awardable(uow, self.org_id, self.achievement.id)
        org = get_org(uow, self.org_id)
        key = current_key(uow.keys.for_org(self.org_id))
        signer = self.signer
        if signer is None or signer.org != org or signer.key.id != key.id:
            signer = signer_for(self.platform, uow, org, self.loader)
            self.templates.clear()
        if achievement != self.achievement:
            self.templates.clear()
        self.signer, self.achievement = signer, achievement
        return signer


#: Batches whose issued keys and status positions one read looks up ahead (see
#: :func:`award_rows`): a reading transaction per batch cost about a tenth of the time.
LOOKAHEAD_BATCHES = 10


@dataclass
class _Ahead:
    """What one read found for the next batches: the keys issued already, status
    positions drawn for their fresh rows (taken batch by batch), and the signer, or why
    the achievement can no longer be awarded."""

    existing: Mapping[str, str]
    draws: dict[StatusPurpose, list[Slot]] = field(default_factory=dict)
    signer: Signer | None = None
    refused: str | None = None

    def take(self, wanted: int) -> dict[StatusPurpose, list[Slot]]:
        taken = {purpose: slots[:wanted] for purpose, slots in self.draws.items()}
        for slots in self.draws.values():
            del slots[:wanted]
        return taken


def look_ahead(run: BatchRun, rows: list[tuple[CsvRow, str]]) -> _Ahead:
    """One reading transaction for ``rows`` (a few batches): the keys issued already,
    the achievement and key checked (here only once, for the first read: again before
    each batch is written), and status positions drawn for the rows to issue."""
    with (run.platform.reader or run.platform.uow)() as uow:
        credentials, status = _batch_ports(uow)
        existing = credentials.ids_by_keys(run.org_id, (key for _, key in rows))
        try:
            signer = run.signer or run.refresh(uow)
        except ServiceError as exc:
            return _Ahead(existing, refused=str(exc))
        wanted = len(_fresh(rows, existing))
        draws = {
            purpose: draw_slots(
                uow, status, run.platform, signer, purpose, wanted, run.now, may_open=False
            )
            for purpose in _PURPOSES
        }
        uow.commit()
    if wanted and not all(draws.values()):  # no list with room: open one, then draw
        draws = _draw_opening(run, signer, wanted)
    return _Ahead(existing, draws, signer)


def award_batch(
    run: BatchRun,
    batch: list[tuple[CsvRow, str]],
    result: BulkResult,
    ahead: _Ahead,
) -> bool:
    """Award a batch of rows; False when the file stops here.  Three steps, so that no
    transaction is open while the rows are signed (other processes awarding at the same
    time write meanwhile, SQLite's write lock included): a short transaction reads what
    is issued already, checks the achievement and key and draws status positions (done
    ahead for several batches: ``ahead``, see :func:`look_ahead`); the rows are signed;
    one transaction writes them all (what changed meanwhile is handled there: a key
    issued by someone else first, a position taken, a new signing key)."""
    existing, signer = ahead.existing, ahead.signer
    if signer is None:  # the achievement, organisation or key can no longer issue
        return _refused(run, batch, existing, ahead.refused or "", result)
    draws = ahead.take(len(_fresh(batch, existing)))
    signed = _sign_batch(run, signer, batch, existing, draws, result)
    with run.platform.uow() as uow:
        credentials, status = _batch_ports(uow)
        try:
            signer = _signer_now(run, uow, signer, signed.made)
        except ServiceError as exc:
            return _refused(run, batch, existing, str(exc), result)
        prepared = list(signed.made)  # _store leaves in ``made`` only the rows it inserted
        lost = _store(run, uow, credentials, status, signer, signed.made)
        uow.commit()
    return _report(run, batch, signed, prepared, lost, result)


def _draw_opening(run: BatchRun, signer: Signer, wanted: int) -> dict[StatusPurpose, list[Slot]]:
    """Draw positions in a writing transaction, opening the lists that have no room left
    (so that rows are signed, and checked, before the batch is written)."""
    with run.platform.uow() as uow:
        _, status = _batch_ports(uow)
        draws = {
            purpose: draw_slots(uow, status, run.platform, signer, purpose, wanted, run.now)
            for purpose in _PURPOSES
        }
        uow.commit()
    return draws


def issued_ids(run: BatchRun, keys: Iterable[str]) -> dict[str, str]:
    """The ids of the credentials the organisation issued under ``keys``, by key."""
    with (run.platform.reader or run.platform.uow)() as uow:
        credentials, _ = _batch_ports(uow)
        return credentials.ids_by_keys(run.org_id, keys)


def _batch_ports(uow: UnitOfWork) -> tuple[BatchCredentials, BatchStatus]:
    credentials, status = uow.credentials, uow.status
    if not isinstance(credentials, BatchCredentials) or not isinstance(status, BatchStatus):
        raise TypeError("the unit of work cannot write batches")  # pragma: no cover
    return credentials, status


def _fresh(batch: list[tuple[CsvRow, str]], existing: Mapping[str, str]) -> list[str]:
    """The keys of the batch to issue: not issued before, each once."""
    keys: dict[str, None] = {}
    for _, key in batch:
        if key not in existing:
            keys.setdefault(key)
    return list(keys)


@dataclass
class _Signed:
    """A batch's rows after signing: what to store and what the rows came to."""

    made: list[Row] = field(default_factory=list)
    #: line -> (issued, credential id), for rows that are not in ``made``.
    outcome: dict[int, tuple[bool, str]] = field(default_factory=dict)
    go_on: bool = True
    interrupted: BaseException | None = None


def _sign_batch(
    run: BatchRun,
    signer: Signer,
    batch: list[tuple[CsvRow, str]],
    existing: Mapping[str, str],
    draws: Mapping[StatusPurpose, list[Slot]],
    result: BulkResult,
) -> _Signed:
    """Check and sign each new row of the batch (outside any transaction)."""
    out = _Signed()
    first_of: dict[str, str] = {}
    for index, (row, key) in enumerate(batch):
        if key in existing:
            out.outcome[row.line] = (False, existing[key])
        elif key in first_of:
            out.outcome[row.line] = (False, first_of[key])
        elif (
            not _sign_one(run, signer, row, key, draws, out, first_of, result)
            and not run.skip_bad_rows
        ):
            result.pending = run.total - (run.done + index + 1)
            out.go_on = False
            break
        if run.progress is not None:
            try:
                run.progress(run.done + index + 1, run.total)
            except BaseException as exc:  # an interruption: keep what is done
                out.interrupted = exc
                break
    return out


def _sign_one(
    run: BatchRun,
    signer: Signer,
    row: CsvRow,
    key: str,
    draws: Mapping[StatusPurpose, list[Slot]],
    out: _Signed,
    first_of: dict[str, str],
    result: BulkResult,
) -> bool:
    """Prepare and sign one row into ``out.made``; False (the error noted) if it is bad."""
    n = len(out.made)
    slots = {p: d[n] for p, d in draws.items() if n < len(d)}
    try:
        item = prepare_row(run, signer, row, key, slots)
    except ServiceError as exc:
        result.errors.append(RowError(row.line, None, str(exc)))
        return False
    out.made.append(item)
    first_of[key] = item.record.id
    return True


def _signer_now(run: BatchRun, uow: UnitOfWork, signer: Signer, made: list[Row]) -> Signer:
    """The signer, checked again in the writing transaction; rows signed by one that is
    no longer current (a key rotated meanwhile, the achievement changed) sign again."""
    current = run.refresh(uow)
    if current is not signer:
        for item in made:
            if len(item.slots) == len(_PURPOSES):
                sign_row(run, current, item)
    return current


def _report(
    run: BatchRun,
    batch: list[tuple[CsvRow, str]],
    signed: _Signed,
    prepared: list[Row],
    lost: set[str],
    result: BulkResult,
) -> bool:
    """Add the batch's rows to ``result`` in file order; False when the file stops."""
    outcome = signed.outcome
    if lost:  # concurrent awards issued these keys first
        outcome.update(_taken_first(run, prepared, lost))
    for item in signed.made:
        outcome.setdefault(item.row.line, (True, item.record.id))
    for row, _ in batch:
        if row.line in outcome:
            issued, credential_id = outcome[row.line]
            (result.issued if issued else result.already_issued).append(credential_id)
    run.done += len(batch)
    if signed.interrupted is not None:
        raise signed.interrupted
    return signed.go_on


def _taken_first(run: BatchRun, prepared: list[Row], lost: set[str]) -> dict[int, tuple[bool, str]]:
    """Rows whose keys a concurrent award issued first: already issued, under its id."""
    taken = issued_ids(run, lost)
    return {item.row.line: (False, taken[item.key]) for item in prepared if item.key in lost}


def _refused(
    run: BatchRun,
    batch: list[tuple[CsvRow, str]],
    existing: Mapping[str, str],
    message: str,
    result: BulkResult,
) -> bool:
    """A batch whose achievement (or organisation, or key) can no longer issue: rows
    issued before are reported as such, the others as errors, as award() would."""
    for index, (row, key) in enumerate(batch):
        if key in existing:
            result.already_issued.append(existing[key])
            continue
        result.errors.append(RowError(row.line, None, message))
        if not run.skip_bad_rows:
            result.pending = run.total - (run.done + index + 1)
            return False
    run.done += len(batch)
    return True


def _store(
    run: BatchRun,
    uow: UnitOfWork,
    credentials: BatchCredentials,
    status: BatchStatus,
    signer: Signer,
    made: list[Row],
) -> set[str]:
    """Write the batch's credentials, audit entries, jobs and status entries; the keys
    that concurrent awards took first (those rows are left out).  The status lists are
    claimed last: from then on they are held until commit."""
    inserted = credentials.add_many([item.record for item in made])
    lost = {item.key for item in made if item.record.id not in inserted}
    kept = [item for item in made if item.record.id in inserted]
    made[:] = kept
    credentials.add_award_records(*_award_records(run, kept))
    ids = [item.record.id for item in kept]
    finals = {
        purpose: claim_slots(
            uow,
            status,
            run.platform,
            signer,
            purpose,
            ids,
            {i.record.id: i.slots[purpose] for i in kept if purpose in i.slots},
            run.now,
        )
        for purpose in _PURPOSES
    }
    resigned: list[tuple[str, Mapping[str, Any], str | None]] = []
    for item in kept:
        slots = {purpose: finals[purpose][item.record.id] for purpose in _PURPOSES}
        if slots != item.slots:  # positions drawn again, or not drawn before
            item.slots = slots
            sign_row(run, signer, item)
            resigned.append((item.record.id, item.record.document, item.jwt))
    credentials.set_documents(resigned)
    return lost


def _award_records(
    run: BatchRun, kept: list[Row]
) -> tuple[list[AuditEntry], list[tuple[str, Mapping[str, object], datetime]]]:
    """The audit entry and the email job of each credential the batch inserted."""
    entries = [
        AuditEntry(
            run.org_id,
            run.actor.label,
            "credential.award",
            item.record.id,
            {"achievement_id": run.achievement.id, "idempotency_key": item.key},
            run.now,
        )
        for item in kept
    ]
    jobs: list[tuple[str, Mapping[str, object], datetime]] = [
        (
            "email.award",
            {
                "credential_id": item.record.id,
                "email": item.recipient.email,
                "claim_token": item.token,
            },
            run.now,
        )
        for item in kept
        if item.recipient.email
    ]
    return entries, jobs


def award_rows(
    run: BatchRun,
    rows: list[tuple[CsvRow, str]],
    result: BulkResult,
    after_batch: Callable[[int], None] | None = None,
) -> None:
    """Award ``rows`` batch by batch, reading ahead for :data:`LOOKAHEAD_BATCHES` at a
    time; ``after_batch(rows)`` follows each batch."""
    run.total = len(rows)
    window = BATCH_ROWS * LOOKAHEAD_BATCHES
    for start in range(0, len(rows), window):
        ahead_rows = rows[start : start + window]
        ahead = look_ahead(run, ahead_rows)
        for offset in range(0, len(ahead_rows), BATCH_ROWS):
            batch = ahead_rows[offset : offset + BATCH_ROWS]
            go_on = award_batch(run, batch, result, ahead)
            if after_batch is not None:
                after_batch(len(batch))
            if not go_on:
                return
