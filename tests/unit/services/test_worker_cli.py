"""``microcred worker`` against a real SQLite data directory, mail into the outbox folder."""

from __future__ import annotations

import email
import email.policy
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from microcred.adapters.db.engine import make_engine
from microcred.cli.main import app
from tests.unit.services.test_worker import enqueue_award, seed_credential

runner = CliRunner()


def data_dir_with_a_job(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    env = {"MICROCRED_DATA_DIR": str(data), "MICROCRED_BASE_URL": "https://badges.example"}
    result = runner.invoke(app, ["db", "upgrade"], env=env)
    assert result.exit_code == 0, result.output
    engine = make_engine(f"sqlite:///{data / 'microcred.db'}")
    try:
        enqueue_award(engine, seed_credential(engine), token="cli-token")
    finally:
        engine.dispose()
    return data


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MICROCRED_DATABASE_URL", "MICROCRED_SECRET_KEY", "MICROCRED_SMTP_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("clean_env")
def test_worker_once_writes_the_email_into_the_outbox(tmp_path: Path) -> None:
    data = data_dir_with_a_job(tmp_path)
    env = {"MICROCRED_DATA_DIR": str(data), "MICROCRED_BASE_URL": "https://badges.example"}
    result = runner.invoke(app, ["worker", "--once"], env=env)
    assert result.exit_code == 0, result.output
    assert "ran 1 job" in result.output and "outbox" in result.output
    (eml,) = (data / "outbox").glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["Subject"] == "You've earned Data Literacy from Acme Academy"
    assert message["From"] == "noreply@badges.example"
    text = message.get_body(("plain",))
    assert text is not None and "https://badges.example/claim/cli-token" in text.get_content()
    again = runner.invoke(app, ["worker", "--once"], env=env)
    assert again.exit_code == 0 and "ran 0 jobs" in again.output


@pytest.mark.usefixtures("clean_env")
def test_a_bad_smtp_url_is_reported(tmp_path: Path) -> None:
    env = {"MICROCRED_DATA_DIR": str(tmp_path), "MICROCRED_SMTP_URL": "smtp://u:hunter2@h?x=1"}
    result = runner.invoke(app, ["worker", "--once"], env=env)
    assert result.exit_code == 2
    assert "unknown parameter 'x'" in result.output and "hunter2" not in result.output


@pytest.mark.usefixtures("clean_env")
def test_the_worker_runs_until_sigterm(tmp_path: Path) -> None:
    data = data_dir_with_a_job(tmp_path)
    env = {**os.environ, "MICROCRED_DATA_DIR": str(data)}
    process = subprocess.Popen(
        [sys.executable, "-m", "microcred.cli.main", "worker", "--poll", "0.1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 10
        while not list((data / "outbox").glob("*.eml")) and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, stderr
    assert "stopped after 1 job" in stderr
    assert len(list((data / "outbox").glob("*.eml"))) == 1
