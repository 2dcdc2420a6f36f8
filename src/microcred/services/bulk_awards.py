"""Bulk awards from CSV: batches of rows per transaction, each row with its idempotency key
(the batches themselves: :mod:`microcred.services.award_batches`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from microcred.core.loader import DocumentLoader
from microcred.domain.awards import (
    CsvFileError,
    CsvRow,
    RowError,
    derive_idempotency_key,
    parse_csv,
)
from microcred.domain.model import Actor, Role
from microcred.services.award_batches import (
    BATCH_ROWS,
    LOOKAHEAD_BATCHES,
    BatchCredentials,
    BatchRun,
    BulkResult,
    Progress,
    award_rows,
    issued_ids,
)
from microcred.services.awards import (
    award_request,
    awardable,
)
from microcred.services.errors import InvalidInput, ServiceError
from microcred.services.organisations import Platform
from microcred.services.ports import Parallel
from microcred.services.status import BatchStatus

__all__ = ["BATCH_ROWS", "BulkResult", "Progress", "bulk_award"]


def bulk_award(
    platform: Platform,
    actor: Actor,
    org_id: str,
    achievement_id: str,
    data: bytes,
    *,
    dry_run: bool = False,
    skip_bad_rows: bool = False,
    progress: Progress | None = None,
    loader: DocumentLoader | None = None,
    processes: int | None = None,
) -> BulkResult:
    """Award the achievement to every row of a CSV file (see
    :func:`microcred.domain.awards.parse_csv`).  Rows commit in batches of
    :data:`BATCH_ROWS`, each under a key derived from the row unless it has an
    ``idempotency_key``: running a file again never issues twice and completes what a
    crash left undone.  By default (all or nothing) one bad row means nothing is issued;
    ``skip_bad_rows`` issues the good rows.  ``progress(done, total)`` follows each row; if
    it raises (an interruption), the rows done so far are committed first.

    With ``processes`` above 1 (default: what ``platform.parallel`` offers) the file is
    cut into parts of whole batches that this many processes award at the same time,
    each taking the next part when done with one.  The outcome is the one of a single
    process: issued rows in file order; already issued ones in file order within each
    part, then the rows that repeat a key from earlier in the file.  A row that turns out
    bad only when signed stops its own part, not the others."""
    actor.require(org_id, Role.ISSUER)
    now = platform.clock()
    with platform.uow() as uow:
        achievement = awardable(uow, org_id, achievement_id)
        batched = isinstance(uow.credentials, BatchCredentials) and isinstance(
            uow.status, BatchStatus
        )
    try:
        parsed = parse_csv(data, now)
    except CsvFileError as exc:
        raise InvalidInput(str(exc)) from exc
    result = BulkResult(total=len(parsed.rows) + len(parsed.bad_lines), dry_run=dry_run)
    result.errors = list(parsed.errors)
    keys = [
        row.idempotency_key
        or derive_idempotency_key(
            achievement.lineage_id, row.request.email, row.request.issued_on, row.request.did
        )
        for row in parsed.rows
    ]
    if dry_run or (result.errors and not skip_bad_rows):
        _count_pending(platform, org_id, keys, result)
        return result
    rows = list(zip(parsed.rows, keys, strict=True))
    run = BatchRun(platform, actor, org_id, achievement, now, loader, skip_bad_rows, progress)
    if not batched:
        _award_one_by_one(run, rows, result)
    elif (count := _processes(platform, processes, len(rows))) > 1 and platform.parallel:
        _award_in_parts(platform.parallel, run, rows, count, result)
    else:
        award_rows(run, rows, result)
    result.errors.sort(key=lambda e: e.line)
    return result


def _award_one_by_one(run: BatchRun, rows: list[tuple[CsvRow, str]], result: BulkResult) -> None:
    """Each row through :func:`award`, in a transaction of its own (for a unit of work
    that cannot write batches)."""
    for done, (row, key) in enumerate(rows, start=1):
        if not _award_row(run, row, key, result) and not run.skip_bad_rows:
            result.pending = len(rows) - done
            return
        if run.progress is not None:
            run.progress(done, len(rows))


def _processes(platform: Platform, processes: int | None, rows: int) -> int:
    """How many processes award ``rows`` rows (no more than there are batches)."""
    if processes is None:
        processes = platform.parallel.processes if platform.parallel is not None else 1
    return max(1, min(processes, -(-rows // BATCH_ROWS)))


def _part_batches(batches: int, processes: int) -> list[int]:
    """The batches of each part, in file order: large parts first, then smaller and
    smaller ones (each a share of what is left), so that the processes, each taking the
    next part when done with one, finish within about a batch of each other."""
    sizes: list[int] = []
    while batches > 0:
        size = min(LOOKAHEAD_BATCHES, max(1, -(-batches // (2 * processes))))
        sizes.append(size)
        batches -= size
    return sizes


def _award_in_parts(
    parallel: Parallel,
    run: BatchRun,
    rows: list[tuple[CsvRow, str]],
    processes: int,
    result: BulkResult,
) -> None:
    """Award ``rows`` in ``processes`` processes at once, cut into parts of whole batches
    (see :func:`_part_batches` and :class:`~microcred.services.ports.Parallel`), and add
    up what the parts did.  A row whose key came earlier in the file is left out of the
    parts, so that the first one is the row issued (as in one process), and reported as
    already issued afterwards."""
    firsts: dict[str, CsvRow] = {}
    for row, key in rows:
        firsts.setdefault(key, row)
    unique = [(row, key) for row, key in rows if firsts[key] is row]
    repeats = [key for row, key in rows if firsts[key] is not row]
    slices, start = [], 0
    for batches in _part_batches(-(-len(unique) // BATCH_ROWS), processes):
        slices.append(unique[start : start + batches * BATCH_ROWS])
        start += batches * BATCH_ROWS
    progress, done = run.progress, len(repeats)
    # one run for all the parts a process takes (its signer and templates kept); a
    # forked process gets its own copy of this dict, empty
    runs: dict[str, BatchRun] = {}

    def part(index: int, tick: Callable[[int], None]) -> BulkResult:
        mine = runs.setdefault("run", replace(run, progress=None, templates={}))
        mine.done, out = 0, BulkResult()
        award_rows(mine, slices[index], out, tick)
        return out

    def on_tick(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, len(rows))

    for out in parallel.run(part, len(slices), on_tick, processes):
        if isinstance(out, BulkResult):
            result.issued += out.issued
            result.already_issued += out.already_issued
            result.errors += out.errors
            result.pending += out.pending
    _add_repeats(run, repeats, result)


def _add_repeats(run: BatchRun, repeats: list[str], result: BulkResult) -> None:
    """Rows that repeat an earlier row's key: already issued, under its credential (if
    the earlier row was issued; otherwise they count as pending)."""
    if not repeats:
        return
    issued = issued_ids(run, repeats)
    for key in repeats:
        if key in issued:
            result.already_issued.append(issued[key])
        else:
            result.pending += 1


def _award_row(run: BatchRun, row: CsvRow, key: str, result: BulkResult) -> bool:
    """Award one row in its own transaction; record the outcome; False if it failed."""
    try:
        issued = award_request(
            run.platform,
            run.actor,
            run.org_id,
            run.achievement.id,
            row.request,
            idempotency_key=key,
            loader=run.loader,
        )
    except ServiceError as exc:
        result.errors.append(RowError(row.line, None, str(exc)))
        return False
    (result.issued if issued.created else result.already_issued).append(issued.credential.id)
    return True


def _count_pending(platform: Platform, org_id: str, keys: Sequence[str], out: BulkResult) -> None:
    """What a dry run reports: rows issued before (by id) and rows still to issue."""
    with (platform.reader or platform.uow)() as uow:
        credentials = uow.credentials
        if isinstance(credentials, BatchCredentials):  # a batch of keys per query
            issued: dict[str, str] = {}
            for start in range(0, len(keys), BATCH_ROWS * 10):
                issued |= credentials.ids_by_keys(org_id, keys[start : start + BATCH_ROWS * 10])
        else:
            issued = {
                key: found.id
                for key in keys
                if (found := credentials.by_idempotency_key(org_id, key)) is not None
            }
    for key in keys:
        if key in issued:
            out.already_issued.append(issued[key])
        else:
            out.pending += 1
