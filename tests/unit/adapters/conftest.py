"""Fixtures of the adapter tests: new, empty databases for the migration tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from microcred.adapters.db.engine import make_engine
from tests.conftest import _postgres_engine


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A new, empty database of each kind (not the session's migrated one)."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
        yield engine
        engine.dispose()
    else:
        yield from _postgres_engine()


@pytest.fixture
def fresh_postgres() -> Iterator[Engine]:
    """A new, empty PostgreSQL database (for what only PostgreSQL has)."""
    yield from _postgres_engine()
