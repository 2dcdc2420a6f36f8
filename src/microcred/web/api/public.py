"""Public, unauthenticated documents: an organisation's DID document and issuer Profile."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from microcred.core.documents.constants import OB_CONTEXT, VC2_CONTEXT
from microcred.services.access import organisation_by_slug
from microcred.services.errors import NotFound
from microcred.services.identity import issuer_did
from microcred.web.context import Ctx

router = APIRouter(tags=["public"])

#: Short enough that a rotated or added key is seen soon, long enough to spare the server.
PUBLIC_HEADERS = {
    "Cache-Control": "public, max-age=300",
    "Access-Control-Allow-Origin": "*",
}


class DidJSONResponse(JSONResponse):
    media_type = "application/did+json"


class LdJSONResponse(JSONResponse):
    media_type = "application/ld+json"


@router.get(
    "/orgs/{slug}/did.json",
    summary="The organisation's did:web DID document",
    response_class=DidJSONResponse,
)
def did_json(slug: str, context: Ctx) -> DidJSONResponse:
    document = context.dids.document(slug)
    if document is None:
        raise NotFound(f"there is no organisation {slug!r}")
    return DidJSONResponse(document, headers=PUBLIC_HEADERS)


@router.get(
    "/orgs/{slug}",
    summary="The organisation's Open Badges 3.0 issuer Profile",
    response_class=LdJSONResponse,
)
def profile(slug: str, context: Ctx) -> LdJSONResponse:
    org = organisation_by_slug(context.platform, slug)
    document: dict[str, Any] = {
        "@context": [VC2_CONTEXT, OB_CONTEXT],
        "id": issuer_did(context.settings.base_url, org.slug),
        "type": ["Profile"],
        "name": org.name,
    }
    for field, value in (("url", org.url), ("email", org.email), ("description", org.description)):
        if value:
            document[field] = value
    return LdJSONResponse(document, headers=PUBLIC_HEADERS)
