"""Console awards: one at a time, and from CSV through check, confirmation, progress and
result (the background job run by the worker's code)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from microcred.domain.model import SYSTEM, Organisation
from microcred.services.credential_queries import search_credentials
from microcred.services.organisations import Platform
from microcred.services.worker import run_due
from tests.unit.services.test_worker import Recorder
from tests.unit.web.issuing_support import published
from tests.unit.web.ui.support import sign_in, submit

CSV = (
    "email,name\n"
    "ada@example.org,Ada Lovelace\n"
    "alan@example.org,Alan Turing\n"
    "grace@example.org,Grace Hopper\n"
)


def _count(platform: Platform, org: Organisation) -> int:
    return search_credentials(platform, SYSTEM, org.id).total


def test_award_one_goes_to_the_credential_page(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    achievement = published(platform, acme)
    sign_in(client)
    page = client.get(f"/console/acme/awards?achievement={achievement}")
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.text)
    assert key is not None
    fields = {
        "achievement": achievement,
        "email": "ada@example.org",
        "name": "Ada Lovelace",
        "idempotency_key": key.group(1),
    }
    first = submit(client, "/console/acme/awards/one", fields)
    assert first.status_code == 303, first.text
    assert "?notice=awarded" in first.headers["location"]
    again = submit(client, "/console/acme/awards/one", fields)  # the same form sent twice
    assert again.headers["location"] == first.headers["location"]
    assert _count(platform, acme) == 1
    shown = client.get(first.headers["location"])
    assert "Ada Lovelace" in shown.text and "active" in shown.text


def test_award_one_with_a_bad_email_keeps_the_form(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    achievement = published(platform, acme)
    sign_in(client)
    fields = {"achievement": achievement, "email": "not-an-email", "idempotency_key": "k1"}
    response = submit(client, "/console/acme/awards/one", fields)
    assert response.status_code == 422
    assert 'value="not-an-email"' in response.text
    assert _count(platform, acme) == 0


def test_csv_check_confirm_progress_result(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    achievement = published(platform, acme)
    sign_in(client)
    files = {"csv_file": ("cohort.csv", CSV.encode(), "text/csv")}
    check = submit(client, "/console/acme/awards/csv", {"achievement": achievement}, files=files)
    assert check.status_code == 200, check.text
    assert "Confirm and issue" in check.text
    assert _count(platform, acme) == 0  # checking issues nothing
    data = re.search(r'name="csv_data" value="([^"]+)"', check.text)
    assert data is not None
    confirm = submit(
        client,
        "/console/acme/awards/csv/confirm",
        {"achievement": achievement, "csv_data": data.group(1)},
    )
    assert confirm.status_code == 303
    progress = confirm.headers["location"]
    assert "Waiting for a worker" in client.get(progress).text
    outbox = Recorder()
    run_due(platform, outbox)  # the bulk job, then the three emails
    run_due(platform, outbox)
    result = client.get(progress).text
    assert 'id="issued-count">3<' in result
    assert _count(platform, acme) == 3
    assert len(outbox.sent) == 3


def test_csv_with_bad_rows_is_reported_row_by_row(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    achievement = published(platform, acme)
    sign_in(client)
    bad = "email,name\nada@example.org,Ada\nnot-an-email,Bob\n"
    files = {"csv_file": ("cohort.csv", bad.encode(), "text/csv")}
    check = submit(client, "/console/acme/awards/csv", {"achievement": achievement}, files=files)
    assert check.status_code == 200
    flat = check.text.replace("\n", "")
    assert "<td>3</td>" in flat and "email: " in flat and "state-bad" in flat
    assert "ada@example.org" in flat and "state-ok" in flat
    assert "Confirm and issue" not in check.text
    unreadable = submit(
        client,
        "/console/acme/awards/csv",
        {"achievement": achievement},
        files={"csv_file": ("x.csv", b"name\nAda\n", "text/csv")},
    )
    assert unreadable.status_code == 422
    assert "CSV file:" in unreadable.text
    assert _count(platform, acme) == 0


def test_confirm_with_a_damaged_file_issues_nothing(
    client: TestClient, acme: Organisation, platform: Platform
) -> None:
    achievement = published(platform, acme)
    sign_in(client)
    response = submit(
        client, "/console/acme/awards/csv/confirm", {"achievement": achievement, "csv_data": "%%%"}
    )
    assert response.status_code == 422
    assert "damaged" in response.text
    assert _count(platform, acme) == 0
