"""Crash safety of bulk issuance: ``microcred award --csv`` killed with SIGKILL and re-run.

A CSV of :data:`ROWS` recipients is awarded by the real command in a subprocess, which is
killed with SIGKILL :data:`KILLS` times at random moments and re-run after each kill; a
last run completes the file.  On SQLite and PostgreSQL, and on PostgreSQL with four
workers processing the same file at once (idempotency keys make them cooperate), a random
subset of them killed at each of the moments and started again.  Each is killed either
with the processes it forked to sign (SIGKILL to its process group: a crash) or alone
(SIGKILL to the command: those processes must die with it, see also
:func:`test_a_killed_award_leaves_no_process_behind`).  Then (see
:func:`check_consistent` and :func:`check_reports`):

* exactly one credential per row: one per idempotency key, for that row's recipient
  (its email hash, the identifiers its document names), of the achievement, signed;
* no (list, position) given twice, neither in the status entries nor in the documents;
  each credential's document names exactly its revocation and its suspension entries;
  one list of each purpose, whose ``used`` counter equals its entries;
* one ``credential.award`` audit entry per credential (under its idempotency key) and no
  other entry written by the runs; one queued ``email.award`` job per credential (to
  its row's address, with the claim token whose hash the credential keeps) and no other;
* each run that finished accounts for every row and left no process behind; the rows
  the finished runs report as issued are those issued after the last kill, give or take
  what runs that kill spared issued (exactly, with one worker); no run printed a
  traceback;
* a sample of the credentials verifies (proof, issuer key, both status entries);
* PostgreSQL detected no deadlock.

The kill moments are spread over the whole file: each waits until the database holds a
random number of credentials (it grows a batch of :data:`BATCH_ROWS` rows at a time),
then a random time of up to two batches' more, so a kill lands anywhere in a batch's
transaction (signing, inserting, claiming status positions, committing) or while a
restarted run starts or skips the rows already issued; the report shows, for each kill,
the state of the victims' PostgreSQL sessions.  After a kill the test waits until the
killed processes are gone and PostgreSQL has ended their sessions (each run names its
own), so that the count taken then includes whatever they had already asked to commit.
``MICROCRED_CRASH_SEED`` replays a run; ``MICROCRED_CRASH_ROWS`` and
``MICROCRED_CRASH_WORKER_ROWS`` change the sizes of the files.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter, deque
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

import pytest
from sqlalchemy import Engine, column, create_engine, func, select, table

from microcred.adapters.db import schema as t
from microcred.bootstrap import build_platform
from microcred.core.dids import Resolver
from microcred.core.documents import matches_identity
from microcred.core.loader import DocumentLoader
from microcred.core.report import Outcome
from microcred.core.status_list import BitstringStatusChecker
from microcred.core.verify import Verifier, verify_credential
from microcred.domain.achievements import AchievementFields
from microcred.domain.awards import derive_idempotency_key
from microcred.domain.model import SYSTEM
from microcred.services.achievements import create_achievement, publish_achievement
from microcred.services.bulk_awards import BATCH_ROWS
from microcred.services.identity import did_document, issuer_did
from microcred.services.organisations import Platform, create_organisation
from microcred.services.status import status_list_credential
from microcred.settings import Settings

pytestmark = pytest.mark.integration

ROWS = int(os.environ.get("MICROCRED_CRASH_ROWS", "5000"))
WORKER_ROWS = int(os.environ.get("MICROCRED_CRASH_WORKER_ROWS", str(ROWS)))
KILLS = 10
WORKERS = 4
#: Credentials whose proof and status are verified after the run.
SAMPLE = 25
BASE_URL = "https://crash.example"
POLL = 0.02
#: A run that neither progresses nor ends for this long is a failure (a stuck lock).
STALL = 120.0


@dataclass(frozen=True)
class Row:
    email: str
    name: str


@dataclass
class Pace:
    """How long a batch takes, from the commits seen: the count of credentials growing
    (by :data:`BATCH_ROWS` at a commit), between two changes seen with no kill between."""

    intervals: deque[float] = field(default_factory=lambda: deque(maxlen=9))
    seen: int | None = None
    changed: tuple[float, int] | None = None

    def see(self, count: int) -> None:
        now = time.monotonic()
        if self.seen is not None and count != self.seen:
            if self.changed is not None and count > self.changed[1]:
                batches = max(1.0, (count - self.changed[1]) / BATCH_ROWS)
                self.intervals.append((now - self.changed[0]) / batches)
            self.changed = (now, count)
        self.seen = count

    def killed(self) -> None:
        self.seen = self.changed = None

    def batch(self) -> float | None:
        """The median of the latest intervals (not thrown by a slow start), once there
        are three."""
        return statistics.median(self.intervals) if len(self.intervals) >= 3 else None


@dataclass
class Setup:
    engine: Engine
    #: Reads while the runs write (on SQLite without BEGIN IMMEDIATE: a reader must not
    #: queue for the write lock, nor slow the writer down).
    reader: Engine
    platform: Platform
    env: dict[str, str]
    csv: Path
    org_id: str
    achievement_id: str
    #: The file's rows by idempotency key.
    rows: dict[str, Row]
    #: The last audit entry and job written before the runs.
    audit_mark: int
    job_mark: int
    rng: random.Random
    seed: int
    log: list[str] = field(default_factory=list)
    #: Every run started, killed or not.
    runs: list[Run] = field(default_factory=list)
    pace: Pace = field(default_factory=Pace)

    @property
    def postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def note(self, text: str) -> None:
        self.log.append(text)

    def report(self) -> str:
        return f"seed {self.seed} (MICROCRED_CRASH_SEED replays it)\n" + "\n".join(self.log)


def _setup(engine: Engine, tmp_path: Path, size: int) -> Setup:
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
    rows = [Row(f"learner{i:05d}@crash.example", f"Learner {i}") for i in range(size)]
    csv = tmp_path / "cohort.csv"
    lines = ["email,name", *(f"{r.email},{r.name}" for r in rows)]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    by_key = {derive_idempotency_key(achievement.lineage_id, r.email, None, None): r for r in rows}
    assert len(by_key) == size
    seed = int(os.environ.get("MICROCRED_CRASH_SEED") or random.randrange(2**32))
    url = env["MICROCRED_DATABASE_URL"]
    reader = create_engine(url) if url.startswith("sqlite") else engine
    audit_mark, job_mark = (_last_id(reader, table) for table in (t.audit_log, t.jobs))
    return Setup(
        engine,
        reader,
        platform,
        env,
        csv,
        org.id,
        achievement.id,
        by_key,
        audit_mark,
        job_mark,
        random.Random(seed),
        seed,
    )


def _last_id(engine: Engine, table: Any) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one())


# --------------------------------------------------------------------------- runs and kills


@dataclass
class Run:
    name: str
    process: subprocess.Popen[bytes]
    output: IO[bytes]
    #: Credentials in the database just before the run started.
    before: int

    def text(self) -> str:
        self.output.seek(0)
        return self.output.read().decode("utf-8", "replace")


def _start(setup: Setup, tmp_path: Path) -> Run:
    """Start the command in a process group of its own (its pid), with the processes it
    forks to sign; ``PGAPPNAME`` names its PostgreSQL sessions (see :func:`_sessions_ended`)."""
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
    name = f"crash-run-{len(setup.runs)}"
    env = {**setup.env, "PGAPPNAME": name}
    output = (tmp_path / f"{name}.log").open("w+b")
    before = _issued(setup.reader)
    process = subprocess.Popen(
        command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
    )
    run = Run(name, process, output, before)
    setup.runs.append(run)
    return run


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
        setup.pace.see(count)
        if count >= target:
            return count
        ended = [r for r in runs if r.process.poll() is not None]
        if ended:
            run = ended[0]
            pytest.fail(
                f"{run.name} ended (exit {run.process.returncode}) with {count} of "
                f"{len(setup.rows)} issued:\n{run.text()}\n{setup.report()}"
            )
        if count != last:
            last, since = count, time.monotonic()
        elif time.monotonic() - since > STALL:
            pytest.fail(f"no progress for {STALL:.0f} s at {count} credentials\n{setup.report()}")
        time.sleep(POLL)


def _pause(setup: Setup, seconds: float, limit: int) -> None:
    """Sleep, watching the pace meanwhile; stop early once the database holds ``limit``
    credentials (a pace measured badly must not carry a kill far from its moment)."""
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        time.sleep(min(POLL, left))
        count = _issued(setup.reader)
        setup.pace.see(count)
        if count >= limit:
            return


def _kill(setup: Setup, victims: list[Run]) -> str:
    """SIGKILL runs that are still going (one that ended is a failure: rows remain), all
    at once: each either with the processes it forked to sign (its process group: a crash
    of the machine or container) or alone (as the OOM killer or ``kill -9 PID`` does it:
    those processes must then die with it).  Returns, once none of their processes is
    left, which way each one was killed."""
    for run in victims:
        if run.process.poll() is not None:
            pytest.fail(
                f"{run.name} ended (exit {run.process.returncode}) before the file was "
                f"done:\n{run.text()}\n{setup.report()}"
            )
    alone = [setup.rng.random() < 0.5 for _ in victims]
    for run, only in zip(victims, alone, strict=True):
        if only:
            run.process.send_signal(signal.SIGKILL)
        else:
            os.killpg(run.process.pid, signal.SIGKILL)
    for run in victims:
        assert run.process.wait(timeout=30) == -signal.SIGKILL
        if not _group_ended(run.process.pid, 30.0):
            pytest.fail(f"processes of {run.name} outlived it by 30 s\n{setup.report()}")
    return " ".join("alone" if only else "group" for only in alone)


def _group_ended(group: int, timeout: float) -> bool:
    """Wait up to ``timeout`` seconds until no process of the group runs (zombies, which
    an init that does not reap may keep, do not count); whether none does."""
    end = time.monotonic() + timeout
    while _group_members(group):
        if time.monotonic() > end:
            return False
        time.sleep(POLL / 5)
    return True


def _group_members(group: int) -> list[int]:
    """The pids of the group's processes that are not zombies (from /proc; elsewhere,
    the group's leader if it is still there)."""
    proc = Path("/proc")
    if not proc.is_dir():  # pragma: no cover - not Linux
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return []
        return [group]
    members = []
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended meanwhile
        if int(fields[2]) == group and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def _states(setup: Setup, victims: list[Run]) -> str:
    """What the runs about to be killed are doing in PostgreSQL, as the report shows it:
    each session's state (the command's and its forked processes'): ``idle in
    transaction`` (computing, e.g. signing, within a transaction), ``active`` (running a
    statement or waiting for a lock), ``idle`` (between transactions); ``starting`` when a
    run has no session yet.  Nothing on SQLite."""
    if not setup.postgresql:
        return ""
    found: dict[str, list[str]] = {}
    activity = table("pg_stat_activity", column("application_name"), column("state"))
    query = select(activity.c.application_name, activity.c.state).where(
        activity.c.application_name.in_([run.name for run in victims])
    )
    with setup.engine.connect() as connection:
        for name, state in connection.execute(query):
            found.setdefault(name, []).append(str(state))
    return "; " + "; ".join(" + ".join(sorted(found.get(r.name, ["starting"]))) for r in victims)


def _sessions_ended(setup: Setup, victims: list[Run]) -> float:
    """Wait until PostgreSQL has ended the killed runs' sessions (a session learns that
    its client is gone when it next reads from it: after the statement it is running,
    COMMIT included); how long that took.  SQLite has no sessions to wait for."""
    if not setup.postgresql:
        return 0.0
    names = [run.name for run in victims]
    activity = table("pg_stat_activity", column("application_name"))
    query = select(func.count()).where(activity.c.application_name.in_(names))
    began = time.monotonic()
    while True:
        with setup.engine.connect() as connection:
            if connection.execute(query).scalar_one() == 0:
                return time.monotonic() - began
        if time.monotonic() - began > STALL:
            pytest.fail(f"the sessions of {names} outlived them\n{setup.report()}")
        time.sleep(POLL / 5)


def _stop_all(setup: Setup) -> None:
    """Kill whatever is left of every run (after a failure)."""
    for run in setup.runs:
        if run.process.poll() is None or _group_members(run.process.pid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(run.process.pid, signal.SIGKILL)
            run.process.wait()


def _finish(setup: Setup, runs: list[Run]) -> list[str]:
    """Wait for the runs to finish, successfully and leaving no process behind; what
    they printed."""
    outputs = []
    for run in runs:
        try:
            code = run.process.wait(timeout=STALL * 3)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{run.name} did not finish\n{run.text()}\n{setup.report()}")
        text = run.text()
        assert code == 0, f"the last run failed (exit {code}):\n{text}\n{setup.report()}"
        if not _group_ended(run.process.pid, 10.0):
            pytest.fail(f"processes of {run.name} outlived it\n{setup.report()}")
        outputs.append(text)
    return outputs


def _moments(setup: Setup) -> list[int]:
    """Credential counts at which to kill, spread over the file, but not over its last
    batches: a kill comes up to two batches' time (and rows) after its count is reached,
    and must not race the end of the file."""
    rows = len(setup.rows)
    last = max(rows - max(rows // 20, 5 * BATCH_ROWS), KILLS + 1)
    return sorted(setup.rng.sample(range(1, last), KILLS))


@dataclass
class Crash:
    #: What the runs alive at the end printed, with the runs.
    finished: list[tuple[Run, str]]
    #: Credentials in the database after the last kill, once its victims' sessions ended.
    settled: int


def crash_and_rerun(setup: Setup, tmp_path: Path, workers: int) -> Crash:
    """Run the command ``workers`` times at once over the file, kill a random subset of
    the runs at :data:`KILLS` random moments (restarting each one killed), then let them
    finish; PostgreSQL must have detected no deadlock."""
    runs = [_start(setup, tmp_path) for _ in range(workers)]
    began = time.monotonic()
    settled = 0
    try:
        for number, target in enumerate(_moments(setup), start=1):
            reached = _wait_for(setup, target, runs)
            # a batch's time; until it is measured, its time so far (restarts included)
            so_far = BATCH_ROWS * (time.monotonic() - began) / max(reached, 1)
            batch = setup.pace.batch() or so_far
            pause = setup.rng.uniform(0, 2 * batch)
            _pause(setup, pause, reached + 2 * BATCH_ROWS)
            victims = setup.rng.sample(runs, setup.rng.randint(1, len(runs)))
            at = _issued(setup.reader)
            if at >= len(setup.rows):  # the kill would test nothing: the file is done
                pytest.fail(f"kill {number} came too late, at {at}\n{setup.report()}")
            states = _states(setup, victims)
            how = _kill(setup, victims)
            lingered = _sessions_ended(setup, victims)
            settled = _issued(setup.reader)
            setup.pace.killed()
            for victim in victims:
                runs[runs.index(victim)] = _start(setup, tmp_path)
            setup.note(
                f"kill {number}: {len(victims)} of {workers} ({how}{states}) "
                f"{pause * 1000:.0f} ms "
                f"(batch {batch * 1000:.0f} ms) after {reached} credentials, at {at}, "
                f"{settled} once their sessions ended ({lingered * 1000:.0f} ms); "
                f"{time.monotonic() - began:.1f} s"
            )
        outputs = _finish(setup, runs)
    finally:
        _stop_all(setup)
    setup.note(f"done in {time.monotonic() - began:.1f} s, {len(setup.runs)} runs")
    if setup.postgresql:
        stats = table("pg_stat_database", column("datname"), column("deadlocks"))
        query = select(stats.c.deadlocks).where(stats.c.datname == func.current_database())
        with setup.engine.connect() as connection:
            deadlocks = connection.execute(query).scalar()
        # batches take their locks in one order: none, even in a killed run's session
        assert deadlocks == 0, f"PostgreSQL detected {deadlocks} deadlocks\n{setup.report()}"
    return Crash(list(zip(runs, outputs, strict=True)), settled)


# --------------------------------------------------------------------------- the checks


def _rows(engine: Engine, *columns: Any, where: Any = None) -> list[Any]:
    query = select(*columns)
    if where is not None:
        query = query.where(where)
    with engine.connect() as connection:
        return list(connection.execute(query).all())


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_consistent(setup: Setup, loader: DocumentLoader) -> None:
    """What the database holds after the runs (see the module's description)."""
    engine, report = setup.reader, setup.report()
    cols = t.credentials.c
    credentials = _rows(
        engine,
        cols.id,
        cols.org_id,
        cols.achievement_id,
        cols.idempotency_key,
        cols.recipient_email_hash,
        cols.claim_token_hash,
        cols.revoked,
        cols.suspended,
        cols.document,
    )
    ids = {c.id for c in credentials}
    keys = Counter(c.idempotency_key for c in credentials)
    twice = [k for k, n in keys.items() if n > 1]  # (a unique constraint forbids it)
    assert not twice, f"{len(twice)} keys issued more than once\n{report}"
    missing = set(setup.rows) - set(keys)
    assert not missing, f"{len(missing)} rows not issued\n{report}"
    assert set(keys) == set(setup.rows), f"credentials for no row\n{report}"
    assert len(credentials) == len(setup.rows) == len(ids), report
    key_of = {c.id: c.idempotency_key for c in credentials}

    for cred in credentials:
        row = setup.rows[cred.idempotency_key]
        where = f"{cred.id} ({row.email})"
        assert (cred.org_id, cred.achievement_id) == (setup.org_id, setup.achievement_id)
        assert not cred.revoked and not cred.suspended, where
        assert cred.recipient_email_hash == _sha256(row.email), f"{where}: recipient\n{report}"
        document: Mapping[str, Any] = cred.document
        assert document.get("id") == f"{BASE_URL}/credentials/{cred.id}", f"{where}\n{report}"
        assert document.get("proof", {}).get("proofValue"), f"{where}: not signed\n{report}"
        identifiers = document["credentialSubject"]["identifier"]
        emails = [i for i in identifiers if i.get("identityType") == "emailAddress"]
        names = [i for i in identifiers if i.get("identityType") == "name"]
        assert len(emails) == 1 and matches_identity(emails[0], row.email), (
            f"{where}: its document names another recipient: {identifiers}\n{report}"
        )
        assert [i.get("identityHash") for i in names] == [row.name], f"{where}\n{report}"

    check_status(setup, credentials)

    a = t.audit_log.c
    audit = _rows(engine, a.id, a.org_id, a.action, a.subject, a.detail)
    written = [e for e in audit if e.id > setup.audit_mark]
    others = Counter(e.action for e in written if e.action != "credential.award")
    assert not others, f"the runs wrote other audit entries: {others}\n{report}"
    awards = Counter(e.subject for e in audit if e.action == "credential.award")
    assert not set(awards) - ids, f"audit entries for no credential\n{report}"
    assert set(awards) == ids, f"credentials without an audit entry\n{report}"
    assert max(awards.values()) == 1, f"a credential audited twice\n{report}"
    for entry in written:
        assert entry.org_id == setup.org_id, report
        assert entry.detail.get("idempotency_key") == key_of[entry.subject], report
        assert entry.detail.get("achievement_id") == setup.achievement_id, report

    j = t.jobs.c
    jobs = _rows(engine, j.kind, j.state, j.attempts, j.payload, where=j.id > setup.job_mark)
    kinds = Counter((job.kind, job.state, job.attempts) for job in jobs)
    assert set(kinds) == {("email.award", "queued", 0)}, f"jobs: {kinds}\n{report}"
    emailed = Counter(job.payload["credential_id"] for job in jobs)
    assert not set(emailed) - ids, f"email jobs for no credential\n{report}"
    assert set(emailed) == ids, f"credentials without an email job\n{report}"
    assert max(emailed.values()) == 1, f"a credential emailed twice\n{report}"
    token_hash = {cred.id: cred.claim_token_hash for cred in credentials}
    for job in jobs:
        cid = job.payload["credential_id"]
        assert job.payload["email"] == setup.rows[key_of[cid]].email, f"{cid}\n{report}"
        assert _sha256(job.payload["claim_token"]) == token_hash[cid], (
            f"{cid}: the job's claim token is not the credential's\n{report}"
        )

    verifier = _verifier(setup, loader)
    for cred in setup.rng.sample(credentials, min(SAMPLE, len(credentials))):
        result = verify_credential(dict(cred.document), verifier=verifier)
        assert result.verified, f"{cred.id}: {result.checks}\n{report}"
        statuses = [ch.outcome for ch in result.checks if ch.name == "status"]
        assert statuses == [Outcome.PASS] * 2, f"{cred.id}: {result.checks}\n{report}"


def check_status(setup: Setup, credentials: list[Any]) -> None:
    """Status positions: each given once, named by its credential's document, counted."""
    engine, report = setup.reader, setup.report()
    ids = {c.id for c in credentials}
    lists = {
        r.id: r
        for r in _rows(
            engine,
            t.status_lists.c.id,
            t.status_lists.c.purpose,
            t.status_lists.c.length,
            t.status_lists.c.used,
        )
    }
    purposes = Counter(r.purpose for r in lists.values())
    assert purposes == {"revocation": 1, "suspension": 1}, f"lists opened: {purposes}\n{report}"
    e = t.status_entries.c
    entries = _rows(engine, e.list_id, e.position, e.credential_id, e.value)
    # (the table's primary key forbids it: the documents, checked below, are what can fail)
    slots = Counter((x.list_id, x.position) for x in entries)
    assert max(slots.values()) == 1, f"a (list, position) is given twice\n{report}"
    for x in entries:
        assert 0 <= x.position < lists[x.list_id].length and x.value == 0, f"{x}\n{report}"
    assert {x.credential_id for x in entries} == ids, f"entries for no credential\n{report}"
    per_credential = Counter((x.credential_id, lists[x.list_id].purpose) for x in entries)
    assert len(per_credential) == 2 * len(ids), f"credentials without an entry\n{report}"
    assert max(per_credential.values()) == 1, f"a credential with two entries\n{report}"
    used = Counter(x.list_id for x in entries)
    counters = {i: (r.used, used[i]) for i, r in lists.items()}
    assert all(u == n for u, n in counters.values()), f"(used, entries): {counters}\n{report}"

    given: dict[str, set[tuple[str, int, str]]] = {}
    for x in entries:
        url = f"{BASE_URL}/status/{x.list_id}"
        given.setdefault(x.credential_id, set()).add((url, x.position, lists[x.list_id].purpose))
    named: Counter[tuple[str, int]] = Counter()
    for cred in credentials:
        status = {
            (s["statusListCredential"], int(s["statusListIndex"]), s["statusPurpose"])
            for s in cred.document["credentialStatus"]
        }
        assert len(cred.document["credentialStatus"]) == 2, f"{cred.id}\n{report}"
        assert status == given[cred.id], (
            f"{cred.id}: its document names {sorted(status)}, its entries are "
            f"{sorted(given[cred.id])}\n{report}"
        )
        named.update((url, position) for url, position, _ in status)
    assert max(named.values()) == 1, f"two documents name the same position\n{report}"


def check_reports(setup: Setup, crash: Crash) -> None:
    """The summaries of the runs that finished: each accounts for every row, and together
    they report as issued the rows issued after the last kill (all of them then: nothing
    else was writing), and at most the rows missing when the first of them started; no
    run (killed or not) printed a traceback."""
    rows, report = len(setup.rows), setup.report()
    issued = 0
    for run, output in crash.finished:
        found = re.search(r"issued (\d+), already issued (\d+), bad rows 0$", output, re.M)
        assert found is not None, f"{run.name}:\n{output}\n{report}"
        new, old = int(found.group(1)), int(found.group(2))
        assert new + old == rows, f"{run.name}:\n{output}\n{report}"
        assert new <= rows - run.before, f"{run.name} started at {run.before}:\n{output}"
        issued += new
    low = rows - crash.settled
    high = rows - min(run.before for run, _ in crash.finished)
    assert low <= issued <= high, (
        f"the last runs report {issued} issued, not from {low} (issued after the last kill) "
        f"to {high} (missing when the first of them started)\n{report}"
    )
    for run in setup.runs:
        assert "Traceback" not in run.text(), f"{run.name}:\n{run.text()}\n{report}"


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


def _close(setup: Setup) -> None:
    for run in setup.runs:
        run.output.close()
    if setup.reader is not setup.engine:
        setup.reader.dispose()


# --------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_bulk_award_killed_and_rerun_issues_each_row_once(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path, loader: DocumentLoader
) -> None:
    engine: Engine = request.getfixturevalue(f"{kind}_engine")
    setup = _setup(engine, tmp_path, ROWS)
    try:
        crash = crash_and_rerun(setup, tmp_path, workers=1)
        check_reports(setup, crash)
        check_consistent(setup, loader)
    finally:
        _close(setup)
    print(f"\n{kind}: {len(setup.rows)} rows, {KILLS} kills; {setup.report()}")


def test_four_workers_killed_and_rerun_on_postgresql(
    postgresql_engine: Engine, tmp_path: Path, loader: DocumentLoader
) -> None:
    setup = _setup(postgresql_engine, tmp_path, WORKER_ROWS)
    try:
        crash = crash_and_rerun(setup, tmp_path, workers=WORKERS)
        check_reports(setup, crash)
        check_consistent(setup, loader)
    finally:
        _close(setup)
    print(
        f"\npostgresql x{WORKERS}: {len(setup.rows)} rows, {KILLS} kill moments; {setup.report()}"
    )


def test_a_killed_award_leaves_no_process_behind(sqlite_engine: Engine, tmp_path: Path) -> None:
    """SIGKILL of the command alone (as the OOM killer or ``kill -9 PID`` does it) while it
    signs in two processes: those must not outlive it (they used to go on with the file
    unseen, then hang for good writing to the queue of their dead parent, each holding
    its database connection)."""
    setup = _setup(sqlite_engine, tmp_path, 2000)
    setup.env["MICROCRED_BULK_PROCESSES"] = "2"
    run = _start(setup, tmp_path)
    try:
        _wait_for(setup, BATCH_ROWS, [run])
        at = _issued(setup.reader)
        run.process.send_signal(signal.SIGKILL)
        assert run.process.wait(timeout=30) == -signal.SIGKILL
        ended = _group_ended(run.process.pid, 5.0)
        left = _group_members(run.process.pid)
        assert ended, (
            f"5 s after {run.name} was killed at {at} credentials, its processes {left} "
            f"still run; {_issued(setup.reader)} credentials now"
        )
    finally:
        _stop_all(setup)
        _close(setup)
