"""``microcred org create`` prints a one-time link where the new owner chooses a password
(an owner made from the command line has none), on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from sqlalchemy import Engine
from typer.testing import CliRunner

from microcred.adapters.db.uow import SqlUnitOfWork
from microcred.bootstrap import build_platform
from microcred.cli.main import app
from microcred.services.access import login
from microcred.services.members import accept_invitation, owner_invitation
from microcred.settings import Settings

runner = CliRunner()


def test_the_printed_link_lets_the_owner_choose_a_password(cli_env: Engine) -> None:
    result = runner.invoke(app, ["org", "create", "acme", "--name", "Acme", "--owner", "o@a.org"])
    assert result.exit_code == 0, result.output
    found = re.search(r"https://badges\.example/invitations/(\S+)", result.output)
    assert found is not None, result.output
    platform = build_platform(Settings.from_env())
    joined = accept_invitation(platform, found[1], name="Olga", password="a long password")
    assert joined.organisation.slug == "acme"
    assert login(platform, "o@a.org", "a long password").user.name == "Olga"
    with SqlUnitOfWork(cli_env) as uow:
        org = uow.organisations.by_slug("acme")
    assert org is not None
    assert owner_invitation(platform, org.id) is None  # the owner can sign in now


def test_no_link_for_an_owner_who_can_sign_in_already(cli_env: Engine) -> None:
    runner.invoke(app, ["org", "create", "acme", "--name", "Acme", "--owner", "o@a.org"])
    platform = build_platform(Settings.from_env())
    with SqlUnitOfWork(cli_env) as uow:
        org = uow.organisations.by_slug("acme")
    assert org is not None
    token = owner_invitation(platform, org.id)
    assert token is not None
    accept_invitation(platform, token, name="Olga", password="a long password")
    second = runner.invoke(app, ["org", "create", "beta", "--name", "Beta", "--owner", "o@a.org"])
    assert second.exit_code == 0
    assert "/invitations/" not in second.output
