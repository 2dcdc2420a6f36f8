"""The command line's environment: a test database, a data folder, a base URL, a secret."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine


@pytest.fixture
def cli_env(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """``microcred`` run in this test talks to ``engine``; its data folder is fresh."""
    monkeypatch.setenv("MICROCRED_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MICROCRED_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("MICROCRED_BASE_URL", "https://badges.example")
    monkeypatch.setenv("MICROCRED_SECRET_KEY", "cli test secret")
    return engine
