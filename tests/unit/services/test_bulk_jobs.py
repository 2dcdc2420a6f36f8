"""Bulk awards in the background, on SQLite and PostgreSQL: the file is checked when it
arrives, kept, awarded by the worker through the job queue (its emails queued after it),
completed by a later try after a half-done one, and readable by its organisation only."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from microcred.adapters.db import schema
from microcred.core.loader import DocumentLoader
from microcred.domain.bulk_jobs import BulkState
from microcred.domain.model import Actor, Role
from microcred.services.achievements import retire_achievement
from microcred.services.bulk_awards import bulk_award
from microcred.services.bulk_jobs import KIND, get_bulk_job, run_bulk_job, submit_bulk_award
from microcred.services.errors import NotFound, PermissionDenied
from microcred.services.worker import LEASE, run_due, run_once
from tests.unit.services.issuing_support import World, counts, make_world
from tests.unit.services.test_worker import Recorder


@pytest.fixture
def world(engine: Engine, loader: DocumentLoader) -> World:
    return make_world(engine, loader)


def _issuer(world: World) -> Actor:
    return Actor("api_key", "key-1", world.org.id, Role.ISSUER)


def _csv(n: int, *extra: str) -> bytes:
    rows = [f"l{i}@example.org,Learner {i}" for i in range(n)]
    return ("email,name\n" + "\n".join([*rows, *extra]) + "\n").encode()


def _audit(engine: Engine) -> list[tuple[str, str]]:
    a = schema.audit_log
    with engine.connect() as connection:
        rows = connection.execute(select(a.c.action, a.c.actor).order_by(a.c.id)).all()
    return [(action, actor) for action, actor in rows if action.startswith("awards.bulk")]


def test_the_worker_awards_a_file_sent_to_the_background(world: World, engine: Engine) -> None:
    job, check = submit_bulk_award(
        world.platform, _issuer(world), world.org.id, world.achievement_id, _csv(7)
    )
    assert job is not None and check.pending == 7 and not check.errors
    queued = get_bulk_job(world.platform, world.viewer(), world.org.id, job.id)
    assert (queued.state, queued.done, queued.total, queued.result) == (
        BulkState.QUEUED,
        0,
        7,
        None,
    )
    assert counts(engine) == {"credentials": 0, "status_entries": 0, "jobs": 1}
    mailer = Recorder()
    assert run_once(world.platform, mailer)  # the bulk award: its emails are queued after it
    done = get_bulk_job(world.platform, world.viewer(), world.org.id, job.id)
    assert done.state is BulkState.DONE and done.done == done.total == 7
    assert done.result is not None and len(done.result["issued"]) == 7
    assert done.result["complete"] and done.error is None
    with world.platform.uow() as uow:
        assert uow.bulk_awards.data(job.id) == b""
    assert counts(engine)["credentials"] == 7 and not mailer.sent
    assert run_due(world.platform, mailer) == 7
    assert sorted(str(m["To"]) for m in mailer.sent) == sorted(
        f"l{i}@example.org" for i in range(7)
    )
    assert _audit(engine) == [
        ("awards.bulk", "api_key:key-1"),
        ("awards.bulk.done", "api_key:key-1"),
    ]


def test_a_file_with_bad_rows_is_refused_unless_they_are_skipped(
    world: World, engine: Engine
) -> None:
    data = _csv(3, "not-an-email,Bad Row")
    refused, check = submit_bulk_award(
        world.platform, _issuer(world), world.org.id, world.achievement_id, data
    )
    assert refused is None and [e.line for e in check.errors] == [5]
    assert counts(engine)["jobs"] == 0 and _audit(engine) == []
    kept, _ = submit_bulk_award(
        world.platform,
        _issuer(world),
        world.org.id,
        world.achievement_id,
        data,
        skip_bad_rows=True,
    )
    assert kept is not None
    run_once(world.platform, Recorder())
    done = get_bulk_job(world.platform, world.viewer(), world.org.id, kept.id)
    assert done.result is not None and len(done.result["issued"]) == 3
    assert [e["line"] for e in done.result["errors"]] == [5] and not done.result["complete"]


def test_a_later_try_completes_a_half_done_one_and_issues_nothing_twice(
    world: World, engine: Engine
) -> None:
    job, _ = submit_bulk_award(
        world.platform, _issuer(world), world.org.id, world.achievement_id, _csv(10)
    )
    assert job is not None
    # an earlier try that died after four rows (the same rows, the same keys)
    bulk_award(world.platform, _issuer(world), world.org.id, world.achievement_id, _csv(4))
    with world.platform.uow() as uow:
        claimed = uow.jobs.claim(world.clock(), LEASE, (KIND,))
        uow.commit()
    assert claimed is not None
    run_bulk_job(world.platform, claimed, lease=LEASE)
    run_bulk_job(world.platform, claimed, lease=LEASE)  # finished, then died: nothing more
    done = get_bulk_job(world.platform, world.viewer(), world.org.id, job.id)
    assert done.result is not None
    assert (len(done.result["issued"]), len(done.result["already_issued"])) == (6, 4)
    assert counts(engine)["credentials"] == 10


def test_an_achievement_retired_meanwhile_fails_the_job_for_good(
    world: World, engine: Engine
) -> None:
    job, _ = submit_bulk_award(
        world.platform, _issuer(world), world.org.id, world.achievement_id, _csv(2)
    )
    assert job is not None
    retire_achievement(world.platform, _issuer(world), world.achievement_id)
    run_once(world.platform, Recorder())
    failed = get_bulk_job(world.platform, world.viewer(), world.org.id, job.id)
    assert failed.state is BulkState.FAILED and failed.result is None
    assert failed.error is not None and "retired" in failed.error
    assert counts(engine)["credentials"] == 0
    with world.platform.uow() as uow:
        assert uow.bulk_awards.data(job.id) == b""  # its email addresses are not kept
    assert not run_once(world.platform, Recorder())  # not tried again


def test_only_its_organisation_reads_it(
    world: World, engine: Engine, loader: DocumentLoader
) -> None:
    job, _ = submit_bulk_award(
        world.platform, _issuer(world), world.org.id, world.achievement_id, _csv(1)
    )
    assert job is not None
    other = make_world(engine, loader, slug="globex")
    with pytest.raises(PermissionDenied):
        get_bulk_job(world.platform, other.viewer(), world.org.id, job.id)
    with pytest.raises(NotFound):
        get_bulk_job(other.platform, other.viewer(), other.org.id, job.id)
    with pytest.raises(NotFound):
        get_bulk_job(world.platform, world.viewer(), world.org.id, "no-such-id")
    with pytest.raises(PermissionDenied):
        submit_bulk_award(world.platform, world.viewer(), world.org.id, world.achievement_id, b"")
