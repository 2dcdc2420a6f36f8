"""Console audit log: newest first, paged, filtered by action, admins only."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from microcred.domain.model import SYSTEM, AuditEntry, Organisation, Role
from microcred.services.access import create_api_key
from microcred.services.organisations import Platform
from tests.unit.web.conftest import NOW
from tests.unit.web.ui.console_support import signed_in_as
from tests.unit.web.ui.support import sign_in, submit

AUDIT = "/console/acme/audit"


def actions_shown(html: str) -> list[str]:
    return re.findall(r"<td><code>([a-z_.]+)</code></td>", html)


def log(platform: Platform, org: Organisation, count: int, action: str = "test.entry") -> None:
    with platform.uow() as uow:
        for n in range(count):
            at = NOW + timedelta(seconds=n)
            uow.audit.append(AuditEntry(org.id, "system:test", action, str(n), {"n": n}, at))
        uow.commit()


def test_entries_are_newest_first_with_who_did_them(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    sign_in(client)
    submit(client, "/console/acme/members", {"email": "x@acme.example", "role": "viewer"})
    issued = create_api_key(platform, acme.id, name="CI", role=Role.ADMIN, actor=SYSTEM)
    client.post(
        "/api/v1/orgs/acme/api-keys",
        json={"name": "Deploy", "role": "viewer"},
        headers={"Authorization": f"Bearer {issued.secret}"},
    )
    page = client.get(AUDIT)
    assert page.status_code == 200
    shown = actions_shown(page.text)
    assert shown[:3] == ["api_key.create", "api_key.create", "member.invite"]
    assert shown[-1] in {"organisation.create", "member.role", "key.create"}
    assert f"API key “CI” ({issued.key.prefix})" in page.text
    assert "owner@acme.example" in page.text  # the user who invited
    assert "<dt>role</dt><dd>viewer</dd>" in page.text


def test_paging_and_filtering(client: TestClient, acme: Organisation, platform: Platform) -> None:
    log(platform, acme, 55)
    log(platform, acme, 2, action="other.thing")
    sign_in(client)
    first = client.get(AUDIT).text
    assert len(actions_shown(first)) == 50
    assert "page 1 of 2" in first and 'href="/console/acme/audit?action=&amp;page=2"' in first
    second = client.get(AUDIT + "?page=2").text
    assert len(actions_shown(second)) == 60 - 50  # with the 3 entries of the creation
    assert "Newer entries" in second and "Older entries" not in second
    filtered = client.get(AUDIT + "?action=other.").text
    assert actions_shown(filtered) == ["other.thing", "other.thing"]
    assert '<option value="test.entry">' in filtered  # the known actions are offered
    assert actions_shown(client.get(AUDIT + "?action=%25").text) == []  # no wildcards
    assert client.get(AUDIT + "?page=0").status_code == 422


def test_details_are_escaped(client: TestClient, acme: Organisation, platform: Platform) -> None:
    with platform.uow() as uow:
        detail = {"name": "<script>alert(1)</script>", "list": ["a", "b"]}
        uow.audit.append(AuditEntry(acme.id, "system:test", "x.y", "<b>", detail, NOW))
        uow.commit()
    sign_in(client)
    page = client.get(AUDIT).text
    assert "<script>alert(1)</script>" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<dt>list</dt><dd>[&#34;a&#34;, &#34;b&#34;]</dd>" in page


def test_the_audit_log_is_for_admins(
    client: TestClient, acme: Organisation, globex: Organisation, platform: Platform
) -> None:
    signed_in_as(client, platform, acme, Role.ISSUER)
    assert client.get(AUDIT).status_code == 403
    client.cookies.clear()
    signed_in_as(client, platform, acme, Role.ADMIN)
    assert client.get(AUDIT).status_code == 200
    assert client.get("/console/globex/audit").status_code == 403
