"""Shared fixtures: paths to the vectors, a fixed clock, loaders."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from microcred.core.loader import DocumentLoader

VECTORS = Path(__file__).parent / "vectors"


def load_json(path: Path | str) -> Any:
    return json.loads((VECTORS / path).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def loader() -> DocumentLoader:
    return DocumentLoader()


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)


# --------------------------------------------------------------------------- databases
# Every database test runs on SQLite and on PostgreSQL.  PostgreSQL is required (CI starts
# it); MICROCRED_TEST_POSTGRES_URL points elsewhere, and only the explicit value "skip"
# leaves that leg out on a machine without PostgreSQL.

import os  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402

from sqlalchemy import Engine, create_engine, text  # noqa: E402

from microcred.adapters.db import schema  # noqa: E402
from microcred.adapters.db.engine import make_engine, upgrade  # noqa: E402

POSTGRES_ADMIN_URL = os.environ.get(
    "MICROCRED_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_engine() -> Iterator[Engine]:
    if POSTGRES_ADMIN_URL == "skip":
        pytest.skip("MICROCRED_TEST_POSTGRES_URL=skip: the PostgreSQL leg was left out")
    name = f"microcred_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name)
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def migrated_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A freshly migrated database of each kind, once per test session."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "microcred.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        yield engine
        engine.dispose()
    else:
        for engine in _postgres_engine():
            upgrade(engine)
            yield engine


@pytest.fixture
def engine(migrated_engine: Engine) -> Iterator[Engine]:
    """The session's database, emptied after each test."""
    yield migrated_engine
    with migrated_engine.begin() as connection:
        for table in reversed(schema.metadata.sorted_tables):
            connection.execute(table.delete())
