"""Home, sign-up, sign-in, sign-out, CSRF and security headers of the pages."""

from __future__ import annotations

from dataclasses import replace

from fastapi.testclient import TestClient

from microcred.domain.model import Organisation
from microcred.services.access import MAX_FAILURES, has_organisations
from microcred.services.organisations import Platform
from microcred.settings import Settings
from microcred.web.app import create_app
from tests.unit.web.conftest import BASE_URL
from tests.unit.web.ui.support import csrf_token, sign_in, submit

NEW_OWNER = {
    "organisation": "Northwind Academy",
    "slug": "northwind",
    "email": "ada@northwind.example",
    "password": "a long enough password",
}


def test_home_page_is_html_with_the_page_policy(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("style-src")[0]
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in response.text  # no inline script anywhere


def test_csrf_cookie_is_secure_httponly_strict(client: TestClient) -> None:
    response = client.get("/sign-in")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("mc_csrf=")
    for flag in ("HttpOnly", "Secure", "SameSite=strict", "Path=/"):
        assert flag.lower() in cookie.lower()
    assert f'value="{client.cookies["mc_csrf"]}"' in response.text


def test_sign_up_creates_organisation_and_signs_in(client: TestClient) -> None:
    response = submit(client, "/sign-up", NEW_OWNER)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/console/northwind?notice=welcome"
    session = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    assert any(c.startswith("mc_session=") and "HttpOnly" in c and "Secure" in c for c in session)
    assert any("samesite=lax" in c.lower() for c in session if c.startswith("mc_session="))
    console = client.get("/console", follow_redirects=False)
    assert console.status_code == 303
    assert console.headers["location"] == "/console/northwind"


def test_sign_up_without_token_is_refused_and_changes_nothing(client: TestClient) -> None:
    client.get("/sign-up")
    response = client.post("/sign-up", data=NEW_OWNER, follow_redirects=False)
    assert response.status_code == 403
    assert "security token" in response.text
    token = csrf_token(client)
    wrong = client.post("/sign-up", data={**NEW_OWNER, "csrf_token": token + "x"})
    assert wrong.status_code == 403
    assert (
        submit(client, "/sign-in", {"email": NEW_OWNER["email"], "password": "x"}).status_code
        == 401
    )


def test_cross_site_form_is_refused(client: TestClient, acme: Organisation) -> None:
    fields = {"csrf_token": csrf_token(client), "email": "owner@acme.example", "password": "x"}
    response = client.post("/sign-in", data=fields, headers={"sec-fetch-site": "cross-site"})
    assert response.status_code == 403


def test_sign_up_errors_are_shown_with_the_values_kept(client: TestClient) -> None:
    response = submit(client, "/sign-up", {**NEW_OWNER, "slug": "Not A Slug", "password": "short"})
    assert response.status_code == 422
    assert "at least 10 characters" in response.text
    assert 'value="Northwind Academy"' in response.text


def test_sign_up_with_someone_elses_email_needs_their_password(
    client: TestClient, acme: Organisation
) -> None:
    taken = {**NEW_OWNER, "email": "owner@acme.example"}
    response = submit(client, "/sign-up", taken)
    assert response.status_code == 422
    assert "password is wrong" in response.text
    assert client.get("/console/northwind", follow_redirects=False).status_code == 303


def test_sign_in_and_out(client: TestClient, acme: Organisation) -> None:
    bad = submit(client, "/sign-in", {"email": "owner@acme.example", "password": "wrong"})
    assert bad.status_code == 401
    assert "password is wrong" in bad.text
    sign_in(client)
    assert client.get("/console", follow_redirects=False).headers["location"] == "/console/acme"
    out = submit(client, "/sign-out")
    assert out.status_code == 303
    assert (
        client.get("/console", follow_redirects=False)
        .headers["location"]
        .startswith("/sign-in?next=/console")
    )


def test_sign_in_never_redirects_off_site(client: TestClient, acme: Organisation) -> None:
    for target in ("https://evil.example/", "//evil.example", "/\\evil.example"):
        response = submit(
            client,
            "/sign-in",
            {
                "email": "owner@acme.example",
                "password": "correct horse battery staple",
                "next": target,
            },
        )
        assert response.headers["location"] == "/console"


def test_unknown_page_is_an_html_404_for_browsers(client: TestClient) -> None:
    response = client.get("/no/such/page", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert "nothing at this address" in response.text
    api = client.get("/api/v1/nothing")
    assert api.headers["content-type"] == "application/problem+json"


def test_console_of_another_organisation_is_forbidden(
    client: TestClient, acme: Organisation, globex: Organisation
) -> None:
    sign_in(client)
    response = client.get("/console/globex")
    assert response.status_code == 403
    assert "not a member" in response.text


def _client_with(platform: Platform, settings: Settings, policy: str) -> TestClient:
    app = create_app(platform, replace(settings, signup=policy))
    return TestClient(app, base_url=BASE_URL)


def test_closed_sign_up_creates_nothing(platform: Platform, settings: Settings) -> None:
    with _client_with(platform, settings, "closed") as client:
        assert client.get("/sign-up").status_code == 403
        response = submit(client, "/sign-up", NEW_OWNER)
        assert response.status_code == 403
        assert "Sign-up is closed" in response.text
    assert not has_organisations(platform)


def test_first_sign_up_only_while_there_is_no_organisation(
    platform: Platform, settings: Settings
) -> None:
    with _client_with(platform, settings, "first") as client:
        assert submit(client, "/sign-up", NEW_OWNER).status_code == 303
        second = {**NEW_OWNER, "slug": "second", "email": "b@second.example"}
        assert submit(client, "/sign-up", second).status_code == 403
    with platform.uow() as uow:
        assert [org.slug for org in uow.organisations.list()] == ["northwind"]


def test_sign_in_page_says_when_to_try_again(client: TestClient, acme: Organisation) -> None:
    for _ in range(MAX_FAILURES):
        submit(client, "/sign-in", {"email": "owner@acme.example", "password": "guess"})
    response = submit(
        client,
        "/sign-in",
        {"email": "owner@acme.example", "password": "correct horse battery staple"},
    )
    assert response.status_code == 429
    assert "try again in 15 minutes" in response.text


def test_signing_in_and_out_renews_the_form_token(client: TestClient, acme: Organisation) -> None:
    before = csrf_token(client)
    sign_in(client)
    after = client.cookies.get("mc_csrf")
    assert after and after != before
    stale = client.post("/sign-out", data={"csrf_token": before}, follow_redirects=False)
    assert stale.status_code == 403  # a token from before signing in is worth nothing
    assert submit(client, "/sign-out").status_code == 303
    assert client.cookies.get("mc_csrf") not in (None, after)
