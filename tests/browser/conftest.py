"""Browser tests: the real server and worker as processes, a real SMTP inbox, Debian's
chromium driven by Playwright, screenshots and axe-core accessibility checks.

Fixtures
    ``live_server``     ``microcred serve`` and ``microcred worker --poll 0.2`` on a fresh
                        data directory, once on SQLite and once on PostgreSQL (a new
                        database, dropped afterwards); ``.url``, ``.inbox``, ``.data_dir``,
                        ``.db``, ``.env``, ``.cli(*args)``.  Extra settings for a module:
                        override the ``live_server_env`` fixture (a dict).
    ``smtp_inbox``      an aiosmtpd server on 127.0.0.1 keeping every email;
                        ``wait_for(to, timeout=20)``, ``messages``, ``received``.
    ``browser_instance``  the chromium of the session (``/usr/bin/chromium``, headless).
    ``page``            a fresh context and page (1280x900, downloads accepted) whose
                        ``base_url`` is the live server, so ``page.goto("/docs")`` works.
    ``bare_page``       the same without a server, for ``page.set_content``.
    ``browser_log``     console errors, uncaught page errors and CSP violations seen so far.
    ``shot``            ``shot(page, name) -> Path``: a full-page PNG in the artifacts folder.
    ``axe``             ``axe(page)``: fails on serious or critical axe-core violations;
                        ``axe.checked`` lists the pages checked in this test.
    ``downloads``       ``downloads(page, click) -> (suggested filename, bytes)``; also a
                        plain function of this module.

Artifacts go to ``$MICROCRED_ARTIFACTS_DIR`` or ``<repo>/artifacts``: ``screenshots/``
(``<test>-<db>-<NN>-<name>.png``, plus ``...-failure.png`` when a test fails) and
``axe-pages.json`` (every page axe checked in the session, with its violation counts).

Axe and the Content-Security-Policy.  The pages send a CSP without 'unsafe-inline' or
'unsafe-eval' for scripts.  ``axe_playwright_python`` injects its bundled ``axe.min.js``
(no network) with ``page.evaluate(<source>)`` and then evaluates ``axe.run(...)``.
Playwright evaluates over the DevTools protocol (``Runtime.evaluate``/``callFunctionOn``),
which a page's CSP does not govern, so axe runs in the page under the page's own CSP:
tried against ``/docs``, whose CSP is ``default-src 'none'``.  (What a CSP does block is a
``<script>`` element: ``page.add_script_tag(content=...)`` fails there, so it is not used.)
Hence no context uses ``bypass_csp``: the CSP stays enforced in every test, and the
fixtures also prove that it does not break the pages: a CSP violation or an uncaught
JavaScript error in any page fails ``axe(page)`` and, at the latest, the test's teardown.
A test that provokes one on purpose empties ``browser_log`` afterwards.

A failing test gets the output of the server and the worker (the last lines) in its
report, and a screenshot of each page it had open.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Generator, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    Playwright,
    sync_playwright,
)

from microcred.adapters.db.engine import make_engine, upgrade
from tests.conftest import _postgres_engine

HERE = Path(__file__).parent
REPO = HERE.parents[1]
HOST = "127.0.0.1"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 900}
SECRET_KEY = "browser-tests-secret-key-not-for-production"
SENDER = "badges@microcred.test"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
LOG_TAIL_LINES = 150
FAILING_IMPACTS = ("serious", "critical")

REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


# --------------------------------------------------------------------------- hooks


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: tests in a real browser (Debian chromium via Playwright)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    if report.failed:
        server = getattr(item, "funcargs", {}).get("live_server")
        if isinstance(server, LiveServer):
            for title, text in server.log_sections():
                report.sections.append((title, text))
    return report


def _failed(request: pytest.FixtureRequest) -> bool:
    reports = request.node.stash.get(REPORTS, {})
    return any(report.failed for report in reports.values())


# --------------------------------------------------------------------------- helpers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def artifacts_dir() -> Path:
    """``$MICROCRED_ARTIFACTS_DIR`` or ``<repo>/artifacts`` (ignored by git)."""
    configured = os.environ.get("MICROCRED_ARTIFACTS_DIR")
    return Path(configured) if configured else REPO / "artifacts"


def _test_label(node: pytest.Item | pytest.Collector) -> str:
    """``<test name>-<parameters>``: ``test_docs-sqlite`` for ``test_docs[sqlite]``."""
    name = getattr(node, "originalname", None) or node.name
    callspec = getattr(node, "callspec", None)
    label = f"{name}-{callspec.id}" if callspec is not None else name
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", label).strip("-")


def _tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return "(no output)"
    kept = text.splitlines()[-lines:]
    return "\n".join(kept) if kept else "(no output)"


def downloads(page: Page, click: Callable[[], None]) -> tuple[str, bytes]:
    """Run ``click`` (which starts a download) and return the download's suggested file
    name and its bytes."""
    with page.expect_download() as info:
        click()
    download = info.value
    failure = download.failure()
    if failure is not None:
        pytest.fail(f"the download of {download.suggested_filename} failed: {failure}")
    return download.suggested_filename, download.path().read_bytes()


# --------------------------------------------------------------------------- SMTP


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage

    def addressed_to(self, address: str) -> bool:
        wanted = address.strip().lower()
        recipients = {r.lower() for r in self.rcpt_tos}
        for header in ("To", "Cc"):
            value = self.message[header]
            if value is not None:
                recipients.update(a.addr_spec.lower() for a in value.addresses)
        return wanted in recipients


class SmtpInbox:
    """The aiosmtpd handler: keeps every email it receives (thread-safe)."""

    host = HOST

    def __init__(self) -> None:
        self.port = 0
        self._received: list[Received] = []
        self._handed_out: set[int] = set()
        self._lock = threading.Lock()
        #: Called for extra text when ``wait_for`` times out (the live server sets it).
        self.diagnostics: Callable[[], str] | None = None

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content or b""
        if isinstance(content, str):
            content = content.encode("utf-8")
        message = email.message_from_bytes(content, policy=email.policy.default)
        if not isinstance(message, EmailMessage):  # pragma: no cover - policy.default
            return "554 Transaction failed: unparsable message"
        received = Received(envelope.mail_from or "", tuple(envelope.rcpt_tos), message)
        with self._lock:
            self._received.append(received)
        return "250 Message accepted"

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    @property
    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    @property
    def messages(self) -> list[EmailMessage]:
        return [r.message for r in self.received]

    def wait_for(self, to: str, timeout: float = 20) -> EmailMessage:
        """The first email to ``to`` (envelope, To or Cc; any case) that no earlier call
        returned, waiting up to ``timeout`` seconds for it."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                for index, received in enumerate(self._received):
                    if index not in self._handed_out and received.addressed_to(to):
                        self._handed_out.add(index)
                        return received.message
            if time.monotonic() >= deadline:
                break
            time.sleep(0.05)
        seen = [f"  to {', '.join(r.rcpt_tos)}: {r.message['Subject']!r}" for r in self.received]
        lines = [f"no email to {to} arrived within {timeout:g} s; received {len(seen)}:", *seen]
        if self.diagnostics is not None:
            lines.append(self.diagnostics())
        pytest.fail("\n".join(lines))


@pytest.fixture
def smtp_inbox() -> Iterator[SmtpInbox]:
    inbox = SmtpInbox()
    inbox.port = free_port()
    controller = Controller(inbox, hostname=HOST, port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


# --------------------------------------------------------------------------- the server


@dataclass
class LiveServer:
    url: str
    inbox: SmtpInbox
    data_dir: Path
    db: str
    env: dict[str, str]
    logs: dict[str, Path]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run ``microcred <args>`` against this server's data (e.g. ``org create``)."""
        result = subprocess.run(
            [*microcred_command(), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if check and result.returncode != 0:
            pytest.fail(
                f"microcred {' '.join(args)} exited with {result.returncode}\n"
                f"{result.stdout}\n{result.stderr}"
            )
        return result

    def log_sections(self) -> list[tuple[str, str]]:
        return [
            (f"microcred {name} ({self.db}), last lines", _tail(path))
            for name, path in self.logs.items()
        ]

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT
        for process in self.processes.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


def microcred_command() -> list[str]:
    """The ``microcred`` console script of this interpreter's environment, else
    ``python -m microcred.cli.main``."""
    script = Path(sys.executable).parent / "microcred"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "microcred.cli.main"]


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(
            [*microcred_command(), *args],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _died(server: LiveServer, name: str) -> None:
    process = server.processes[name]
    pytest.fail(
        f"microcred {name} ({server.db}) exited with {process.returncode} while starting:\n"
        f"{_tail(server.logs[name])}"
    )


def _wait_until_serving(server: LiveServer) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.processes["serve"].poll() is not None:
            _died(server, "serve")
        try:
            with opener.open(f"{server.url}/openapi.json", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    pytest.fail(
        f"microcred serve ({server.db}) did not answer /openapi.json within "
        f"{START_TIMEOUT:g} s:\n{_tail(server.logs['serve'])}"
    )


def _wait_for_worker(server: LiveServer) -> None:
    """Until the worker has printed its mailer line (it is then polling the queue)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.processes["worker"].poll() is not None:
            _died(server, "worker")
        if "worker: mail" in _tail(server.logs["worker"]):
            return
        time.sleep(0.05)
    pytest.fail(f"microcred worker ({server.db}) did not start:\n{_tail(server.logs['worker'])}")


@contextmanager
def _database(db: str, data_dir: Path) -> Iterator[str]:
    """The database URL: SQLite in ``data_dir``, or a new PostgreSQL database that is
    dropped afterwards (``WITH (FORCE)``)."""
    if db == "sqlite":
        yield f"sqlite:///{data_dir / 'microcred.db'}"
        return
    with contextmanager(_postgres_engine)() as engine:
        yield engine.url.render_as_string(hide_password=False)


@pytest.fixture
def live_server_env() -> dict[str, str]:
    """Extra environment for ``live_server``; override it in a module to change settings."""
    return {}


@pytest.fixture(params=["sqlite", "postgresql"])
def live_server(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    smtp_inbox: SmtpInbox,
    live_server_env: dict[str, str],
) -> Iterator[LiveServer]:
    db: str = request.param
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    port = free_port()
    with ExitStack() as stack:
        database_url = stack.enter_context(_database(db, data_dir))
        env = {k: v for k, v in os.environ.items() if not k.startswith("MICROCRED_")}
        env.update(
            MICROCRED_DATA_DIR=str(data_dir),
            MICROCRED_DATABASE_URL=database_url,
            MICROCRED_BASE_URL=f"http://{HOST}:{port}",
            MICROCRED_SMTP_URL=f"{smtp_inbox.url}?from={SENDER}&timeout=10",
            MICROCRED_SECRET_KEY=SECRET_KEY,
            MICROCRED_BULK_PROCESSES="2",
            PYTHONUNBUFFERED="1",
        )
        env.update(live_server_env)
        server = LiveServer(
            url=f"http://{HOST}:{port}",
            inbox=smtp_inbox,
            data_dir=data_dir,
            db=db,
            env=env,
            logs={"serve": tmp_path / "serve.log", "worker": tmp_path / "worker.log"},
        )
        stack.callback(server.stop)
        # Migrate first (what `microcred db upgrade` does, without starting a process;
        # serve would migrate only SQLite), then start both processes at once.
        engine = make_engine(database_url)
        try:
            upgrade(engine)
        finally:
            engine.dispose()
        serve_args = ["serve", "--host", HOST, "--port", str(port)]
        server.processes["serve"] = _start(serve_args, env, server.logs["serve"])
        worker_args = ["worker", "--poll", "0.2"]
        server.processes["worker"] = _start(worker_args, env, server.logs["worker"])
        _wait_until_serving(server)
        _wait_for_worker(server)
        smtp_inbox.diagnostics = lambda: f"worker output:\n{_tail(server.logs['worker'])}"
        yield server


# --------------------------------------------------------------------------- the browser


@dataclass
class BrowserLog:
    """What the pages of a test reported: console errors, uncaught errors, CSP violations."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)

    _watched: set[int] = field(default_factory=set, repr=False)

    def watch(self, page: Page) -> None:
        if id(page) in self._watched:
            return
        self._watched.add(id(page))
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.page_errors.append(f"{page.url}: {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        text = message.text
        self.console_errors.append(text)
        if "Content Security Policy" in text and "[Report Only]" not in text:
            self.csp_violations.append(text)

    def problems(self) -> list[str]:
        return [f"CSP violation: {t}" for t in self.csp_violations] + [
            f"uncaught error: {t}" for t in self.page_errors
        ]

    def clear(self) -> None:
        self.console_errors.clear()
        self.page_errors.clear()
        self.csp_violations.clear()


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser_instance(playwright_instance: Playwright) -> Iterator[Browser]:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"the browser tests need Debian's chromium at {CHROMIUM}: run "
            "`apt-get install -y chromium` (as root; `./dev test` does it when it can)",
            pytrace=False,
        )
    browser = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


def _open_page(
    request: pytest.FixtureRequest,
    browser: Browser,
    log: BrowserLog,
    base_url: str | None,
) -> Iterator[Page]:
    options: dict[str, Any] = {"viewport": VIEWPORT, "accept_downloads": True}
    if base_url is not None:
        options["base_url"] = base_url
    context: BrowserContext = browser.new_context(**options)
    context.set_default_timeout(15_000)
    context.on("page", log.watch)
    page = context.new_page()
    log.watch(page)
    try:
        yield page
    finally:
        if _failed(request):
            folder = artifacts_dir() / "screenshots"
            folder.mkdir(parents=True, exist_ok=True)
            for number, open_page in enumerate(context.pages, start=1):
                suffix = "" if number == 1 else f"-{number}"
                path = folder / f"{_test_label(request.node)}-failure{suffix}.png"
                with suppress(Error):  # a crashed or closed page: the report says why
                    open_page.screenshot(path=path, full_page=True)
        context.close()
    problems = log.problems()
    if problems and not _failed(request):
        pytest.fail("the pages reported problems:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def page(
    request: pytest.FixtureRequest,
    browser_instance: Browser,
    browser_log: BrowserLog,
    live_server: LiveServer,
) -> Iterator[Page]:
    """A new context (1280x900, downloads accepted) and page; ``base_url`` is the server."""
    yield from _open_page(request, browser_instance, browser_log, live_server.url)


@pytest.fixture
def bare_page(
    request: pytest.FixtureRequest, browser_instance: Browser, browser_log: BrowserLog
) -> Iterator[Page]:
    """Like ``page`` without a server: for ``page.set_content``."""
    yield from _open_page(request, browser_instance, browser_log, None)


@pytest.fixture(name="downloads")
def downloads_fixture() -> Callable[[Page, Callable[[], None]], tuple[str, bytes]]:
    return downloads


# --------------------------------------------------------------------------- screenshots


class Shot:
    """``shot(page, name)``: a full-page PNG ``<test>-<db>-<NN>-<name>.png``."""

    def __init__(self, label: str, folder: Path) -> None:
        self.label = label
        self.folder = folder
        self.step = 0
        self.paths: list[Path] = []

    def __call__(self, page: Page, name: str) -> Path:
        self.step += 1
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "page"
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{self.label}-{self.step:02d}-{safe}.png"
        page.screenshot(path=path, full_page=True)
        self.paths.append(path)
        return path


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Shot:
    return Shot(_test_label(request.node), artifacts_dir() / "screenshots")


# --------------------------------------------------------------------------- axe


@dataclass(frozen=True)
class AxeCheck:
    test: str
    url: str
    violations: dict[str, int]  # impact -> number of rules violated


class AxeChecker:
    """``axe(page)``: run axe-core (the package's bundled ``axe.min.js``) in the page and
    fail on every serious or critical violation, and on CSP violations or uncaught errors
    the page reported.  ``ignore`` names rule ids to leave out (say why in the test)."""

    def __init__(self, test: str, log: BrowserLog, session_record: list[AxeCheck]) -> None:
        self.test = test
        self.log = log
        self.session_record = session_record
        self.checked: list[str] = []
        self._axe = Axe()

    def __call__(self, page: Page, *, ignore: tuple[str, ...] = ()) -> None:
        page.wait_for_load_state("load")
        results = self._axe.run(page)
        violations: list[dict[str, Any]] = results.response["violations"]
        counts: dict[str, int] = {}
        for violation in violations:
            impact = str(violation.get("impact"))
            counts[impact] = counts.get(impact, 0) + 1
        self.checked.append(page.url)
        self.session_record.append(AxeCheck(self.test, page.url, counts))
        failing = [
            v for v in violations if v.get("impact") in FAILING_IMPACTS and v["id"] not in ignore
        ]
        lines = [self._describe(v) for v in failing] + self.log.problems()
        if lines:
            pytest.fail(
                f"accessibility check of {page.url} failed:\n" + "\n".join(lines), pytrace=False
            )

    @staticmethod
    def _describe(violation: dict[str, Any]) -> str:
        nodes: list[dict[str, Any]] = violation.get("nodes", [])
        targets = [json.dumps(node.get("target")) for node in nodes[:3]]
        more = f" (+{len(nodes) - 3} more)" if len(nodes) > 3 else ""
        return (
            f"- {violation['id']} ({violation.get('impact')}): {violation.get('help')}\n"
            f"    at {', '.join(targets)}{more}\n    {violation.get('helpUrl', '')}"
        )


@pytest.fixture(scope="session")
def axe_record() -> Iterator[list[AxeCheck]]:
    """Every page axe checked in the session; written to ``axe-pages.json`` at the end."""
    record: list[AxeCheck] = []
    yield record
    if record:
        folder = artifacts_dir()
        folder.mkdir(parents=True, exist_ok=True)
        rows = [{"test": c.test, "url": c.url, "violations": c.violations} for c in record]
        (folder / "axe-pages.json").write_text(json.dumps(rows, indent=2) + "\n", "utf-8")


@pytest.fixture
def axe(
    request: pytest.FixtureRequest, browser_log: BrowserLog, axe_record: list[AxeCheck]
) -> AxeChecker:
    return AxeChecker(_test_label(request.node), browser_log, axe_record)
