"""Bulk awards in the background: the file is checked when it arrives (a dry run: bad
rows, rows issued before), kept in the database, and awarded by ``microcred worker``
through the durable job queue, which tries again after a failure or a crash (the rows'
idempotency keys make a second try complete the first, never issue twice).  Progress is
written as the rows are done, so that the sender can follow it.

The worker awards as the sender: their organisation and the role they had when they
sent the file (checked then, as for an email queued by an award)."""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict
from datetime import timedelta
from typing import Any

from microcred.core.loader import DocumentLoader
from microcred.domain.bulk_jobs import BulkJob
from microcred.domain.model import Actor, AuditEntry, Job, Role
from microcred.services.bulk_awards import BulkResult, bulk_award
from microcred.services.errors import NotFound, ServiceError
from microcred.services.organisations import Platform

KIND = "awards.bulk"
#: Seconds between two progress writes (each also extends the job's lease).
PROGRESS_EVERY = 1.0


class BulkJobFailed(Exception):
    """The file can never be awarded as sent (its achievement retired, the organisation
    gone): the worker fails the job without trying again."""


def submit_bulk_award(
    platform: Platform,
    actor: Actor,
    org_id: str,
    achievement_id: str,
    data: bytes,
    *,
    skip_bad_rows: bool = False,
    loader: DocumentLoader | None = None,
) -> tuple[BulkJob | None, BulkResult]:
    """Check the file now and keep it for a worker; the job (None when the file has bad
    rows and ``skip_bad_rows`` is False: nothing is kept) and the check's report."""
    actor.require(org_id, Role.ISSUER)
    check = bulk_award(platform, actor, org_id, achievement_id, data, dry_run=True, loader=loader)
    if check.errors and not skip_bad_rows:
        return None, check
    now = platform.clock()
    bulk_id = str(uuid.uuid4())
    with platform.uow() as uow:
        job_id = uow.jobs.enqueue(KIND, {"bulk_id": bulk_id}, now)
        job = BulkJob(
            id=bulk_id,
            org_id=org_id,
            achievement_id=achievement_id,
            actor_kind=actor.kind,
            actor_id=actor.id,
            actor_role=actor.role or Role.OWNER,  # the platform itself (system)
            skip_bad_rows=skip_bad_rows,
            job_id=job_id,
            created_at=now,
            updated_at=now,
            total=check.total,
        )
        uow.bulk_awards.add(job, data)
        detail = {"achievement_id": achievement_id, "rows": check.total}
        uow.audit.append(AuditEntry(org_id, actor.label, "awards.bulk", bulk_id, detail, now))
        uow.commit()
    return job, check


def get_bulk_job(platform: Platform, actor: Actor, org_id: str, bulk_id: str) -> BulkJob:
    """A bulk award of the organisation sent to run in the background (viewer role)."""
    actor.require(org_id, Role.VIEWER)
    with platform.uow() as uow:
        job = uow.bulk_awards.get(bulk_id)
    if job is None or job.org_id != org_id:
        raise NotFound(f"the organisation has no bulk award {bulk_id[:200]!r}")
    return job


def run_bulk_job(
    platform: Platform, job: Job, *, lease: timedelta, loader: DocumentLoader | None = None
) -> None:
    """The queue's ``awards.bulk`` job: ``{"bulk_id"}``.  Awards the file (completing
    what an earlier try did) and keeps the outcome; while it runs, each progress write
    keeps the job the worker's for ``lease`` more."""
    bulk_id = job.payload.get("bulk_id")
    with platform.uow() as uow:
        bulk = uow.bulk_awards.get(bulk_id) if isinstance(bulk_id, str) else None
        data = uow.bulk_awards.data(bulk.id) if bulk is not None else None
    if bulk is None or data is None:
        raise BulkJobFailed(f"there is no bulk award {bulk_id!r}")
    if bulk.result is not None:
        return  # an earlier try finished it and died before completing the job
    try:
        result = bulk_award(
            platform,
            bulk.actor,
            bulk.org_id,
            bulk.achievement_id,
            data,
            skip_bad_rows=bulk.skip_bad_rows,
            progress=_Progress(platform, bulk, job, lease),
            loader=loader,
        )
    except ServiceError as exc:  # for good: the file (email addresses) is not kept
        with platform.uow() as uow:
            uow.bulk_awards.forget_data(bulk.id, platform.clock())
            uow.commit()
        raise BulkJobFailed(str(exc)) from exc
    now = platform.clock()
    with platform.uow() as uow:
        uow.bulk_awards.finish(bulk.id, report_of(result), now)
        detail = {"issued": len(result.issued), "errors": len(result.errors)}
        entry = AuditEntry(bulk.org_id, bulk.actor.label, "awards.bulk.done", bulk.id, detail, now)
        uow.audit.append(entry)
        uow.commit()


class _Progress:
    """Writes ``done``/``total`` every :data:`PROGRESS_EVERY` seconds, extending the
    job's lease (a long file must not look abandoned to other workers)."""

    def __init__(self, platform: Platform, bulk: BulkJob, job: Job, lease: timedelta) -> None:
        self.platform, self.bulk_id, self.job_id, self.lease = platform, bulk.id, job.id, lease
        self.last = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        if done < total and time.monotonic() - self.last < PROGRESS_EVERY:
            return
        self.last = time.monotonic()
        now = self.platform.clock()
        with self.platform.uow() as uow:
            uow.bulk_awards.progress(self.bulk_id, done, total, now)
            uow.jobs.extend(self.job_id, now + self.lease)
            uow.commit()


def report_of(result: BulkResult) -> dict[str, Any]:
    """A bulk award's outcome as JSON (what the API answers)."""
    return {
        "total": result.total,
        "issued": list(result.issued),
        "already_issued": list(result.already_issued),
        "errors": [asdict(error) for error in result.errors],
        "dry_run": result.dry_run,
        "pending": result.pending,
        "complete": not result.dry_run and result.pending == 0 and not result.errors,
    }
