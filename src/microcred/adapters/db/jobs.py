"""The durable job queue, kept in the platform's own database.

A job is enqueued inside the transaction of the change that needs it (an award enqueues
its email), so it exists exactly when the change does.  Workers claim jobs with a lease:
``FOR UPDATE SKIP LOCKED`` on PostgreSQL lets many workers take different jobs; SQLite
serialises writers, which gives the same guarantee.  A job whose worker dies is claimed
again when its lease runs out; failures are retried with back-off until ``max_attempts``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, select, update

from microcred.adapters.db import schema as t
from microcred.domain.model import Job

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class JobRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def enqueue(self, kind: str, payload: Mapping[str, object], run_at: datetime) -> int:
        result = self._c.execute(
            insert(t.jobs)
            .values(kind=kind, payload=dict(payload), state=QUEUED, attempts=0, run_at=run_at)
            .returning(t.jobs.c.id)
        )
        return int(result.scalar_one())

    def claim(self, now: datetime, lease: timedelta, kinds: tuple[str, ...] = ()) -> Job | None:
        """Take the oldest due job (queued, or running with an expired lease)."""
        due = (t.jobs.c.run_at <= now) & (
            (t.jobs.c.state == QUEUED)
            | ((t.jobs.c.state == RUNNING) & (t.jobs.c.locked_until <= now))
        )
        if kinds:
            due = due & t.jobs.c.kind.in_(kinds)
        query = select(t.jobs).where(due).order_by(t.jobs.c.run_at, t.jobs.c.id).limit(1)
        if self._c.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        row = self._c.execute(query).mappings().first()
        if row is None:
            return None
        self._c.execute(
            update(t.jobs)
            .where(t.jobs.c.id == row["id"])
            .values(state=RUNNING, attempts=row["attempts"] + 1, locked_until=now + lease)
        )
        return Job(row["id"], row["kind"], row["payload"], row["attempts"] + 1, row["run_at"])

    def complete(self, job_id: int, forget: tuple[str, ...] = ()) -> None:
        """Mark the job done, dropping the payload members named in ``forget`` (secrets
        such as claim tokens need not outlive the job)."""
        values: dict[str, object] = {"state": DONE, "locked_until": None}
        if forget:
            query = select(t.jobs.c.payload).where(t.jobs.c.id == job_id)
            payload = self._c.execute(query).scalar_one()
            values["payload"] = {k: v for k, v in payload.items() if k not in forget}
        self._c.execute(update(t.jobs).where(t.jobs.c.id == job_id).values(**values))

    def extend(self, job_id: int, until: datetime) -> None:
        """Keep a running job its worker's until ``until`` (a long job, still at work)."""
        self._c.execute(
            update(t.jobs)
            .where((t.jobs.c.id == job_id) & (t.jobs.c.state == RUNNING))
            .values(locked_until=until)
        )

    def fail(self, job_id: int, error: str, retry_at: datetime | None) -> None:
        """Record a failure: run again at ``retry_at``, or give up when it is None."""
        values: dict[str, object] = {"last_error": error[:2000], "locked_until": None}
        values.update({"state": QUEUED, "run_at": retry_at} if retry_at else {"state": FAILED})
        self._c.execute(update(t.jobs).where(t.jobs.c.id == job_id).values(**values))

    def counts(self) -> dict[str, int]:
        rows = self._c.execute(select(t.jobs.c.state, t.jobs.c.id))
        counts: dict[str, int] = {}
        for state, _ in rows:
            counts[state] = counts.get(state, 0) + 1
        return counts
