"""Fixtures of the integration tests: migrated databases of their own (a file on SQLite,
a new database on PostgreSQL) that the commands they start can reach."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from microcred.adapters.db.engine import make_engine, upgrade
from tests.conftest import _postgres_engine


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'integration.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def postgresql_engine() -> Iterator[Engine]:
    for engine in _postgres_engine():
        upgrade(engine)
        yield engine
