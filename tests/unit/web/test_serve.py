"""``microcred serve`` and the app factory it hands to uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from microcred.cli.main import app as cli
from microcred.web.app import app_from_settings

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("MICROCRED_DATA_DIR", str(data))
    monkeypatch.setenv("MICROCRED_BASE_URL", "https://badges.example")
    monkeypatch.setenv("MICROCRED_BOOTSTRAP_TOKEN", "t" * 40)
    for name in ("MICROCRED_DATABASE_URL", "MICROCRED_SECRET_KEY", "MICROCRED_VERIFY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return data


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append((a, k)))
    return calls


def test_serve_migrates_sqlite_then_runs_the_factory(
    env: Path, runs: list[tuple[tuple[Any, ...], dict[str, Any]]]
) -> None:
    result = runner.invoke(cli, ["serve", "--port", "8443", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert (env / "microcred.db").exists()
    (target,), options = runs[0]
    assert target == "microcred.web.app:app_from_settings" and options["factory"] is True
    assert options["host"] == "127.0.0.1" and options["port"] == 8443
    assert options["workers"] == 2 and options["ssl_certfile"] is None

    with TestClient(app_from_settings(), base_url="https://badges.example") as client:
        body = {"slug": "acme", "name": "Acme", "owner_email": "o@acme.example"}
        assert client.post("/api/v1/orgs", json=body).status_code == 401  # token configured
        token = {"Authorization": "Bearer " + "t" * 40}
        assert client.post("/api/v1/orgs", json=body, headers=token).status_code == 201
        assert client.get("/orgs/acme/did.json").status_code == 200


def test_tls_options_go_together(
    env: Path, tmp_path: Path, runs: list[tuple[tuple[Any, ...], dict[str, Any]]]
) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.write_text("cert")
    key.write_text("key")
    alone = runner.invoke(cli, ["serve", "--ssl-certfile", str(cert)])
    assert alone.exit_code == 2 and "both" in alone.output
    missing = runner.invoke(
        cli, ["serve", "--ssl-certfile", str(cert), "--ssl-keyfile", str(tmp_path / "nope")]
    )
    assert missing.exit_code == 2 and "not a file" in missing.output
    both = runner.invoke(cli, ["serve", "--ssl-certfile", str(cert), "--ssl-keyfile", str(key)])
    assert both.exit_code == 0, both.output
    assert runs[-1][1]["ssl_certfile"] == str(cert) and runs[-1][1]["ssl_keyfile"] == str(key)
    assert runs[-1][1]["ssl_certfile"] is not None and len(runs) == 1
