"""Helpers of the page tests: forms are sent as a browser sends them, token included."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.unit.web.conftest import PASSWORD
from tests.unit.web.conftest import HttpResponse as Response


def csrf_token(client: TestClient) -> str:
    """The form token of this client (a first page visit sets its cookie)."""
    token = client.cookies.get("mc_csrf")
    if token is None:
        client.get("/sign-in")
        token = client.cookies.get("mc_csrf")
    if token is None:
        raise AssertionError("no mc_csrf cookie was set")
    return token


def submit(
    client: TestClient, path: str, data: dict[str, Any] | None = None, **kwargs: Any
) -> Response:
    fields = {"csrf_token": csrf_token(client), **(data or {})}
    return client.post(path, data=fields, follow_redirects=False, **kwargs)


def sign_in(
    client: TestClient, email: str = "owner@acme.example", password: str = PASSWORD
) -> None:
    response = submit(client, "/sign-in", {"email": email, "password": password})
    if response.status_code != 303:
        raise AssertionError(f"sign-in failed: {response.status_code} {response.text[:300]}")
