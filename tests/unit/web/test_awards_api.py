"""``/api/v1/orgs/{slug}/awards``: one award (idempotent) and CSV files."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from microcred.domain.model import Organisation, Role
from microcred.services.organisations import Platform
from microcred.services.worker import run_once
from microcred.web.context import WebOptions
from tests.unit.services.test_worker import Recorder
from tests.unit.web.conftest import BASE_URL, assert_problem, bearer, key_for
from tests.unit.web.issuing_support import published

AWARDS = "/api/v1/orgs/acme/awards"
BULK = "/api/v1/orgs/acme/awards/bulk"
CSV = {"Content-Type": "text/csv"}


@pytest.fixture
def achievement(platform: Platform, acme: Organisation) -> str:
    return published(platform, acme)


@pytest.fixture
def issuer(platform: Platform, acme: Organisation) -> dict[str, str]:
    return bearer(key_for(platform, acme, Role.ISSUER))


def test_an_award_is_201_with_the_credential_and_200_when_repeated(
    client: TestClient, achievement: str, issuer: dict[str, str]
) -> None:
    body = {
        "achievement_id": achievement,
        "recipient_email": "Ada@Example.org",
        "recipient_name": "Ada Lovelace",
        "recipient_did": "did:example:ada",
        "evidence_url": "https://evidence.example/ada",
        "narrative": "Built the analytical engine notes.",
        "issued_on": "2026-02-01",
    }
    keyed = {**issuer, "Idempotency-Key": "award-1"}
    first = client.post(AWARDS, json=body, headers=keyed)
    assert first.status_code == 201, first.text
    made = first.json()
    assert first.headers["location"] == f"/api/v1/orgs/acme/credentials/{made['id']}"
    assert made["url"] == f"{BASE_URL}/credentials/{made['id']}"
    assert made["state"] == "active" and made["format"] == "ldp"
    assert made["achievement_id"] == achievement and made["recipient_did"] == "did:example:ada"
    document = made["credential"]
    assert document["id"] == made["url"] == made["credential_id"]
    assert document["validFrom"].startswith("2026-02-01")
    assert document["credentialSubject"]["id"] == "did:example:ada"
    assert document["evidence"][0]["narrative"] == "Built the analytical engine notes."
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert len(document["credentialStatus"]) == 2

    again = client.post(AWARDS, json=body, headers=keyed)
    assert again.status_code == 200 and again.json()["id"] == made["id"]
    in_body = client.post(AWARDS, json={**body, "idempotency_key": "award-1"}, headers=issuer)
    assert in_body.status_code == 200 and in_body.json()["id"] == made["id"]
    clash = client.post(AWARDS, json={**body, "idempotency_key": "other"}, headers=keyed)
    assert_problem(clash, 422, "Idempotency-Key")

    derived = {k: v for k, v in body.items() if k != "issued_on"}
    one = client.post(AWARDS, json=derived, headers=issuer)
    two = client.post(AWARDS, json=derived, headers=issuer)
    assert (one.status_code, two.status_code) == (201, 200)
    assert one.json()["id"] == two.json()["id"] != made["id"]


def test_bad_awards(
    client: TestClient,
    platform: Platform,
    acme: Organisation,
    globex: Organisation,
    achievement: str,
    issuer: dict[str, str],
) -> None:
    body = {"achievement_id": achievement, "recipient_email": "ada@example.org"}
    assert_problem(client.post(AWARDS, json=body), 401)
    viewer = bearer(key_for(platform, acme, Role.VIEWER))
    assert_problem(client.post(AWARDS, json=body, headers=viewer), 403, "issuer role")
    bad_email = client.post(AWARDS, json={**body, "recipient_email": "x@"}, headers=issuer)
    assert_problem(bad_email, 422, "email")
    bad_date = client.post(AWARDS, json={**body, "issued_on": "yesterday"}, headers=issuer)
    assert_problem(bad_date, 422, "issued_on")
    future = client.post(AWARDS, json={**body, "issued_on": "2099-01-01"}, headers=issuer)
    assert_problem(future, 422, "future")
    missing = client.post(AWARDS, json={"recipient_email": "a@example.org"}, headers=issuer)
    assert_problem(missing, 422, "$.achievement_id")
    unknown = client.post(AWARDS, json={**body, "achievement_id": "nope"}, headers=issuer)
    assert_problem(unknown, 404)

    draft = client.post(
        "/api/v1/orgs/acme/achievements",
        json={"name": "Draft", "description": "Not yet.", "criteria_narrative": "Later."},
        headers=issuer,
    ).json()
    not_published = client.post(
        AWARDS,
        json={**body, "achievement_id": draft["id"]},
        headers={**issuer, "Idempotency-Key": "d"},
    )
    assert_problem(not_published, 409, "published")

    theirs = published(platform, globex, "Globex secret badge")
    for headers in (issuer, {**issuer, "Idempotency-Key": "k"}):
        other = client.post(AWARDS, json={**body, "achievement_id": theirs}, headers=headers)
        assert_problem(other, 404)
        assert "Globex secret badge" not in other.text
    globex_issuer = bearer(key_for(platform, globex, Role.ISSUER))
    assert_problem(client.post(AWARDS, json=body, headers=globex_issuer), 403)
    as_globex = client.post(
        "/api/v1/orgs/globex/awards", json=body, headers={**globex_issuer, "Idempotency-Key": "g"}
    )
    assert_problem(as_globex, 404)  # acme's achievement is not globex's to award


def test_a_csv_file_is_checked_then_issued(
    client: TestClient, achievement: str, issuer: dict[str, str]
) -> None:
    rows = (
        "email,name,issued_on,evidence_url\n"
        "ada@example.org,Ada,2026-02-01,\n"
        "grace@example.org,Grace,,https://evidence.example/grace\n"
    )
    params = {"achievement_id": achievement, "dry_run": "true"}
    dry = client.post(BULK, params=params, content=rows, headers={**issuer, **CSV})
    assert dry.status_code == 200, dry.text
    assert dry.json() == {
        "total": 2,
        "issued": [],
        "already_issued": [],
        "errors": [],
        "dry_run": True,
        "pending": 2,
        "complete": False,
    }
    params["dry_run"] = "false"
    done = client.post(BULK, params=params, content=rows, headers={**issuer, **CSV})
    report = done.json()
    assert done.status_code == 200 and len(report["issued"]) == 2 and report["complete"]
    again = client.post(BULK, params=params, content=rows, headers={**issuer, **CSV})
    assert again.json()["issued"] == [] and sorted(again.json()["already_issued"]) == sorted(
        report["issued"]
    )
    listed = client.get("/api/v1/orgs/acme/credentials", headers=issuer).json()
    assert listed["total"] == 2


def test_bad_rows_are_reported_by_line_and_column(
    client: TestClient, achievement: str, issuer: dict[str, str]
) -> None:
    rows = (
        "email,name,issued_on,evidence_url\n"
        "ada@example.org,Ada,2026-02-01,\n"
        "\n"
        "not-an-email,,someday,ftp://x\n"
        "grace@example.org,Grace\n"
    )
    params = {"achievement_id": achievement}
    refused = client.post(BULK, params=params, content=rows, headers={**issuer, **CSV})
    problem = assert_problem(refused, 422, "nothing was issued", "4", "5")
    where = {(e["line"], e["column"]) for e in problem["errors"]}
    assert {(4, "email"), (4, "issued_on"), (4, "evidence_url"), (5, None)} <= where
    assert problem["issued"] == [] and problem["total"] == 3

    skipping = client.post(
        BULK, params={**params, "skip_bad_rows": "true"}, content=rows, headers={**issuer, **CSV}
    )
    assert skipping.status_code == 200
    report = skipping.json()
    assert len(report["issued"]) == 1 and not report["complete"]
    assert {e["line"] for e in report["errors"]} == {4, 5}


def test_bulk_requests_that_cannot_be_read(
    client: TestClient,
    platform: Platform,
    acme: Organisation,
    achievement: str,
    issuer: dict[str, str],
) -> None:
    params = {"achievement_id": achievement}
    rows = "email\nada@example.org\n"
    as_json = client.post(BULK, params=params, json={"email": "x"}, headers=issuer)
    assert_problem(as_json, 415, "text/csv")
    header = client.post(BULK, params=params, content="mail\nx\n", headers={**issuer, **CSV})
    assert_problem(header, 422, "unknown column 'mail'")
    latin1 = client.post(
        BULK,
        params=params,
        content="email\nJos\xe9@example.org\n".encode("latin-1"),
        headers={**issuer, **CSV},
    )
    assert_problem(latin1, 422, "not UTF-8")
    assert_problem(
        client.post(BULK, content=rows, headers={**issuer, **CSV}), 422, "achievement_id"
    )
    assert_problem(client.post(BULK, params=params, content=rows, headers=CSV), 401)
    viewer = bearer(key_for(platform, acme, Role.VIEWER))
    assert_problem(client.post(BULK, params=params, content=rows, headers={**viewer, **CSV}), 403)
    unknown = client.post(
        BULK, params={"achievement_id": "nope"}, content=rows, headers={**issuer, **CSV}
    )
    assert_problem(unknown, 404)


class TestASmallBodyLimit:
    @pytest.fixture
    def options(self) -> WebOptions:
        return WebOptions(max_body_bytes=2_000)

    def test_a_large_file_is_413(
        self, client: TestClient, achievement: str, issuer: dict[str, str]
    ) -> None:
        rows = "email\n" + "".join(f"learner{i}@example.org\n" for i in range(200))
        response = client.post(
            BULK, params={"achievement_id": achievement}, content=rows, headers={**issuer, **CSV}
        )
        assert_problem(response, 413, "limit")


def test_a_csv_file_sent_to_the_background_is_followed_to_its_outcome(
    client: TestClient,
    platform: Platform,
    acme: Organisation,
    achievement: str,
    issuer: dict[str, str],
) -> None:
    data = "email,name\nada@example.org,Ada\ngrace@example.org,Grace\n"
    url = f"{BULK}?achievement_id={achievement}&background=true"
    sent = client.post(url, content=data, headers={**issuer, **CSV})
    assert sent.status_code == 202, sent.text
    status = sent.json()
    assert sent.headers["location"] == status["href"] == f"{BULK}/{status['id']}"
    assert (status["state"], status["done"], status["total"]) == ("queued", 0, 2)
    assert status["result"] is None
    assert run_once(platform, Recorder())  # the worker
    done = client.get(status["href"], headers=issuer).json()
    assert done["state"] == "done" and done["done"] == 2
    assert len(done["result"]["issued"]) == 2 and done["result"]["complete"]
    viewer = bearer(key_for(platform, acme, Role.VIEWER))
    assert client.get(status["href"], headers=viewer).status_code == 200
    assert_problem(client.get(f"{BULK}/nope", headers=issuer), 404, "bulk award")
    bad = client.post(url, content=data + "broken,row\n", headers={**issuer, **CSV})
    assert_problem(bad, 422, "line(s) 4", "not accepted")
