"""The platform demo (``microcred demo``) on SQLite and PostgreSQL: what it sets up, that a
second run changes nothing and prints the same URLs, and the offline ``--core-only`` mode.

The command is tested through a Typer application of its own, holding ``demo_command`` as
the ``demo`` sub-command (``app.command("demo")(demo_command)``, as in ``microcred``)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from microcred.adapters.db import schema
from microcred.cli.demo import demo_command
from microcred.core.dids import Resolver
from microcred.core.loader import DocumentLoader
from microcred.core.report import Outcome, VerificationReport
from microcred.core.status_list import BitstringStatusChecker
from microcred.core.verify import Verifier, verify_credential
from microcred.domain.achievements import AchievementState
from microcred.domain.awards import StoredCredential
from microcred.domain.model import SYSTEM
from microcred.services.access import login
from microcred.services.achievements import create_achievement, list_achievements
from microcred.services.demo import (
    ACHIEVEMENTS,
    DEMO_NAME,
    DEMO_SLUG,
    OWNER_EMAIL,
    DemoResult,
    cohort_csv,
    set_up_demo,
)
from microcred.services.errors import Conflict
from microcred.services.identity import did_document
from microcred.services.organisations import Platform, create_organisation
from microcred.services.status import status_list_credential
from tests.unit.services.issuing_support import BASE, T0, Clock, make_platform

cli = typer.Typer()
cli.command("demo")(demo_command)


@cli.callback()
def _group() -> None:
    """The demo command as microcred registers it (a sub-command)."""


runner = CliRunner()


def _snapshot(engine: Engine) -> dict[str, list[str]]:
    """Every row of every table (a run that changes nothing leaves it equal)."""
    with engine.connect() as connection:
        return {
            table.name: sorted(repr(tuple(row)) for row in connection.execute(select(table)))
            for table in schema.metadata.sorted_tables
        }


def _verifier(platform: Platform, result: DemoResult, loader: DocumentLoader) -> Verifier:
    """Resolves the demo's did:web from the database; reads its signed status lists."""
    with platform.uow() as uow:
        document = did_document(result.did, uow.keys.for_org(result.org.id))
    base = Verifier(
        loader=loader, resolver=Resolver(documents={result.did: document}), now=platform.clock
    )

    def fetch_list(url: str) -> dict[str, Any]:
        return status_list_credential(platform, url.rsplit("/", 1)[1], loader=loader)

    checker = BitstringStatusChecker(
        fetch_list=fetch_list, verify_list=lambda doc: verify_credential(doc, verifier=base)
    )
    return replace(base, status_checker=checker)


def _failed(report: VerificationReport) -> list[str]:
    return [c.name for c in report.checks if c.outcome is Outcome.FAIL]


# --------------------------------------------------------------------------- the service


def test_sets_up_the_demo_once(engine: Engine, loader: DocumentLoader) -> None:
    platform = make_platform(engine, Clock())
    progress: list[tuple[str, int, int]] = []
    first = set_up_demo(
        platform, progress=lambda *step: progress.append(step), password=lambda: "pw-1"
    )

    assert (first.org.slug, first.org.name) == (DEMO_SLUG, DEMO_NAME)
    assert first.owner_password == "pw-1" and first.changed and first.issued == 20
    assert login(platform, OWNER_EMAIL, "pw-1").user.email == OWNER_EMAIL
    assert [a.state for a in first.achievements] == [AchievementState.PUBLISHED] * 3
    for achievement in first.achievements:
        assert achievement.fields.criteria_narrative and achievement.fields.alignments
    assert len(first.credentials) == 20 == len({c.id for c in first.credentials})
    assert [c.id for c in first.credentials if c.revoked] == [first.revoked.id]
    assert [c.id for c in first.credentials if c.suspended] == [first.suspended.id]
    names = [spec.fields.name for spec in ACHIEVEMENTS]
    assert {p[0] for p in progress} == set(names) and (names[0], 8, 8) in progress

    urls = first.urls
    assert urls.did_document == f"{BASE}/orgs/demo/did.json"
    assert urls.profile == f"{BASE}/orgs/demo" and urls.docs == f"{BASE}/docs"
    assert urls.credential == f"{BASE}/credentials/{first.shown.id}"
    assert first.shown.document["id"] == urls.credential
    lists = {e["statusListCredential"] for e in first.revoked.document["credentialStatus"]}
    assert urls.status_list in lists and urls.status_list.startswith(f"{BASE}/status/")

    before = _snapshot(engine)
    second = set_up_demo(platform, password=lambda: pytest.fail("no new password"))
    assert _snapshot(engine) == before
    assert second.owner_password is None and not second.changed and second.issued == 0
    assert second.urls == first.urls
    assert [c.id for c in second.credentials] == [c.id for c in first.credentials]
    sizes = {name: len(rows) for name, rows in before.items()}
    assert sizes["credentials"] == 20 and sizes["organisations"] == 1
    assert sizes["achievements"] == 3 and sizes["users"] == 1 and sizes["status_lists"] == 2

    verifier = _verifier(platform, second, loader)

    def verify(credential: StoredCredential) -> VerificationReport:
        return verify_credential(dict(credential.document), verifier=verifier)

    assert second.shown.document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert second.shown.document["issuer"]["id"] == second.did
    shown = verify(second.shown)
    assert shown.verified, shown.checks
    assert _failed(verify(second.revoked)) == ["status"]
    assert _failed(verify(second.suspended)) == ["status"]


def test_finishes_what_an_interrupted_run_left(engine: Engine) -> None:
    """A draft achievement and half a cohort (as a crash would leave them) are completed."""
    clock = Clock()
    platform = make_platform(engine, clock)
    org = create_organisation(
        platform, name=DEMO_NAME, slug=DEMO_SLUG, owner_email=OWNER_EMAIL, owner_password="x"
    )
    draft = create_achievement(platform, SYSTEM, org.id, ACHIEVEMENTS[0].fields)
    result = set_up_demo(platform)
    assert result.owner_password is None  # the owner had a password already
    assert result.achievements[0].id == draft.id
    assert result.achievements[0].state is AchievementState.PUBLISHED
    assert result.issued == 20 and result.changed
    states = [a.state for a in list_achievements(platform, SYSTEM, org.id)]
    assert states == [AchievementState.PUBLISHED] * 3


def test_refuses_a_demo_slug_taken_by_another_organisation(engine: Engine) -> None:
    platform = make_platform(engine, Clock())
    create_organisation(platform, name="Not the demo", slug=DEMO_SLUG, owner_email="o@x.example")
    with pytest.raises(Conflict, match="belongs to another organisation"):
        set_up_demo(platform)


def test_cohort_files_have_fixed_keys_and_past_dates() -> None:
    data = cohort_csv(ACHIEVEMENTS[0], T0).decode()
    lines = data.splitlines()
    assert lines[0] == "email,name,issued_on,idempotency_key"
    assert lines[1] == (
        "ada.lovelace@learners.example,Ada Lovelace,2026-02-17,"
        "demo:python-data-analysis:ada.lovelace@learners.example"
    )
    assert len(lines) == 1 + len(ACHIEVEMENTS[0].learners)
    assert sum(len(spec.learners) for spec in ACHIEVEMENTS) == 20


# --------------------------------------------------------------------------- the command


@pytest.fixture
def env(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("MICROCRED_DATA_DIR", str(data))
    monkeypatch.setenv("MICROCRED_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("MICROCRED_BASE_URL", "http://127.0.0.1:8000")
    monkeypatch.setenv("MICROCRED_SECRET_KEY", "demo test secret")
    monkeypatch.delenv("MICROCRED_VERIFY_TOKEN", raising=False)
    return data


URL = re.compile(r"http://127\.0\.0\.1:8000/\S+")


def test_command_sets_up_then_prints_the_same_urls(env: Path) -> None:
    first = runner.invoke(cli, ["demo"])
    assert first.exit_code == 0, first.output
    out = first.stdout
    assert "database is up to date" in out and "Demo Academy (demo)" in out
    password = re.search(r"password (\S+) \(shown once", out)
    assert password is not None and len(password.group(1)) >= 16
    assert "20 credentials: 18 valid, 1 revoked, 1 suspended" in out
    assert "this run issued 20" in out
    urls = URL.findall(out)
    assert "http://127.0.0.1:8000/orgs/demo/did.json" in urls
    assert "http://127.0.0.1:8000/orgs/demo" in urls and "http://127.0.0.1:8000/docs" in urls
    assert sum(u.startswith("http://127.0.0.1:8000/credentials/") for u in urls) >= 3
    assert any(u.startswith("http://127.0.0.1:8000/status/") for u in urls)
    assert "microcred verify --allow-fetch" in out and "/credentials/verify" in out

    credential = json.loads((env / "demo" / "credential.json").read_text(encoding="utf-8"))
    assert credential["id"] in urls and credential["proof"]["proofValue"]
    request = json.loads((env / "demo" / "verify-request.json").read_text(encoding="utf-8"))
    assert request == {"verifiableCredential": credential}

    second = runner.invoke(cli, ["demo"])
    assert second.exit_code == 0, second.output
    assert URL.findall(second.stdout) == urls
    assert password.group(1) not in second.stdout and "nothing changed" in second.stdout


def test_command_with_an_https_base_url_prints_a_verify_command(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MICROCRED_BASE_URL", "https://badges.example")
    monkeypatch.setenv("MICROCRED_VERIFY_TOKEN", "t")
    result = runner.invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    found = re.search(r"microcred verify --allow-fetch badges\.example (\S+)", result.stdout)
    assert found is not None and found.group(1).startswith("https://badges.example/credentials/")
    assert "Authorization: Bearer <verify token>" in result.stdout


def test_command_reports_a_service_error(env: Path, engine: Engine) -> None:
    platform = make_platform(engine, Clock())
    create_organisation(platform, name="Someone", slug=DEMO_SLUG, owner_email="o@x.example")
    result = runner.invoke(cli, ["demo"])
    assert result.exit_code == 2
    assert "belongs to another organisation" in result.output


@pytest.mark.parametrize("args", [["--core-only"], ["--out", "OUT"]])
def test_core_only_needs_no_database(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MICROCRED_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    args = [str(tmp_path / "core") if a == "OUT" else a for a in args]
    result = runner.invoke(cli, ["demo", *args])
    assert result.exit_code == 0, result.output
    assert "NOT VERIFIED" in result.stdout and result.stdout.count("VERIFIED") >= 4
    assert (tmp_path / "core" / "credential.json").exists() == ("--out" in args)


def test_command_reports_an_unreachable_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MICROCRED_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MICROCRED_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    result = runner.invoke(cli, ["demo"])
    assert result.exit_code == 2 and "error:" in result.output
