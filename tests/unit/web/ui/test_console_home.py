"""The console dashboard: counts, soon-expiring credentials, the weekly chart, and that
every console page escapes what an organisation stored (its name, members, keys)."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from microcred.domain.model import SYSTEM, Organisation, Role
from microcred.services.access import create_api_key
from microcred.services.organisations import Platform, create_organisation
from microcred.services.status import revoke, suspend
from tests.unit.web.conftest import NOW, PASSWORD, FakeClock
from tests.unit.web.issuing_support import awarded, published
from tests.unit.web.ui.console_support import CONSOLE_PAGES, add_person, signed_in_as
from tests.unit.web.ui.support import sign_in, submit

SCRIPT = "<script>alert(1)</script>"


def stats(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'class="stat">(\d+)<', html)]


def test_a_new_organisation_is_shown_how_to_start(client: TestClient, acme: Organisation) -> None:
    sign_in(client)
    page = client.get("/console/acme")
    assert page.status_code == 200
    assert "Getting started" in page.text
    assert 'href="/console/acme/achievements/new"' in page.text
    assert stats(page.text) == [0, 0, 0, 0, 0, 0]
    assert 'role="img"' in page.text
    assert "over the last 12 weeks: 0 in all." in page.text
    assert len(re.findall(r"<tr><td>\d+ \w+ \d{4}</td><td>0</td></tr>", page.text)) == 12


def test_counts_expiring_credentials_and_weeks(
    client: TestClient, acme: Organisation, platform: Platform, clock: FakeClock
) -> None:
    achievement = published(platform, acme)  # valid for 12 months
    clock.now = NOW - timedelta(days=300)  # these expire in 65 days
    soon = [awarded(platform, acme, achievement, f"old{i}@example.org") for i in range(2)]
    clock.now = NOW - timedelta(days=40)  # Tuesday 20 January 2026
    earlier = awarded(platform, acme, achievement, "earlier@example.org")
    clock.now = NOW  # Sunday 1 March 2026: its week started on 23 February
    fresh = [awarded(platform, acme, achievement, f"new{i}@example.org") for i in range(2)]
    revoke(platform, SYSTEM, earlier.id, "mistake")
    suspend(platform, SYSTEM, fresh[0].id, "review")
    sign_in(client)
    page = client.get("/console/acme").text
    assert stats(page) == [5, 2, 1, 1, 2, 1]
    assert "Getting started" not in page
    for credential in soon:
        assert f'href="/console/acme/credentials/{credential.id}"' in page
    assert "<tr><td>19 January 2026</td><td>1</td></tr>" in page
    assert "<tr><td>23 February 2026</td><td>2</td></tr>" in page
    assert "over the last 12 weeks: 3 in all." in page
    assert page.count('class="bar"') == 2


def test_viewers_see_the_dashboard_members_of_others_do_not(
    client: TestClient, acme: Organisation, globex: Organisation, platform: Platform
) -> None:
    signed_in_as(client, platform, acme, Role.VIEWER)
    assert client.get("/console/acme").status_code == 200
    assert client.get("/console/globex").status_code == 403


def test_a_stored_script_is_escaped_on_every_console_page(
    client: TestClient, platform: Platform
) -> None:
    org = create_organisation(
        platform, name=SCRIPT, slug="xss", owner_email="o@xss.example", owner_password=PASSWORD
    )
    add_person(platform, org, "member@xss.example", Role.ISSUER, name=SCRIPT)
    create_api_key(platform, org.id, name=SCRIPT, role=Role.VIEWER, actor=SYSTEM)
    sign_in(client, "o@xss.example")
    pages = [client.get(f"/console/xss{path}") for path in CONSOLE_PAGES]
    created = submit(client, "/console/xss/api-keys", {"name": SCRIPT, "role": "viewer"})
    invited = submit(client, "/console/xss/members", {"email": "n@xss.example", "role": "viewer"})
    link = re.search(r'value="https://badges\.example(/invitations/[^"]+)"', invited.text)
    assert link is not None
    shown = [*pages, created, invited, client.get(link.group(1))]
    for number, page in enumerate(shown):
        assert page.status_code == 200, number
        assert SCRIPT not in page.text, number
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text, number
