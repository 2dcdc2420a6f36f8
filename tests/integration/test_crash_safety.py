"""Crash safety of bulk issuance: ``microcred award --csv`` killed with SIGKILL and re-run.

A CSV of :data:`ROWS` recipients is awarded by the real command in a subprocess, which is
killed with SIGKILL :data:`KILLS` times at random moments and re-run after each kill; a
last run completes the file.  Then the database must hold exactly one credential per row,
signed, each with its revocation and its suspension entry (the ones its document names),
no (list, position) given twice, list counters equal to the positions handed out, one
``credential.award`` audit entry and one ``email.award`` job per credential; a sample of
the credentials must verify.  On SQLite and PostgreSQL, and on PostgreSQL with four
workers processing the same file at once (idempotency keys make them cooperate), a random
subset of them killed at each of the moments and started again.

Four workers going through the same file in the same order meet on every row (one issues
it, the other three wait for its commit and find it issued), which on two cores costs
about three times a single worker's time per row: their file has :data:`WORKER_ROWS`
rows, to keep the whole module within about four minutes on such a machine.

The kill moments are spread over the whole file: each waits until the database holds a
random number of credentials, then a random fraction of a row's time more, so a kill
lands anywhere in a row's transaction (signing, inserting, committing) or while a
restarted run skips the rows already issued.  ``MICROCRED_CRASH_SEED`` replays a run;
``MICROCRED_CRASH_ROWS`` and ``MICROCRED_CRASH_WORKER_ROWS`` change the sizes of the files.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

import pytest
from sqlalchemy import Engine, create_engine, func, select

from microcred.adapters.db import schema as t
from microcred.adapters.db.engine import make_engine, upgrade
from microcred.bootstrap import build_platform
from microcred.core.dids import Resolver
from microcred.core.loader import DocumentLoader
from microcred.core.report import Outcome
from microcred.core.status_list import BitstringStatusChecker
from microcred.core.verify import Verifier, verify_credential
from microcred.domain.achievements import AchievementFields
from microcred.domain.awards import derive_idempotency_key
from microcred.domain.model import SYSTEM
from microcred.services.achievements import create_achievement, publish_achievement
from microcred.services.identity import did_document, issuer_did
from microcred.services.organisations import Platform, create_organisation
from microcred.services.status import status_list_credential
from microcred.settings import Settings
from tests.conftest import _postgres_engine

pytestmark = pytest.mark.integration

ROWS = int(os.environ.get("MICROCRED_CRASH_ROWS", "5000"))
WORKER_ROWS = int(os.environ.get("MICROCRED_CRASH_WORKER_ROWS", "2000"))
KILLS = 10
WORKERS = 4
#: Credentials whose proof and status are verified after the run.
SAMPLE = 25
BASE_URL = "https://crash.example"
POLL = 0.05
#: A run that neither progresses nor ends for this long is a failure (a stuck lock).
STALL = 120.0


@dataclass
class Setup:
    engine: Engine
    #: Reads while the runs write (on SQLite without BEGIN IMMEDIATE: a reader must not
    #: queue for the write lock, nor slow the writer down).
    reader: Engine
    rows: int
    platform: Platform
    env: dict[str, str]
    csv: Path
    org_id: str
    achievement_id: str
    keys: set[str]
    rng: random.Random
    seed: int
    log: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        self.log.append(text)

    def report(self) -> str:
        return f"seed {self.seed} (MICROCRED_CRASH_SEED replays it)\n" + "\n".join(self.log)


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'crash.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def postgresql_engine() -> Iterator[Engine]:
    for engine in _postgres_engine():
        upgrade(engine)
        yield engine


def _setup(engine: Engine, tmp_path: Path, rows: int) -> Setup:
    env = {
        **os.environ,
        "MICROCRED_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "MICROCRED_DATA_DIR": str(tmp_path / "data"),
        "MICROCRED_BASE_URL": BASE_URL,
        "MICROCRED_SECRET_KEY": "crash safety secret",
    }
    platform = build_platform(Settings.from_env(env), engine)
    org = create_organisation(
        platform, name="Crash Academy", slug="crash", owner_email="owner@crash.example"
    )
    fields = AchievementFields(
        name="Survives SIGKILL",
        description="Issued while the issuer is killed again and again.",
        criteria_narrative="Be one row of a large CSV file.",
    )
    draft = create_achievement(platform, SYSTEM, org.id, fields)
    achievement = publish_achievement(platform, SYSTEM, draft.id)
    emails = [f"learner{i:05d}@crash.example" for i in range(rows)]
    csv = tmp_path / "cohort.csv"
    lines = ["email,name", *(f"{e},Learner {i}" for i, e in enumerate(emails))]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    keys = {derive_idempotency_key(achievement.lineage_id, e, None, None) for e in emails}
    seed = int(os.environ.get("MICROCRED_CRASH_SEED") or random.randrange(2**32))
    url = env["MICROCRED_DATABASE_URL"]
    reader = create_engine(url) if url.startswith("sqlite") else engine
    rng = random.Random(seed)
    return Setup(engine, reader, rows, platform, env, csv, org.id, achievement.id, keys, rng, seed)


# --------------------------------------------------------------------------- runs and kills


@dataclass
class Run:
    process: subprocess.Popen[bytes]
    output: IO[bytes]

    def text(self) -> str:
        self.output.seek(0)
        return self.output.read().decode("utf-8", "replace")


def _start(setup: Setup, tmp_path: Path) -> Run:
    command = [
        sys.executable,
        "-m",
        "microcred.cli.main",
        "award",
        "--org",
        "crash",
        "--achievement",
        setup.achievement_id,
        "--csv",
        str(setup.csv),
    ]
    output = (tmp_path / f"run-{time.monotonic_ns()}.log").open("w+b")
    process = subprocess.Popen(command, env=setup.env, stdout=output, stderr=subprocess.STDOUT)
    return Run(process, output)


def _issued(engine: Engine) -> int:
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(t.credentials))
        return int(count.scalar_one())


def _wait_for(setup: Setup, target: int, runs: list[Run]) -> int:
    """Wait until the database holds ``target`` credentials; a run must not end (the
    file is not done) nor stall meanwhile."""
    last, since = -1, time.monotonic()
    while True:
        count = _issued(setup.reader)
        if count >= target:
            return count
        ended = [r for r in runs if r.process.poll() is not None]
        if ended:
            run = ended[0]
            pytest.fail(
                f"a run ended (exit {run.process.returncode}) with {count} of {setup.rows} "
                f"issued:\n{run.text()}\n{setup.report()}"
            )
        if count != last:
            last, since = count, time.monotonic()
        elif time.monotonic() - since > STALL:
            pytest.fail(f"no progress for {STALL:.0f} s at {count} credentials\n{setup.report()}")
        time.sleep(POLL)


def _kill(setup: Setup, run: Run) -> None:
    """SIGKILL a run that is still going (one that ended is a failure: rows remain)."""
    if run.process.poll() is not None:
        pytest.fail(
            f"a run ended (exit {run.process.returncode}) before the file was done:\n"
            f"{run.text()}\n{setup.report()}"
        )
    run.process.send_signal(signal.SIGKILL)
    assert run.process.wait(timeout=30) == -signal.SIGKILL
    run.output.close()


def _finish(setup: Setup, runs: list[Run]) -> list[str]:
    outputs = []
    for run in runs:
        try:
            code = run.process.wait(timeout=STALL * 3)
        except subprocess.TimeoutExpired:
            run.process.kill()
            pytest.fail(f"a run did not finish\n{run.text()}\n{setup.report()}")
        text = run.text()
        run.output.close()
        assert code == 0, f"the last run failed (exit {code}):\n{text}\n{setup.report()}"
        outputs.append(text)
    return outputs


def _moments(setup: Setup) -> list[int]:
    """Credential counts at which to kill, spread over the file (not too close to its end,
    so that the kill does not race the last row)."""
    last = max(setup.rows - setup.rows // 50, KILLS + 1)
    return sorted(setup.rng.sample(range(1, last), KILLS))


def _jitter(setup: Setup, rate: float) -> None:
    """Up to two rows' time more: the kill lands anywhere within a transaction."""
    time.sleep(setup.rng.uniform(0, 2 / max(rate, 1.0)))


def crash_and_rerun(setup: Setup, tmp_path: Path, workers: int) -> list[str]:
    """Run ``workers`` processes over the file, kill a random subset of them with SIGKILL
    at :data:`KILLS` random moments (restarting each one killed), then let them finish;
    return what the runs alive at the end printed."""
    runs = [_start(setup, tmp_path) for _ in range(workers)]
    began = time.monotonic()
    try:
        for number, target in enumerate(_moments(setup), start=1):
            reached = _wait_for(setup, target, runs)
            rate = max(reached, 1) / (time.monotonic() - began)
            _jitter(setup, rate)
            victims = setup.rng.sample(runs, setup.rng.randint(1, len(runs)))
            for victim in victims:
                _kill(setup, victim)
                runs[runs.index(victim)] = _start(setup, tmp_path)
            setup.note(
                f"kill {number}: {len(victims)} of {workers} at {_issued(setup.reader)} "
                f"credentials, {time.monotonic() - began:.1f} s"
            )
        outputs = _finish(setup, runs)
    finally:
        for run in runs:
            if run.process.poll() is None:
                run.process.kill()
                run.process.wait()
    setup.note(f"done in {time.monotonic() - began:.1f} s")
    return outputs


# --------------------------------------------------------------------------- the checks


def _rows(engine: Engine, *columns: Any) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(select(*columns)).all())


def check_consistent(setup: Setup, loader: DocumentLoader) -> None:
    engine, report = setup.reader, setup.report()
    credentials = _rows(
        engine, t.credentials.c.id, t.credentials.c.idempotency_key, t.credentials.c.document
    )
    ids = {c.id for c in credentials}
    keys = Counter(c.idempotency_key for c in credentials)
    rows = setup.rows
    assert len(credentials) == rows, report
    assert set(keys) == setup.keys and max(keys.values()) == 1, report

    lists = {
        r.id: r
        for r in _rows(engine, t.status_lists.c.id, t.status_lists.c.purpose, t.status_lists.c.used)
    }
    entries = _rows(
        engine,
        t.status_entries.c.list_id,
        t.status_entries.c.position,
        t.status_entries.c.credential_id,
    )
    slots = Counter((e.list_id, e.position) for e in entries)
    assert max(slots.values()) == 1, f"a (list, position) is used twice\n{report}"
    assert {e.credential_id for e in entries} == ids, report
    per_credential = Counter((e.credential_id, lists[e.list_id].purpose) for e in entries)
    assert len(per_credential) == 2 * rows and max(per_credential.values()) == 1, report
    used = Counter(e.list_id for e in entries)
    assert {i: r.used for i, r in lists.items()} == {i: used[i] for i in lists}, report
    purposes = Counter(r.purpose for r in lists.values())
    assert purposes == {"revocation": 1, "suspension": 1}, f"lists opened: {purposes}\n{report}"

    by_credential: dict[str, set[tuple[str, int]]] = {}
    for e in entries:
        url = f"{BASE_URL}/status/{e.list_id}"
        by_credential.setdefault(e.credential_id, set()).add((url, e.position))
    for c in credentials:
        document: Mapping[str, Any] = c.document
        assert document.get("id") == f"{BASE_URL}/credentials/{c.id}", report
        assert document.get("proof", {}).get("proofValue"), f"{c.id} is not signed\n{report}"
        named = {
            (s["statusListCredential"], int(s["statusListIndex"]))
            for s in document["credentialStatus"]
        }
        assert named == by_credential[c.id], f"{c.id}: its status entries differ\n{report}"

    audit = _rows(engine, t.audit_log.c.action, t.audit_log.c.subject)
    awards = Counter(a.subject for a in audit if a.action == "credential.award")
    assert set(awards) == ids and max(awards.values()) == 1, f"audit log\n{report}"
    jobs = Counter(j.payload["credential_id"] for j in _rows(engine, t.jobs.c.payload))
    assert set(jobs) == ids and max(jobs.values()) == 1, f"email jobs\n{report}"

    verifier = _verifier(setup, loader)
    for c in setup.rng.sample(credentials, min(SAMPLE, len(credentials))):
        result = verify_credential(dict(c.document), verifier=verifier)
        assert result.verified, f"{c.id}: {result.checks}\n{report}"
        assert [ch.outcome for ch in result.checks if ch.name == "status"] == [Outcome.PASS] * 2


def _verifier(setup: Setup, loader: DocumentLoader) -> Verifier:
    did = issuer_did(BASE_URL, "crash")
    with setup.platform.uow() as uow:
        document = did_document(did, uow.keys.for_org(setup.org_id))
    base = Verifier(loader=loader, resolver=Resolver(documents={did: document}))

    def fetch_list(url: str) -> dict[str, Any]:
        return status_list_credential(setup.platform, url.rsplit("/", 1)[1], loader=loader)

    checker = BitstringStatusChecker(
        fetch_list=fetch_list, verify_list=lambda doc: verify_credential(doc, verifier=base)
    )
    return replace(base, status_checker=checker)


def _accounts_for_every_row(outputs: list[str], rows: int) -> None:
    """Each run that finished found every row issued, by itself or before."""
    for output in outputs:
        found = re.search(r"issued (\d+), already issued (\d+), bad rows 0$", output, re.M)
        assert found is not None, output
        assert int(found.group(1)) + int(found.group(2)) == rows, output


# --------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_bulk_award_killed_and_rerun_issues_each_row_once(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path, loader: DocumentLoader
) -> None:
    engine: Engine = request.getfixturevalue(f"{kind}_engine")
    setup = _setup(engine, tmp_path, ROWS)
    try:
        outputs = crash_and_rerun(setup, tmp_path, workers=1)
        _accounts_for_every_row(outputs, setup.rows)
        check_consistent(setup, loader)
    finally:
        setup.reader.dispose()
    print(f"\n{kind}: {setup.rows} rows, {KILLS} kills; {setup.report()}")


def test_four_workers_killed_and_rerun_on_postgresql(
    postgresql_engine: Engine, tmp_path: Path, loader: DocumentLoader
) -> None:
    setup = _setup(postgresql_engine, tmp_path, WORKER_ROWS)
    outputs = crash_and_rerun(setup, tmp_path, workers=WORKERS)
    _accounts_for_every_row(outputs, setup.rows)
    check_consistent(setup, loader)
    print(f"\npostgresql x{WORKERS}: {setup.rows} rows, {KILLS} kill moments; {setup.report()}")
