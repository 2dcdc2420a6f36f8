"""The public credential page, claim links, and the credential's downloads.

``GET /credentials/{id}`` is the API's address of a signed credential; a browser (a
client that asks for ``text/html`` at least as much as for JSON) gets this page instead,
through :func:`credential_page`.  The page verifies the credential live with the
platform's verifier on every visit, so a revocation shows at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import escape

from microcred.domain.model import User
from microcred.services.access import Unauthenticated, session_user
from microcred.services.verification import verify_submitted_credential
from microcred.web.auth import SESSION_COOKIE
from microcred.web.context import Ctx, WebContext, web_context
from microcred.web.render.linkedin import add_to_profile_url
from microcred.web.ui import credential_files
from microcred.web.ui.access import Pages, templates_of
from microcred.web.ui.credential_files import Found, find, page_url, pretty_form
from microcred.web.ui.credential_view import verdict_of
from microcred.web.ui.notices import N_
from microcred.web.ui.routing import CSRF_COOKIE, PAGE_FLAG, PageRoute, set_csrf_cookie

router = APIRouter(route_class=PageRoute)
router.include_router(credential_files.router)

#: A claim token is 32 random bytes in base64url; anything much longer is not one.
MAX_TOKEN = 200
PAGE_HEADERS = {"Cache-Control": "no-store", "Vary": "Accept"}
OG_DESCRIPTION = 300


@router.get("/claim/{token}")
def claim(token: str, request: Request, pages: Pages, context: Ctx) -> Response:
    """A recipient's claim link: on to the credential's page."""
    record_id = credential_for_claim(context, token)
    if record_id is None:
        return pages.render(request, "credential/claim_invalid.html", status_code=404)
    return RedirectResponse(f"/credentials/{record_id}", status_code=303)


def credential_for_claim(context: WebContext, token: str) -> str | None:
    # Looked up by the SHA-256 of the token, as it is stored: the database never compares
    # a secret, and a guessed token costs the same as a real one.
    digest = hashlib.sha256(token[:MAX_TOKEN].encode("utf-8")).hexdigest()
    with context.platform.uow() as uow:
        found = uow.claims.credential_id(digest)
    return found if len(token) <= MAX_TOKEN else None


# --------------------------------------------------------------------------- the page


def credential_page(request: Request, credential_id: str) -> Response:
    """The credential's page (reached through ``GET /credentials/{id}``)."""
    had_cookie = _open_page(request)
    context = web_context(request)
    found = find(context.platform, credential_id)
    values = page_values(context, found)
    response = templates_of(request).render(
        request, "credential/page.html", values, headers=PAGE_HEADERS
    )
    if not had_cookie:
        set_csrf_cookie(response, request.state.csrf_token)
    return response


def _open_page(request: Request) -> bool:
    """What :class:`PageRoute` does for a page: its form token, its user, HTML errors."""
    request.scope[PAGE_FLAG] = True
    cookie = request.cookies.get(CSRF_COOKIE)
    request.state.csrf_token = cookie or secrets.token_urlsafe(32)
    request.state.user = _user(request)
    return cookie is not None


def _user(request: Request) -> User | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        return session_user(web_context(request).platform, token)
    except Unauthenticated:
        return None


def page_values(context: WebContext, found: Found) -> dict[str, Any]:
    stored, summary = found.stored, found.summary
    report = verify_submitted_credential(context.platform, context.verifier, found.signed)
    url = page_url(context.platform.base_url, stored.id)
    png = f"{url}/badge.png"
    return {
        "record_id": stored.id,
        "summary": summary,
        "verdict": verdict_of(report, stored.status_reason),
        "page_url": url,
        "badge_png_url": png,
        "downloads": downloads(stored.id, has_jwt=bool(stored.jwt)),
        "linkedin_url": linkedin_url(found, url),
        "og_description": og_description(found),
        "embed": embed_snippet(url, png, summary.name),
        "credential_json": pretty_form(stored),
    }


def downloads(record_id: str, *, has_jwt: bool) -> list[tuple[str, str]]:
    """(label, path) of each download, the VC-JWT only when the credential is one."""
    base = f"/credentials/{record_id}"
    found = [
        (N_("Credential (Open Badges 3.0 JSON)"), f"{base}/credential.json"),
        (N_("Credential (VC-JWT)"), f"{base}/credential.jwt"),
        (N_("Badge image (PNG)"), f"{base}/badge.png"),
        (N_("Badge image (SVG)"), f"{base}/badge.svg?download=1"),
        (N_("Certificate (PDF)"), f"{base}/certificate.pdf"),
    ]
    return [item for item in found if has_jwt or not item[1].endswith(".jwt")]


def linkedin_url(found: Found, url: str) -> str:
    summary, stored = found.summary, found.stored
    issued: datetime = summary.issued or stored.issued_at
    expires = summary.expires or stored.valid_until
    return add_to_profile_url(
        name=summary.name,
        organisation=summary.issuer.text,
        issued=issued.date(),
        expires=expires.date() if expires else None,
        cert_url=url,
        cert_id=stored.id,
    )


def og_description(found: Found) -> str | None:
    """The description shared with a link (None: the page says who issued it)."""
    text = found.summary.description
    if text is None or len(text) <= OG_DESCRIPTION:
        return text
    return text[: OG_DESCRIPTION - 1].rstrip() + "…"


def embed_snippet(url: str, png: str, name: str) -> str:
    """HTML that shows the badge on another site, linked to this page (as text to copy)."""
    return (
        f'<a href="{escape(url)}"><img src="{escape(png)}" alt="{escape(name)}" '
        'width="120" height="120"></a>'
    )
