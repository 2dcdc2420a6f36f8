"""Crash safety of a bulk award sent to the background: ``microcred worker`` is killed with
SIGKILL (its process group: the worker and the processes it forked to sign) half-way
through the file, on SQLite and on PostgreSQL.  Once the job's lease has run out another
worker takes it again and completes it: one credential per row, no status position
given twice, one email job per credential, and the outcome kept once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from microcred.adapters.db import schema as t
from microcred.domain.bulk_jobs import BulkState
from microcred.domain.model import SYSTEM
from microcred.services.bulk_jobs import KIND, get_bulk_job, submit_bulk_award
from microcred.services.worker import LEASE, run_once
from tests.integration.test_crash_safety import (
    _group_ended,
    _issued,
    _rows,
    _setup,
    check_status,
)
from tests.unit.services.test_worker import Recorder

ROWS = 1_500
#: Credentials in the database when the worker is killed.
KILL_AT = 500


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "microcred.cli.main", "worker", "--once"]
    with log.open("wb") as output:
        return subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )


def _wait_for(engine: Engine, target: int, worker: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while _issued(engine) < target:
        if worker.poll() is not None:
            pytest.fail(f"the worker ended (exit {worker.returncode}):\n{log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"only {_issued(engine)} credentials after 120 s:\n{log.read_text()}")
        time.sleep(0.02)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_worker_killed_half_way_leaves_the_file_to_the_next(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    engine: Engine = request.getfixturevalue(f"{kind}_engine")
    setup = _setup(engine, tmp_path, ROWS)
    setup.env["MICROCRED_BULK_PROCESSES"] = "2"
    data = setup.csv.read_bytes()
    job, _ = submit_bulk_award(setup.platform, SYSTEM, setup.org_id, setup.achievement_id, data)
    assert job is not None

    log = tmp_path / "worker.log"
    worker = _worker(setup.env, log)
    try:
        _wait_for(setup.reader, KILL_AT, worker, log)
    finally:
        if worker.poll() is None:  # the worker and the processes it forked (its group)
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    assert _group_ended(worker.pid, 10.0), "the worker's signing processes outlived it"
    killed_at = _issued(setup.reader)
    assert KILL_AT <= killed_at < ROWS, f"{killed_at} credentials when killed"
    halfway = get_bulk_job(setup.platform, SYSTEM, setup.org_id, job.id)
    assert halfway.state is BulkState.RUNNING and halfway.result is None

    # its lease has not run out: nobody takes it yet; once it has, the next worker does
    with setup.platform.uow() as uow:  # (rolled back)
        assert uow.jobs.claim(setup.platform.clock(), LEASE, (KIND,)) is None
    later = setup.platform.clock() + LEASE + timedelta(minutes=1)
    assert run_once(setup.platform, Recorder(), now=later)
    done = get_bulk_job(setup.platform, SYSTEM, setup.org_id, job.id)
    assert done.state is BulkState.DONE and done.result is not None, done
    issued, before = done.result["issued"], done.result["already_issued"]
    assert len(issued) + len(before) == ROWS and not set(issued) & set(before)
    assert len(before) >= killed_at and not done.result["errors"]

    c = t.credentials.c
    credentials = _rows(setup.reader, c.id, c.idempotency_key, c.document)
    keys = Counter(row.idempotency_key for row in credentials)
    assert set(keys) == set(setup.rows) and max(keys.values()) == 1
    check_status(setup, credentials)
    j = t.jobs.c
    jobs = _rows(setup.reader, j.kind, j.state, j.payload)
    emails = Counter(row.payload["credential_id"] for row in jobs if row.kind == "email.award")
    assert set(emails) == {row.id for row in credentials} and max(emails.values()) == 1
    a = t.audit_log.c
    with setup.reader.connect() as connection:
        actions = Counter(connection.execute(select(a.action)).scalars())
    assert actions["awards.bulk"] == 1 and actions["awards.bulk.done"] == 1
    assert actions["credential.award"] == ROWS
