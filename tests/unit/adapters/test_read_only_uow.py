"""A unit of work opened to read only takes no write lock (SQLite begins it deferred), so
a writer commits while it is open; an ordinary one on SQLite holds the write lock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import OperationalError

from microcred.adapters.db import schema as t
from microcred.adapters.db.uow import SqlUnitOfWork

AT = datetime(2026, 11, 29, tzinfo=UTC)


def _write(engine: Engine) -> None:
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        if engine.dialect.name == "sqlite":  # fail fast instead of waiting 30 s
            raw.execute("PRAGMA busy_timeout=200")  # type: ignore[union-attr]
        try:
            with connection.begin():
                row = {"actor": "t", "action": "x", "detail": {}, "at": AT}
                connection.execute(insert(t.audit_log).values(**row))
        finally:
            if engine.dialect.name == "sqlite":  # the pooled connection as it was
                raw.execute("PRAGMA busy_timeout=30000")  # type: ignore[union-attr]


def _count(uow: SqlUnitOfWork) -> int:
    return int(uow.connection.execute(select(func.count()).select_from(t.audit_log)).scalar_one())


def test_a_writer_commits_while_a_reader_is_open(engine: Engine) -> None:
    with SqlUnitOfWork(engine, read_only=True) as reader:
        before = _count(reader)
        _write(engine)
    with SqlUnitOfWork(engine, read_only=True) as reader:
        assert _count(reader) == before + 1


def test_an_ordinary_unit_of_work_holds_sqlites_write_lock(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL has no database-wide write lock")
    with SqlUnitOfWork(engine) as writer:
        _count(writer)
        with pytest.raises(OperationalError, match="locked"):
            _write(engine)


def test_the_read_only_option_stays_with_its_unit_of_work(engine: Engine) -> None:
    with SqlUnitOfWork(engine, read_only=True):
        pass
    with SqlUnitOfWork(engine) as writer:  # the pooled connection again, not read-only
        writer.connection.execute(insert(t.audit_log).values(actor="t", action="y", at=AT))
        writer.commit()
