"""What the platform publishes without authentication: signed credentials, achievements
and status lists.  Each answer carries an ``ETag``; a matching ``If-None-Match`` is
answered 304 without a body.

``GET /credentials/{id}`` negotiates its format with ``Accept``: the signed credential
as ``application/vc+ld+json`` by default, or the VC-JOSE token as ``application/vc+jwt``
when that is preferred and the credential is one (a VC-JOSE credential asked for as JSON
comes as an ``EnvelopedVerifiableCredential``).  A browser, which asks for ``text/html``
by name, gets the credential's page (``web/ui/public_credentials.py``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request, Response

from microcred.core.documents.constants import OB_CONTEXT, VC2_CONTEXT
from microcred.domain.awards import StoredCredential
from microcred.services.achievements import achievement_document, achievement_url
from microcred.services.credential_queries import public_achievement, public_credential
from microcred.services.keys import did_of
from microcred.services.status import status_list_credential
from microcred.web.api.common import enveloped, problems
from microcred.web.context import Ctx
from microcred.web.problems import problem
from microcred.web.ui.public_credentials import credential_page

router = APIRouter(tags=["public"])

VC_JSON = "application/vc+ld+json"
VC_JWT = "application/vc+jwt"
LD_JSON = "application/ld+json"
JSON_TYPES = frozenset({VC_JSON, "application/vc", LD_JSON, "application/json"})
JWT_TYPES = frozenset({VC_JWT, "application/jwt"})
#: A list changes when a credential is revoked: verifiers should not keep it long.
STATUS_CACHE = "public, max-age=30"
#: Signed credentials and achievement versions do not change.
DOCUMENT_CACHE = "public, max-age=300"


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def _matches(header: str | None, etag: str) -> bool:
    if header is None:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag in tags


def _conditional(
    request: Request, body: bytes, media_type: str, cache: str, vary: bool = False
) -> Response:
    etag = _etag(body)
    headers = {"ETag": etag, "Cache-Control": cache, "Access-Control-Allow-Origin": "*"}
    if vary:
        headers["Vary"] = "Accept"
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _json(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _ranges(accept: str) -> list[tuple[str, float]]:
    """(media range, q) of each item of an ``Accept`` header."""
    found = []
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        found.append((media.lower(), q))
    return found


def _preference(accept: str | None) -> tuple[float, float]:
    """How much the client wants (JSON, JWT), from 0 to 1."""
    if not accept or not accept.strip():
        return 1.0, 0.5
    json_q = jwt_q = wild = -1.0
    for media, q in _ranges(accept):
        if media in JSON_TYPES:
            json_q = max(json_q, q)
        elif media in JWT_TYPES:
            jwt_q = max(jwt_q, q)
        elif media in ("*/*", "application/*"):
            wild = max(wild, q)
    return (json_q if json_q >= 0 else max(wild, 0.0)), (jwt_q if jwt_q >= 0 else max(wild, 0.0))


def prefers_html(accept: str | None) -> bool:
    """A browser: ``text/html`` asked for by name, at least as much as any credential
    form (``*/*`` and ``application/*`` alone never mean HTML)."""
    if not accept:
        return False
    html_q = max((q for media, q in _ranges(accept) if media == "text/html"), default=0.0)
    return html_q > 0 and html_q >= max(_preference(accept))


CREDENTIAL_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The signed credential (or the VC-JOSE token, or for a browser "
        "the credential's page, by Accept).",
        "content": {
            VC_JSON: {"schema": {"type": "object"}},
            VC_JWT: {"schema": {"type": "string"}},
            "text/html": {"schema": {"type": "string"}},
        },
    },
    304: {"description": "Not modified (If-None-Match)."},
    **problems(404, 406),
}


@router.get(
    "/credentials/{credential_id}",
    summary="A signed credential (Accept: application/vc+ld+json or application/vc+jwt)",
    response_class=Response,
    responses=CREDENTIAL_RESPONSES,
)
def credential(credential_id: str, request: Request, context: Ctx) -> Response:
    if prefers_html(request.headers.get("accept")):
        return credential_page(request, credential_id)  # a browser: the credential's page
    stored = public_credential(context.platform, credential_id)
    json_q, jwt_q = _preference(request.headers.get("accept"))
    if stored.jwt and jwt_q > 0 and jwt_q > json_q:
        body, media = stored.jwt.encode("ascii"), VC_JWT
    elif json_q > 0:
        body, media = _json(_json_form(stored)), VC_JSON
    else:
        offered = f"{VC_JSON} or {VC_JWT}" if stored.jwt else VC_JSON
        return problem(406, None, f"this credential is served as {offered}")
    return _conditional(request, body, media, DOCUMENT_CACHE, vary=True)


def _json_form(stored: StoredCredential) -> Mapping[str, Any]:
    return enveloped(stored.jwt) if stored.jwt else stored.document


@router.get(
    "/orgs/{slug}/achievements/{achievement_id}",
    summary="An Open Badges 3.0 Achievement (published, superseded or retired versions)",
    response_class=Response,
    responses={
        200: {
            "description": "The Achievement",
            "content": {LD_JSON: {"schema": {"type": "object"}}},
        },
        304: {"description": "Not modified (If-None-Match)."},
        **problems(404),
    },
)
def achievement(slug: str, achievement_id: str, request: Request, context: Ctx) -> Response:
    org, found = public_achievement(context.platform, slug, achievement_id)
    base = context.settings.base_url
    document: dict[str, Any] = {
        "@context": [VC2_CONTEXT, OB_CONTEXT],
        **achievement_document(achievement_url(base, org.slug, found.id), found.fields),
    }
    document["creator"] = {
        "id": did_of(context.platform, org),
        "type": ["Profile"],
        "name": org.name,
    }
    return _conditional(request, _json(document), LD_JSON, DOCUMENT_CACHE)


@router.get(
    "/status/{list_id}",
    summary="A signed BitstringStatusListCredential",
    response_class=Response,
    responses={
        200: {
            "description": "The status list credential",
            "content": {VC_JSON: {"schema": {"type": "object"}}},
        },
        304: {"description": "Not modified (If-None-Match)."},
        **problems(404),
    },
)
def status_list(list_id: str, request: Request, context: Ctx) -> Response:
    document = status_list_credential(context.platform, list_id)
    return _conditional(request, _json(document), VC_JSON, STATUS_CACHE)
