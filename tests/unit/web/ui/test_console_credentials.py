"""Console credentials: search, and revoke / suspend / reinstate with a reason."""

from __future__ import annotations

from fastapi.testclient import TestClient

from microcred.domain.model import SYSTEM, Organisation
from microcred.services.access import audit_entries
from microcred.services.credential_queries import get_credential
from microcred.services.organisations import Platform
from tests.unit.web.issuing_support import awarded, published
from tests.unit.web.ui.support import sign_in, submit


def test_search_finds_by_name_and_email(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    achievement = published(platform, acme)
    awarded(platform, acme, achievement, "ada@example.org", recipient_name="Ada Lovelace")
    awarded(platform, acme, achievement, "alan@example.org", recipient_name="Alan Turing")
    sign_in(client)
    everything = client.get("/console/acme/credentials").text
    assert "Ada Lovelace" in everything and "Alan Turing" in everything
    by_name = client.get("/console/acme/credentials?q=turing").text
    assert "Alan Turing" in by_name and "Ada Lovelace" not in by_name
    by_email = client.get("/console/acme/credentials?q=ada@example.org").text
    assert "Ada Lovelace" in by_email and "Alan Turing" not in by_email
    none = client.get("/console/acme/credentials?state=revoked").text
    assert "0 credentials found" in none


def test_suspend_reinstate_revoke_with_reasons(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    achievement = published(platform, acme)
    credential = awarded(platform, acme, achievement, "ada@example.org")
    sign_in(client)
    page = f"/console/acme/credentials/{credential.id}"
    missing = submit(client, page + "/suspend", {"reason": ""})
    assert missing.status_code == 422
    assert not get_credential(platform, SYSTEM, acme.id, credential.id).suspended
    assert submit(client, page + "/suspend", {"reason": "Under review"}).status_code == 303
    assert get_credential(platform, SYSTEM, acme.id, credential.id).suspended
    assert "Under review" in client.get(page).text
    assert submit(client, page + "/reinstate", {"reason": "Review passed"}).status_code == 303
    assert not get_credential(platform, SYSTEM, acme.id, credential.id).suspended
    revoked = submit(client, page + "/revoke", {"reason": "Plagiarism"})
    assert revoked.headers["location"].endswith("?notice=revoked")
    assert get_credential(platform, SYSTEM, acme.id, credential.id).revoked
    text = client.get(revoked.headers["location"]).text
    assert "The credential was revoked." in text and "Plagiarism" in text
    actions = [e.action for e in audit_entries(platform, acme.id, actor=SYSTEM)]
    for action in ("credential.suspend", "credential.reinstate", "credential.revoke"):
        assert action in actions


def test_other_organisations_credentials_are_not_reachable(
    client: TestClient, acme: Organisation, globex: Organisation, platform: Platform
) -> None:
    theirs = awarded(platform, globex, published(platform, globex), "x@example.org")
    sign_in(client)
    assert client.get(f"/console/acme/credentials/{theirs.id}").status_code == 404
    response = submit(client, f"/console/acme/credentials/{theirs.id}/revoke", {"reason": "x"})
    assert response.status_code == 404
    assert not get_credential(platform, SYSTEM, globex.id, theirs.id).revoked
    assert client.get(f"/console/globex/credentials/{theirs.id}").status_code == 403


def test_revoke_without_token_changes_nothing(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    credential = awarded(platform, acme, published(platform, acme), "ada@example.org")
    sign_in(client)
    response = client.post(
        f"/console/acme/credentials/{credential.id}/revoke", data={"reason": "x"}
    )
    assert response.status_code == 403
    assert not get_credential(platform, SYSTEM, acme.id, credential.id).revoked
