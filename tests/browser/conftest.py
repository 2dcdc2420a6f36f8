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
                        plain function in ``checks.py``.

What is behind them lives beside this file: ``live.py`` has the SMTP inbox
(``SmtpInbox``), the server and worker processes (``LiveServer``) and ``SENDER``;
``checks.py`` has ``BrowserLog``, ``Shot``, ``AxeChecker`` and ``downloads``.  Tests
import those from there.

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

import json
import os
from collections.abc import Callable, Generator, Iterator
from contextlib import ExitStack, suppress
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Error,
    Page,
    Playwright,
    sync_playwright,
)

from microcred.adapters.db.engine import make_engine, upgrade
from tests.browser.checks import (
    AxeCheck,
    AxeChecker,
    BrowserLog,
    Shot,
    _test_label,
    artifacts_dir,
    downloads,
)
from tests.browser.live import (
    HOST,
    SENDER,
    LiveServer,
    SmtpInbox,
    _database,
    _start,
    _tail,
    _wait_for_worker,
    _wait_until_serving,
    free_port,
)

HERE = Path(__file__).parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 900}
SECRET_KEY = "browser-tests-secret-key-not-for-production"

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


# --------------------------------------------------------------------------- the SMTP inbox


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


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Shot:
    return Shot(_test_label(request.node), artifacts_dir() / "screenshots")


# --------------------------------------------------------------------------- axe


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
