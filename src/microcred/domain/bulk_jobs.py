"""A bulk award run in the background: a CSV file kept in the database with who sent it,
awarded by a worker through the durable job queue, with its progress and its outcome."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from microcred.domain.model import Actor, Role


class BulkState(StrEnum):
    QUEUED = "queued"  # waiting for a worker (again, after a failed try)
    RUNNING = "running"
    DONE = "done"  # the outcome is in ``result``
    FAILED = "failed"  # every try failed; ``error`` says why


@dataclass(frozen=True)
class BulkJob:
    id: str
    org_id: str
    achievement_id: str
    #: Who sent the file: the worker awards as them (their organisation and role).
    actor_kind: str
    actor_id: str
    actor_role: Role
    skip_bad_rows: bool
    #: The queue's job that runs it.
    job_id: int
    created_at: datetime
    updated_at: datetime
    state: BulkState = BulkState.QUEUED
    done: int = 0
    total: int = 0
    result: Mapping[str, Any] | None = None
    error: str | None = None

    @property
    def actor(self) -> Actor:
        return Actor(self.actor_kind, self.actor_id, self.org_id, self.actor_role)
