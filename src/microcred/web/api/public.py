"""Public, unauthenticated documents: an organisation's DID document and issuer Profile."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from microcred.core.documents.constants import OB_CONTEXT, VC2_CONTEXT
from microcred.services.access import organisation_by_slug
from microcred.services.errors import NotFound
from microcred.services.keys import did_of
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
        org = organisation_by_slug(context.platform, slug)  # 404 when there is none
        raise NotFound(
            f"the organisation {slug!r} issues as {did_of(context.platform, org)}: a did:key "
            "is resolved from the identifier itself, so there is no DID document to serve"
        )
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
        "id": did_of(context.platform, org),
        "type": ["Profile"],
        "name": org.name,
    }
    for field, value in (("url", org.url), ("email", org.email), ("description", org.description)):
        if value:
            document[field] = value
    return LdJSONResponse(document, headers=PUBLIC_HEADERS)
