"""``microcred achievement``, ``award``, ``revoke`` and ``keys rotate`` on SQLite and
PostgreSQL (the commands build their platform from the environment, as in production)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from microcred.adapters.db import schema
from microcred.cli.main import app

runner = CliRunner()


@pytest.fixture
def env(cli_env: Engine) -> Engine:
    result = runner.invoke(app, ["org", "create", "acme", "--name", "Acme", "--owner", "o@a.org"])
    assert result.exit_code == 0, result.output
    return cli_env


def _achievement(*extra: str) -> str:
    result = runner.invoke(
        app,
        [
            "achievement",
            "create",
            "--org",
            "acme",
            "--name",
            "Welding 1",
            "--description",
            "Safe MIG welding.",
            "--criteria",
            "Passed the practical.",
            "--tag",
            "welding",
            "--valid-months",
            "24",
            *extra,
        ],
    )
    assert result.exit_code == 0, result.output
    found = re.search(r"achievement (\S+) \((\w+)\)", result.stdout)
    assert found is not None
    return found.group(1)


def test_create_award_revoke_rotate(env: Engine) -> None:
    draft = _achievement()
    refused = runner.invoke(
        app, ["award", "--org", "acme", "--achievement", draft, "--email", "a@example.org"]
    )
    assert refused.exit_code == 2 and "only a published achievement" in refused.output
    assert runner.invoke(app, ["achievement", "publish", draft]).exit_code == 0
    award = ["award", "--org", "acme", "--achievement", draft, "--email", "a@example.org"]
    first = runner.invoke(app, award)
    assert first.exit_code == 0, first.output
    url = first.stdout.split("issued: ")[1].strip()
    assert url.startswith("https://badges.example/credentials/")
    again = runner.invoke(app, award)
    assert "already issued" in again.stdout and url in again.stdout

    revoked = runner.invoke(app, ["revoke", url, "--reason", "mistake"])
    assert revoked.exit_code == 0 and "revoked" in revoked.stdout
    twice = runner.invoke(app, ["revoke", url, "--reason", "mistake"])
    assert twice.exit_code == 2 and "permanent" in twice.output

    rotated = runner.invoke(app, ["keys", "rotate", "--org", "acme"])
    assert rotated.exit_code == 0 and "now signs with key-" in rotated.stdout
    with env.connect() as connection:
        keys = connection.execute(select(schema.signing_keys.c.retired_at)).scalars().all()
        revoked_flags = connection.execute(select(schema.credentials.c.revoked)).scalars().all()
    assert sorted(k is None for k in keys) == [False, True]
    assert revoked_flags == [True]


def test_csv_dry_run_all_or_nothing_and_skip(env: Engine, tmp_path: Path) -> None:
    achievement = _achievement("--publish")
    csv = tmp_path / "people.csv"
    csv.write_text("email,name\na@example.org,Ann\nx@,Bad\nb@example.org,Bob\n", encoding="utf-8")
    base = ["award", "--org", "acme", "--achievement", achievement, "--csv", str(csv)]

    dry = runner.invoke(app, [*base, "--dry-run"])
    assert dry.exit_code == 1
    assert "dry run: 2 would be issued, 0 already issued, 1 bad rows" in dry.stdout
    assert 'line 3, column email: "x@" is not an email address' in dry.stdout
    strict = runner.invoke(app, base)
    assert strict.exit_code == 1 and "nothing was issued" in strict.stdout
    skip = runner.invoke(app, [*base, "--skip-bad-rows"])
    assert skip.exit_code == 1 and "issued 2, already issued 0, bad rows 1" in skip.stdout
    with env.connect() as connection:
        assert len(connection.execute(select(schema.credentials.c.id)).all()) == 2

    csv.write_text("email\nc@example.org\n", encoding="utf-8")
    clean = runner.invoke(app, base)
    assert clean.exit_code == 0 and "issued 1, already issued 0, bad rows 0" in clean.stdout
    neither = runner.invoke(app, ["award", "--org", "acme", "--achievement", achievement])
    assert neither.exit_code == 2 and "either --email or --csv" in neither.output
    missing = runner.invoke(app, [*base[:-1], str(tmp_path / "none.csv")])
    assert missing.exit_code == 2 and "cannot read" in missing.output
