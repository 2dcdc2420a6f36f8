"""The browser-test fixtures themselves: the server and worker start on both databases,
chromium opens a page under the app's CSP, screenshots and axe work, the inbox receives
mail, downloads arrive, and axe and the CSP watch do fail when they should."""

from __future__ import annotations

import re
import smtplib
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.checks import AxeChecker, BrowserLog, Shot, downloads
from tests.browser.live import SENDER, LiveServer, SmtpInbox


def test_the_server_runs_and_its_docs_page_passes_axe_under_its_csp(
    live_server: LiveServer, page: Page, shot: Shot, axe: AxeChecker
) -> None:
    response = page.goto("/docs")
    assert response is not None and response.status == 200
    assert "default-src 'none'" in (response.headers.get("content-security-policy") or "")
    assert page.locator("h1").inner_text().startswith("microcred")
    assert page.get_by_role("link", name="/openapi.json").is_visible()
    path = shot(page, "docs")
    assert path.name.endswith(f"_under_its_csp-{live_server.db}-01-docs.png")
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    axe(page)  # axe.min.js is evaluated over CDP: the page's CSP does not stop it
    assert axe.checked == [f"{live_server.url}/docs"]


def test_the_worker_mails_an_award_to_the_inbox(live_server: LiveServer) -> None:
    live_server.cli("org", "create", "acme", "--name", "Acme Academy", "--owner", "o@acme.test")
    created = live_server.cli(
        "achievement",
        "create",
        "--org",
        "acme",
        "--name",
        "Smoke",
        "--description",
        "d",
        "--criteria",
        "Pass the smoke test.",
        "--publish",
    ).stdout
    achievement = re.search(r"achievement (\S+) \(published\)", created)
    assert achievement is not None, created
    live_server.cli(
        "award", "--org", "acme", "--achievement", achievement[1], "--email", "l@example.org"
    )
    message = live_server.inbox.wait_for("l@example.org")
    assert message["Subject"] == "You've earned Smoke from Acme Academy"
    assert message["From"] == SENDER
    text = message.get_body(("plain",))
    assert text is not None and f"{live_server.url}/claim/" in text.get_content()


def test_the_inbox_receives_what_is_sent_to_its_port(smtp_inbox: SmtpInbox) -> None:
    message = EmailMessage()
    message["From"], message["To"] = "sender@example.org", "Learner@Example.org"
    message["Subject"] = "Grüße"
    message.set_content("hello")
    with smtplib.SMTP(smtp_inbox.host, smtp_inbox.port, timeout=5) as client:
        client.send_message(message)
    received = smtp_inbox.wait_for("learner@example.org", timeout=5)
    assert received["Subject"] == "Grüße" and received.get_content().strip() == "hello"
    assert smtp_inbox.messages == [received]
    with pytest.raises(pytest.fail.Exception, match=r"no email to learner@example\.org"):
        smtp_inbox.wait_for("learner@example.org", timeout=0.2)  # each one is handed out once


def test_axe_fails_on_serious_violations_and_downloads_arrive(
    bare_page: Page, axe: AxeChecker, shot: Shot
) -> None:
    bare_page.set_content(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<a id="get" href="data:text/plain;base64,aGVsbG8=" download="hello.txt">get it</a>'
        "</main></body></html>"
    )
    with pytest.raises(pytest.fail.Exception, match=r"image-alt \(critical\)"):
        axe(bare_page)
    axe(bare_page, ignore=("image-alt",))
    assert shot(bare_page, "static").name.endswith("-01-static.png")
    assert downloads(bare_page, lambda: bare_page.click("#get")) == ("hello.txt", b"hello")


def test_csp_violations_are_caught(
    bare_page: Page, browser_log: BrowserLog, axe: AxeChecker
) -> None:
    bare_page.set_content(
        '<!doctype html><html lang="en"><head><title>t</title><meta http-equiv='
        '"Content-Security-Policy" content="script-src \'self\'"></head>'
        "<body><main><script>document.title = 'ran'</script></main></body></html>"
    )
    assert bare_page.title() == "t"
    with pytest.raises(pytest.fail.Exception, match="CSP violation"):
        axe(bare_page)
    assert browser_log.csp_violations
    browser_log.clear()  # provoked on purpose: the teardown check must not fail the test


def test_artifacts_go_to_the_configured_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, bare_page: Page, request: pytest.FixtureRequest
) -> None:
    monkeypatch.setenv("MICROCRED_ARTIFACTS_DIR", str(tmp_path))
    shot = request.getfixturevalue("shot")
    bare_page.set_content("<p>x</p>")
    assert shot(bare_page, "a b").parent == tmp_path / "screenshots"
