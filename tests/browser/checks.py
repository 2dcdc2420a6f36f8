"""What the browser tests check in a page, behind the ``browser_log``, ``shot``, ``axe``
and ``downloads`` fixtures (which are in ``conftest.py``): console errors, uncaught errors
and CSP violations, full-page screenshots, axe-core accessibility checks, and downloads."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import ConsoleMessage, Page

REPO = Path(__file__).parents[2]
FAILING_IMPACTS = ("serious", "critical")


# --------------------------------------------------------------------------- helpers


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
