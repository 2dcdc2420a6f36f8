"""Every other page in a real browser, with axe-core on each, on SQLite and PostgreSQL:
hostile names that must render inert (no script runs: an ``alert`` would open a dialog),
members and invitations, API keys, keys, settings, audit, the verifier's other inputs and
errors, pages without JavaScript, and a phone-sized screen."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Dialog, Page, expect

from tests.browser.checks import AxeChecker, Shot, downloads
from tests.browser.live import LiveServer

PASSWORD = "a long enough password"
XSS_ORG = "<script>alert(1)</script>"
XSS_ACHIEVEMENT = "<img src=x onerror=alert(2)>"
XSS_CRITERIA = "Read the [handbook](javascript:alert(3)) first."
HOSTILE_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(4)">'
    b"<script>alert(5)</script><circle r='9'/></svg>"
)


class Alerts:
    """Every ``alert`` a page opened (a script ran); confirmations are accepted."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, dialog: Dialog) -> None:
        if dialog.type == "alert":
            self.seen.append(dialog.message)
        dialog.accept()


def sign_up_hostile(page: Page, shot: Shot, axe: AxeChecker) -> None:
    page.goto("/sign-up")
    page.get_by_label("Organisation name").fill(XSS_ORG)
    page.get_by_label("Web address").fill("hostile")
    page.get_by_label("Your email address").fill("owner@hostile.example")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_role("button", name="Create organisation").click()
    expect(page.locator(".org-name")).to_have_text(XSS_ORG)
    shot(page, "hostile-dashboard")
    axe(page)


def refuse_hostile_svg(page: Page, tmp_path: Path, shot: Shot, axe: AxeChecker) -> None:
    svg = tmp_path / "badge.svg"
    svg.write_bytes(HOSTILE_SVG)
    page.goto("/console/hostile/achievements/new")
    page.locator("#f-name").fill(XSS_ACHIEVEMENT)
    page.locator("#f-description").fill(XSS_ORG)
    page.locator("#f-criteria_narrative").fill(XSS_CRITERIA)
    page.get_by_label("Upload a PNG or SVG").check()
    page.locator("#f-image_file").set_input_files(svg)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#error-summary")).to_contain_text("image:")
    shot(page, "hostile-svg-refused")
    axe(page)


def publish_and_award(page: Page, shot: Shot, axe: AxeChecker) -> None:
    page.get_by_label("Design a badge").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(XSS_ACHIEVEMENT)
    axe(page)
    page.get_by_role("link", name="Award it").click()
    page.get_by_label("Recipient's email address").fill("lin@example.org")
    page.get_by_label("Recipient's name").fill("Lin <b>Bold</b>")
    page.get_by_role("button", name="Issue credential").click()
    expect(page.get_by_role("status")).to_contain_text("issued")
    shot(page, "awarded-one")
    axe(page)


def more_console_pages(page: Page, tmp_path: Path, shot: Shot, axe: AxeChecker) -> None:
    """The edit form, a CSV with bad rows, and the list of one's organisations."""
    page.goto("/console/hostile/achievements")
    page.get_by_role("link", name=XSS_ACHIEVEMENT).first.click()
    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.locator(".alert.warning")).to_contain_text("new draft version")
    axe(page)
    bad = tmp_path / "bad.csv"
    bad.write_text("email,name\nnot-an-email,Nobody\nok@example.org,Fine\n", encoding="utf-8")
    page.goto("/console/hostile/awards")
    page.locator("#f-csv_file").set_input_files(bad)
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("table")).to_contain_text("not-an-email")
    shot(page, "csv-with-a-bad-row")
    axe(page)
    page.goto("/sign-up")
    page.get_by_label("Organisation name").fill("Second School")
    page.get_by_label("Web address").fill("second")
    page.get_by_label("Your email address").fill("owner@hostile.example")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_role("button", name="Create organisation").click()
    page.goto("/console")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your organisations")
    axe(page)


def public_page_is_inert(page: Page, shot: Shot, axe: AxeChecker) -> str:
    page.locator("dl.facts a[href*='/credentials/']").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(XSS_ACHIEVEMENT)
    expect(page.locator("body")).to_contain_text(XSS_ORG)
    expect(page.locator("body")).to_contain_text("Lin <b>Bold</b>")
    handbook = page.get_by_text("handbook", exact=True)
    expect(handbook).to_be_visible()
    assert handbook.get_attribute("href") in (None, "")
    assert page.locator("a[href^='javascript:' i]").count() == 0
    shot(page, "hostile-credential-page")
    axe(page)
    return page.url


def members_and_invitation(
    page: Page, browser: Browser, server: LiveServer, shot: Shot, axe: AxeChecker
) -> None:
    page.goto("/console/hostile/members")
    page.get_by_label("Email address").fill("new.colleague@example.org")
    page.get_by_label("Role").select_option("issuer")
    page.get_by_role("button", name="Add member").click()
    link = page.locator("#invitation-link").input_value()
    assert "/invitations/" in link
    emailed = server.inbox.wait_for("new.colleague@example.org", timeout=60)
    body = emailed.get_body(("plain",))
    assert body is not None and link in body.get_content()  # the worker mailed the link
    shot(page, "member-invited")
    axe(page)
    guest = browser.new_context(base_url=server.url)
    other = guest.new_page()
    other.goto(link)
    axe(other)
    other.get_by_label("Your name").fill("New Colleague")
    other.get_by_label("Choose a password").fill(PASSWORD)
    other.get_by_role("button", name="Join and sign in").click()
    expect(other.locator(".role")).to_contain_text("issuer")
    shot(other, "invitation-accepted")
    guest.close()


def keys_settings_audit(page: Page, shot: Shot, axe: AxeChecker) -> None:
    page.goto("/console/hostile/api-keys")
    page.get_by_label("Name").fill("Learning platform")
    page.get_by_role("button", name="Create API key").click()
    expect(page.locator("body")).to_contain_text("mc_")
    shot(page, "api-key-created")
    axe(page)
    page.goto("/console/hostile/keys")
    page.get_by_role("button", name=re.compile("Rotate")).click()
    expect(page.get_by_role("status")).to_contain_text("signs from now on")
    axe(page)
    page.goto("/console/hostile/settings")
    page.get_by_label("Website").fill("https://hostile.example")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_contain_text("saved")
    axe(page)
    page.goto("/console/hostile/audit")
    expect(page.locator("body")).to_contain_text("key.rotate")
    axe(page)
    page.goto("/console/hostile/credentials?q=lin")
    axe(page)


def verifier_inputs(page: Page, credential_url: str, shot: Shot, axe: AxeChecker) -> None:
    page.goto(credential_url)
    _, document = downloads(page, lambda: page.locator("a[href$='/credential.json']").click())
    page.goto("/verify")
    page.locator("textarea").first.fill(document.decode("utf-8"))
    page.get_by_role("button", name="Verify the text").click()
    expect(page.locator(".verdict")).to_contain_text("Verified")
    axe(page)
    tampered = document.decode("utf-8").replace("Lin <b>Bold</b>", "Someone Else")
    page.goto("/verify")
    page.locator("textarea").first.fill(tampered)
    page.get_by_role("button", name="Verify the text").click()
    expect(page.locator(".verdict")).to_contain_text("Not valid")
    shot(page, "verifier-tampered")
    axe(page)
    page.goto("/verify")
    page.locator("input[type=url]").fill("https://elsewhere.example/credential.json")
    page.get_by_role("button", name="Verify the address").click()
    expect(page.locator("#error-summary")).to_contain_text("elsewhere.example")
    shot(page, "verifier-host-refused")
    axe(page)


def plain_pages(page: Page, axe: AxeChecker) -> None:
    page.goto("/claim/not-a-real-token")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe(page)
    page.goto("/no/such/page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Not Found")
    axe(page)
    page.get_by_role("button", name="Sign out").click()
    page.goto("/sign-in")
    axe(page)


def without_javascript(browser: Browser, server: LiveServer, url: str, shot: Shot) -> None:
    context = browser.new_context(base_url=server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(url)
    expect(page.locator(".verdict")).to_contain_text("Verified")
    page.goto("/sign-in")
    page.get_by_label("Email address").fill("owner@hostile.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your organisations")
    page.goto("/console/hostile/achievements/new")
    page.locator("#f-name").fill("Plain HTML")
    page.locator("#f-description").fill("Made without JavaScript.")
    page.locator("#f-criteria_narrative").fill("Sent a form with JavaScript turned off.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("saved as a draft")
    shot(page, "no-javascript")
    context.close()


def on_a_phone(browser: Browser, server: LiveServer, url: str, shot: Shot, axe: AxeChecker) -> None:
    context = browser.new_context(base_url=server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(url)
    shot(page, "phone-credential-page")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > 391)"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className)"
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px screen: {wide}"
    axe(page)
    page.goto("/verify")
    axe(page)
    context.close()


def test_every_other_page(
    live_server: LiveServer, page: Page, shot: Shot, axe: AxeChecker, tmp_path: Path
) -> None:
    alerts = Alerts()
    page.on("dialog", alerts)
    browser = page.context.browser
    assert browser is not None
    sign_up_hostile(page, shot, axe)
    refuse_hostile_svg(page, tmp_path, shot, axe)
    publish_and_award(page, shot, axe)
    url = public_page_is_inert(page, shot, axe)
    more_console_pages(page, tmp_path, shot, axe)
    members_and_invitation(page, browser, live_server, shot, axe)
    keys_settings_audit(page, shot, axe)
    verifier_inputs(page, url, shot, axe)
    plain_pages(page, axe)
    without_javascript(browser, live_server, url, shot)
    on_a_phone(browser, live_server, url, shot, axe)
    assert alerts.seen == [], f"a script ran: {alerts.seen}"
    assert len(axe.checked) >= 20
