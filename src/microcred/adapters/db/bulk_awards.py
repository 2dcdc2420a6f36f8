"""Bulk awards run in the background: the file, who sent it, progress and outcome; the
state comes from the queue's job that runs it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from microcred.adapters.db import schema as t
from microcred.adapters.db.jobs import FAILED, QUEUED, RUNNING
from microcred.domain.bulk_jobs import BulkJob, BulkState
from microcred.domain.model import Role

_B, _J = t.bulk_awards, t.jobs
_STATES = {QUEUED: BulkState.QUEUED, RUNNING: BulkState.RUNNING, FAILED: BulkState.FAILED}
_READ = select(*(c for c in _B.columns if c.name != "data"), _J.c.state, _J.c.last_error).join(
    _J, _J.c.id == _B.c.job_id
)


class BulkAwardRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, job: BulkJob, data: bytes) -> None:
        self._c.execute(
            insert(_B).values(
                id=job.id,
                org_id=job.org_id,
                achievement_id=job.achievement_id,
                actor_kind=job.actor_kind,
                actor_id=job.actor_id,
                actor_role=job.actor_role.value,
                skip_bad_rows=job.skip_bad_rows,
                data=data,
                job_id=job.job_id,
                done=job.done,
                total=job.total,
                result=None,
                created_at=job.created_at,
                updated_at=job.updated_at,
            )
        )

    def get(self, bulk_id: str) -> BulkJob | None:
        row = self._c.execute(_READ.where(_B.c.id == bulk_id)).mappings().first()
        return None if row is None else _job(row)

    def data(self, bulk_id: str) -> bytes | None:
        return self._c.execute(select(_B.c.data).where(_B.c.id == bulk_id)).scalar_one_or_none()

    def progress(self, bulk_id: str, done: int, total: int, at: datetime) -> None:
        self._c.execute(
            update(_B).where(_B.c.id == bulk_id).values(done=done, total=total, updated_at=at)
        )

    def forget_data(self, bulk_id: str, at: datetime) -> None:
        """Drop the file (it holds email addresses) of a job that will not run again."""
        self._c.execute(update(_B).where(_B.c.id == bulk_id).values(data=b"", updated_at=at))

    def finish(self, bulk_id: str, result: Mapping[str, Any], at: datetime) -> None:
        """Keep the outcome; the file itself is no longer needed."""
        self._c.execute(
            update(_B)
            .where(_B.c.id == bulk_id)
            .values(result=dict(result), data=b"", updated_at=at)
        )


def _job(row: Any) -> BulkJob:
    result = row["result"]
    state = BulkState.DONE if result is not None else _STATES.get(row["state"], BulkState.RUNNING)
    error = None if state is BulkState.DONE else row["last_error"]
    return BulkJob(
        id=row["id"],
        org_id=row["org_id"],
        achievement_id=row["achievement_id"],
        actor_kind=row["actor_kind"],
        actor_id=row["actor_id"],
        actor_role=Role(row["actor_role"]),
        skip_bad_rows=row["skip_bad_rows"],
        job_id=row["job_id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        state=state,
        done=row["done"],
        total=row["total"],
        result=result,
        error=error,
    )
