"""The durable job queue on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from microcred.adapters.db.uow import SqlUnitOfWork

T0 = datetime(2026, 1, 1, tzinfo=UTC)
LEASE = timedelta(minutes=5)


def test_enqueued_with_the_change_or_not_at_all(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        uow.jobs.enqueue("email", {"to": "a@example.org"}, T0)
        # no commit: the change and its job vanish together
    with SqlUnitOfWork(engine) as uow:
        assert uow.jobs.claim(T0, LEASE) is None


def test_claim_complete_retry_and_give_up(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        first = uow.jobs.enqueue("email", {"n": 1}, T0)
        uow.jobs.enqueue("webhook", {"n": 2}, T0 + timedelta(hours=1))
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        job = uow.jobs.claim(T0, LEASE)
        assert job is not None and job.id == first and job.attempts == 1
        assert job.payload == {"n": 1}
        assert uow.jobs.claim(T0, LEASE) is None  # the other is not due yet
        uow.jobs.fail(job.id, "smtp down", retry_at=T0 + timedelta(minutes=1))
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        again = uow.jobs.claim(T0 + timedelta(minutes=2), LEASE, kinds=("email",))
        assert again is not None and again.attempts == 2
        uow.jobs.fail(again.id, "still down", retry_at=None)
        later = uow.jobs.claim(T0 + timedelta(hours=2), LEASE)
        assert later is not None and later.kind == "webhook"
        uow.jobs.complete(later.id)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.jobs.counts() == {"failed": 1, "done": 1}


def test_a_dead_worker_s_job_is_claimed_again_after_its_lease(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        uow.jobs.enqueue("email", {}, T0)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.jobs.claim(T0, LEASE) is not None
        uow.commit()  # the worker then dies without completing
    with SqlUnitOfWork(engine) as uow:
        assert uow.jobs.claim(T0 + timedelta(minutes=1), LEASE) is None
        retaken = uow.jobs.claim(T0 + timedelta(minutes=6), LEASE)
        assert retaken is not None and retaken.attempts == 2
