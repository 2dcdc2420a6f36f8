"""``microcred org create --did-method key`` and what follows, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner, Result

from microcred.adapters.db import schema
from microcred.cli.main import app

runner = CliRunner()


@pytest.fixture
def env(cli_env: Engine) -> Engine:
    return cli_env


def _create(slug: str, *extra: str) -> Result:
    return runner.invoke(
        app, ["org", "create", slug, "--name", slug.title(), "--owner", "o@a.org", *extra]
    )


def test_a_did_key_organisation_issues_and_refuses_rotation(env: Engine) -> None:
    created = _create("keyed", "--did-method", "key")
    assert created.exit_code == 0, created.output
    found = re.search(r"issuer\s+(did:key:z6Mk\w+)", created.stdout)
    assert found is not None
    did = found.group(1)
    made = runner.invoke(
        app,
        [
            *("achievement", "create", "--org", "keyed", "--name", "Welding 1"),
            *("--description", "Safe MIG welding.", "--criteria", "Passed.", "--publish"),
        ],
    )
    assert made.exit_code == 0, made.output
    achievement = made.stdout.split("achievement ")[1].split()[0]
    award = ["award", "--org", "keyed", "--achievement", achievement, "--email", "a@example.org"]
    assert runner.invoke(app, award).exit_code == 0
    refused = runner.invoke(app, ["keys", "rotate", "--org", "keyed"])
    assert refused.exit_code == 2
    assert "did:key, whose identifier is its key" in " ".join(refused.output.split())
    with env.connect() as connection:
        documents = connection.execute(select(schema.credentials.c.document)).scalars().all()
        keys = connection.execute(select(schema.signing_keys.c.retired_at)).scalars().all()
    assert [d["issuer"]["id"] for d in documents] == [did]
    assert keys == [None]


def test_the_did_method_is_checked_and_web_stays_the_default(env: Engine) -> None:
    bad = _create("odd", "--did-method", "peer")
    assert bad.exit_code == 2 and "choose web" in " ".join(bad.output.split())
    web = _create("plain")
    assert web.exit_code == 0 and "issuer did:web:badges.example:orgs:plain" in web.stdout
    with env.connect() as connection:
        methods = connection.execute(select(schema.organisations.c.did_method)).scalars().all()
    assert methods == ["web"]
