"""The whole story in a real browser, on SQLite and on PostgreSQL.

A provider signs up, creates an achievement and awards it by CSV to three people; a
learner opens the claim link from the email the SMTP server received, downloads the
baked PNG and the PDF; the public verifier accepts the PNG; the provider revokes the
credential, and the verifier and the credential page then show it as revoked.  Every
step saves a screenshot (CI artifact) and every page is checked with axe-core.

``MICROCRED_README_SCREENSHOTS=1`` also writes the README's pictures to
``docs/screenshots/`` (from the SQLite run).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pypdfium2
import zxingcpp
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from microcred.core.baking import extract_png
from tests.browser.checks import AxeChecker, Shot, downloads
from tests.browser.live import LiveServer

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough password"
LEARNERS = (
    ("ada@example.org", "Ada Lovelace"),
    ("alan@example.org", "Alan Turing"),
    ("grace@example.org", "Grace Hopper"),
)


def readme_shot(page: Page, server: LiveServer, name: str) -> None:
    if os.environ.get("MICROCRED_README_SCREENSHOTS") == "1" and server.db == "sqlite":
        page.screenshot(path=REPO / "docs" / "screenshots" / f"{name}.png")


def sign_up(page: Page, shot: Shot, axe: AxeChecker) -> None:
    page.goto("/")
    shot(page, "home")
    axe(page)
    page.get_by_role("link", name="Start issuing").first.click()
    axe(page)
    page.get_by_label("Organisation name").fill("Northwind Academy")
    page.get_by_label("Web address").fill("northwind")
    page.get_by_label("Your email address").fill("owner@northwind.example")
    page.get_by_label("Choose a password").fill(PASSWORD)
    shot(page, "sign-up")
    page.get_by_role("button", name="Create organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    shot(page, "dashboard-new")
    axe(page)


def create_achievement(page: Page, server: LiveServer, shot: Shot, axe: AxeChecker) -> None:
    page.get_by_role("link", name="Achievements", exact=True).click()
    axe(page)
    page.get_by_role("link", name="New achievement", exact=True).click()
    page.locator("#f-name").fill("Data Literacy")
    page.locator("#f-description").fill("Reads, questions and explains data with care.")
    page.locator("#f-criteria_narrative").fill(
        "Passed the **four** modules and the final project. [Syllabus](https://example.org/s)"
    )
    page.locator("#f-alignment_0_target_name").fill("Data literacy")
    page.locator("#f-alignment_0_target_url").fill("https://esco.example/skill/data-literacy")
    page.locator("#f-alignment_0_target_framework").fill("ESCO")
    page.locator("#f-valid_for").fill("24")
    page.locator("#f-valid_unit").select_option("months")
    page.locator("#f-badge_colour").fill("#0f766e")
    page.locator("#f-badge_icon").select_option("star")
    preview = page.get_by_alt_text("Preview of the designed badge")
    expect(preview).to_have_attribute("src", re.compile("badge_colour=%230f766e"))
    shot(page, "achievement-form")
    readme_shot(page, server, "achievement-form")
    axe(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("saved as a draft")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("published")
    shot(page, "achievement-published")
    axe(page)


def award_by_csv(
    page: Page, server: LiveServer, tmp_path: Path, shot: Shot, axe: AxeChecker
) -> None:
    rows = "".join(f"{email},{name}\n" for email, name in LEARNERS)
    csv = tmp_path / "cohort.csv"
    csv.write_text("email,name\n" + rows, encoding="utf-8")
    page.get_by_role("link", name="Award it").click()
    axe(page)
    page.locator("#f-csv_file").set_input_files(csv)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check of the CSV file")
    shot(page, "csv-checked")
    axe(page)
    page.get_by_role("button", name=re.compile("Confirm and issue")).click()
    expect(page.locator("#issued-count")).to_have_text("3", timeout=60_000)
    shot(page, "csv-done")
    axe(page)


def open_claim_link(page: Page, server: LiveServer, shot: Shot, axe: AxeChecker) -> str:
    message = server.inbox.wait_for(LEARNERS[0][0], timeout=60)
    body = message.get_body(("plain",))
    assert body is not None
    link = re.search(r"(http://\S+/claim/\S+)", body.get_content())
    assert link is not None, body.get_content()
    page.goto(link[1])
    expect(page.get_by_role("heading", level=1)).to_contain_text("Data Literacy")
    expect(page.locator(".verdict")).to_contain_text("Verified")
    shot(page, "credential-page")
    readme_shot(page, server, "credential-page")
    axe(page)
    return page.url


def download_png_and_pdf(page: Page, page_url: str, tmp_path: Path) -> Path:
    name, png = downloads(page, lambda: page.locator("a[href$='/badge.png']").first.click())
    assert name.endswith(".png")
    baked = extract_png(png)
    assert page_url.rstrip("/") in str(baked)
    _, pdf = downloads(page, lambda: page.locator("a[href$='/certificate.pdf']").first.click())
    text = "".join(p.extract_text() for p in PdfReader(_file(tmp_path, "c.pdf", pdf)).pages)
    assert "Data Literacy" in text and "Ada Lovelace" in text
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=2).to_pil()
    codes = [code.text for code in zxingcpp.read_barcodes(image)]
    assert codes == [page_url]
    return _file(tmp_path, "badge.png", png)


def _file(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def verify_file(page: Page, png: Path, shot: Shot, axe: AxeChecker, label: str) -> None:
    page.goto("/verify")
    axe(page)
    page.locator("input[type=file]").first.set_input_files(png)
    page.locator("input[type=file]").first.locator("xpath=ancestor::form").locator(
        "button[type=submit]"
    ).click()
    expect(page.locator(".verdict")).to_be_visible()
    shot(page, f"verifier-{label}")
    axe(page)


def drop_file(page: Page, png: Path, shot: Shot, axe: AxeChecker) -> None:
    """The employer drops the badge on the verifier's file card (it is sent at once)."""
    page.goto("/verify")
    expect(page.locator(".drop-hint")).to_be_visible()
    dropped = page.evaluate_handle(
        """(bytes) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array(bytes)], "badge.png", {type: "image/png"}));
            return transfer;
        }""",
        list(png.read_bytes()),
    )
    page.dispatch_event("[data-dropzone]", "drop", {"dataTransfer": dropped})
    expect(page.locator(".verdict")).to_be_visible()
    shot(page, "verifier-dropped")
    axe(page)


def revoke(page: Page, shot: Shot, axe: AxeChecker) -> None:
    page.goto("/console/northwind/credentials?q=ada%40example.org")
    axe(page)
    page.get_by_role("link", name="Ada Lovelace").click()
    page.locator("#reason-revoke").fill("The final project was not the learner's own work.")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("status")).to_contain_text("revoked")
    shot(page, "revoked-in-console")
    axe(page)


def visit_console(page: Page, server: LiveServer, shot: Shot, axe: AxeChecker) -> None:
    """The other console pages render and pass axe."""
    for path, name in (
        ("", "dashboard"),
        ("/credentials", "credentials"),
        ("/members", "members"),
        ("/keys", "keys"),
        ("/api-keys", "api-keys"),
        ("/audit", "audit"),
        ("/settings", "settings"),
    ):
        page.goto(f"/console/northwind{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        shot(page, name)
        if name in ("dashboard", "credentials"):
            readme_shot(page, server, f"console-{name}")
        axe(page)


def test_provider_learner_and_employer(
    live_server: LiveServer, page: Page, shot: Shot, axe: AxeChecker, tmp_path: Path
) -> None:
    page.on("dialog", lambda dialog: dialog.accept())
    sign_up(page, shot, axe)
    create_achievement(page, live_server, shot, axe)
    award_by_csv(page, live_server, tmp_path, shot, axe)
    learner = page.context.browser.new_context(  # type: ignore[union-attr]
        base_url=live_server.url, accept_downloads=True, viewport={"width": 1280, "height": 900}
    )
    learner_page = learner.new_page()
    page_url = open_claim_link(learner_page, live_server, shot, axe)
    png = download_png_and_pdf(learner_page, page_url, tmp_path)
    drop_file(learner_page, png, shot, axe)
    expect(learner_page.locator(".verdict")).to_contain_text("Verified")
    readme_shot(learner_page, live_server, "verifier")
    revoke(page, shot, axe)
    verify_file(learner_page, png, shot, axe, "revoked")
    expect(learner_page.locator(".verdict")).to_contain_text("Revoked")
    learner_page.goto(page_url)
    expect(learner_page.locator(".verdict")).to_contain_text("Revoked")
    shot(learner_page, "credential-page-revoked")
    axe(learner_page)
    visit_console(page, live_server, shot, axe)
    learner.close()
