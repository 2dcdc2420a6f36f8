"""``microcred db upgrade`` and ``org create`` against a real SQLite data directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from microcred.cli.main import app

runner = CliRunner()


def test_upgrade_then_create_an_organisation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MICROCRED_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MICROCRED_BASE_URL", "https://badges.example")
    monkeypatch.delenv("MICROCRED_DATABASE_URL", raising=False)
    monkeypatch.delenv("MICROCRED_SECRET_KEY", raising=False)
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "microcred.db").exists()
    result = runner.invoke(
        app, ["org", "create", "acme", "--name", "Acme", "--owner", "o@acme.example"]
    )
    assert result.exit_code == 0, result.output
    assert "did:web:badges.example:orgs:acme" in result.stdout
    assert (tmp_path / "data" / "vault.key").exists()
    again = runner.invoke(
        app, ["org", "create", "acme", "--name", "Acme", "--owner", "o@acme.example"]
    )
    assert again.exit_code == 2 and "taken" in again.output
