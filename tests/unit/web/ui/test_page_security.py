"""Security rules every page obeys, checked by walking the app's page routes (so a new
page cannot opt out): CSRF on every form, sign-in and membership on every console page,
the page headers, and templates free of inline script, inline style and event handlers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute

from microcred.domain.model import Organisation
from microcred.web.ui.routing import PageRoute
from tests.unit.web.ui.support import csrf_token, sign_in

PARAMS = re.compile(r"\{(\w+)(?::\w+)?\}")


def _routes(routes: Iterable[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route, also those of included routers (FastAPI keeps them nested)."""
    for route in routes:
        nested = getattr(route, "original_router", None)
        if nested is not None:
            yield from _routes(nested.routes)
        else:
            yield route


def _pages(app: FastAPI, method: str) -> list[str]:
    paths = []
    for route in _routes(app.routes):
        if isinstance(route, PageRoute) and method in (route.methods or ()):
            paths.append(route.path)
    return sorted(set(paths))


def _fill(path: str, slug: str = "acme") -> str:
    return PARAMS.sub(lambda m: slug if m.group(1) == "slug" else "x" * 8, path)


def test_there_are_pages_to_walk(app: FastAPI) -> None:
    posts, gets = _pages(app, "POST"), _pages(app, "GET")
    assert len(posts) >= 15 and len(gets) >= 20, (posts, gets)
    pages = [route for route in _routes(app.routes) if isinstance(route, PageRoute)]
    assert not any(route.include_in_schema for route in pages)


def test_every_form_needs_its_token(client: TestClient, app: FastAPI, acme: Organisation) -> None:
    sign_in(client)
    token = csrf_token(client)
    for path in _pages(app, "POST"):
        url = _fill(path)
        missing = client.post(url, data={"reason": "x"}, follow_redirects=False)
        assert missing.status_code == 403, (url, missing.status_code)
        assert "security token" in missing.text, url
        wrong = client.post(url, data={"csrf_token": token[::-1]}, follow_redirects=False)
        assert wrong.status_code == 403, url
        other_site = client.post(
            url, data={"csrf_token": token}, headers={"sec-fetch-site": "cross-site"}
        )
        assert other_site.status_code == 403, url


def test_console_pages_need_a_member(
    client: TestClient, app: FastAPI, acme: Organisation, globex: Organisation
) -> None:
    console = [p for p in _pages(app, "GET") if p.startswith("/console/{slug}")]
    assert len(console) >= 10
    for path in console:
        anonymous = client.get(_fill(path), follow_redirects=False)
        assert anonymous.status_code == 303, path
        assert anonymous.headers["location"].startswith("/sign-in?next="), path
    sign_in(client)  # the owner of acme, not a member of globex
    for path in console:
        response = client.get(_fill(path, "globex"), follow_redirects=False)
        assert response.status_code == 403, (path, response.status_code)
        assert "Globex" not in response.text.replace("not a member of Globex", "")
    token = csrf_token(client)
    for path in (p for p in _pages(app, "POST") if p.startswith("/console/{slug}")):
        response = client.post(_fill(path, "globex"), data={"csrf_token": token, "reason": "x"})
        assert response.status_code == 403, path


def test_pages_carry_the_page_policy(client: TestClient, acme: Organisation) -> None:
    sign_in(client)
    for path in ("/", "/sign-in", "/verify", "/console/acme", "/console/acme/achievements/new"):
        response = client.get(path)
        assert response.status_code == 200, path
        policy = response.headers["content-security-policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"] == "'self'", path
        assert directives["style-src"] == "'self'", path
        assert directives["frame-ancestors"] == "'none'", path
        assert directives["form-action"] == "'self'", path
        assert directives["default-src"] == "'none'", path
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"


def test_templates_have_no_inline_script_style_or_handlers() -> None:
    folder = Path(str(resources.files("microcred.web").joinpath("templates")))
    templates = sorted(folder.rglob("*.html"))
    assert len(templates) >= 15
    for template in templates:
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert not re.search(r"\sstyle\s*=", text), template
        assert not re.search(r"\son[a-z]+\s*=", text, re.IGNORECASE), template
        assert "|safe" not in text.replace(" ", ""), template  # nothing bypasses escaping
