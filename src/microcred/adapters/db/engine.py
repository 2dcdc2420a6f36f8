"""Engines and migrations for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DataError

MIGRATIONS = Path(__file__).parent / "migrations"
#: Execution option of a connection whose transaction only reads.
READ_ONLY = "microcred_read_only"


def make_engine(url: str, **options: Any) -> Engine:
    """An engine; SQLite gets foreign keys, WAL and a busy timeout (several processes)."""
    if url.startswith("sqlite"):
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        event.listen(engine, "before_cursor_execute", _sqlite_refuse_nul)
        return engine
    return create_engine(url, pool_pre_ping=True, **options)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # transactions are begun explicitly below
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode, NORMAL syncs the WAL at checkpoints rather than at every commit: a
    # committed transaction survives a crash of the process (it is in the WAL file, which
    # the next connection recovers), and only a power loss or OS crash may roll back the
    # last commits (never corrupting the database).  Re-running a bulk file then issues
    # them again under the same idempotency keys.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Read the database through a memory map (up to 256 MB) rather than read() calls.
    # Each time another process has written, a connection drops its page cache at its
    # next transaction and reads the pages again: measured with two processes awarding at
    # once, mapped reads took a fifth off the CPU per credential.  Writes still go through
    # the WAL file as before.
    cursor.execute("PRAGMA mmap_size=268435456")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    """Take SQLite's write lock at BEGIN, so concurrent writers queue instead of failing;
    a unit of work opened to read only (:data:`READ_ONLY`) begins without it (in WAL mode
    it reads a snapshot while others write)."""
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


#: What PostgreSQL says of a NUL character in text, which SQLite would store.
NUL_MESSAGE = "text fields cannot contain NUL (0x00) bytes"


def refuse_nul(statement: str, parameters: Any, many: bool) -> None:
    """Raise PostgreSQL's error for a NUL character in a text value: SQLite stores one
    where PostgreSQL refuses it, and the two must behave alike (the web interface answers
    it 422, see ``web/problems.py``)."""
    for row in parameters if many else [parameters]:
        values = row.values() if isinstance(row, Mapping) else row or ()
        if any(isinstance(value, str) and "\x00" in value for value in values):
            raise DataError(statement, parameters, ValueError(NUL_MESSAGE))


def _sqlite_refuse_nul(
    _connection: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool
) -> None:
    refuse_nul(statement, parameters, many)


def alembic_config(connection: Any) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (the newest by default)."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)
