"""``/api/v1/orgs/{slug}/credentials``: find, revoke, suspend, reinstate and renew the
organisation's credentials; ``/api/v1/orgs/{slug}/keys/rotate``.

A credential of another organisation is answered 404, as one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from microcred.domain.awards import StoredCredential
from microcred.domain.model import Actor
from microcred.services.credential_queries import (
    MAX_PER_PAGE,
    MAX_QUERY,
    CredentialState,
    get_credential,
    search_credentials,
)
from microcred.services.errors import Conflict
from microcred.services.identity import verification_method
from microcred.services.keys import did_of, rotate_key
from microcred.services.organisations import Platform
from microcred.services.reissue import renew
from microcred.services.status import MAX_REASON, reinstate, revoke, suspend
from microcred.services.vcapi_issuing import is_vcapi
from microcred.web.api.common import (
    CredentialOut,
    CredentialSummary,
    credential_out,
    problems,
    summary_of,
)
from microcred.web.auth import InOrg
from microcred.web.context import Ctx
from microcred.web.routing import StrictJSONRoute

router = APIRouter(prefix="/api/v1/orgs/{slug}", tags=["credentials"], route_class=StrictJSONRoute)

StatusChange = Callable[[Platform, Actor, str, str], StoredCredential]


class CredentialPage(BaseModel):
    items: list[CredentialSummary]
    page: int
    per_page: int
    total: int = Field(description="Matches in all (every page).")
    next: str | None = Field(description="The next page (path and query), if any.")


class Reason(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=MAX_REASON)


class RenewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recipient_email: str | None = Field(
        default=None,
        max_length=320,
        description="The address the credential was issued to: the learner is emailed.",
    )


class KeyOut(BaseModel):
    id: str
    fragment: str
    verification_method: str
    public_key_multibase: str
    created_at: datetime


@router.get(
    "/credentials",
    summary="Search the organisation's credentials, newest first (members)",
    responses=problems(401, 403, 404, 422),
)
def list_credentials(
    scope: InOrg,
    context: Ctx,
    request: Request,
    q: Annotated[
        str | None,
        Query(
            max_length=MAX_QUERY,
            description="A credential id, a recipient's email or DID, or a name.",
        ),
    ] = None,
    state: Annotated[CredentialState | None, Query(alias="status")] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 25,
) -> CredentialPage:
    found = search_credentials(
        context.platform,
        scope.actor,
        scope.org.id,
        query=q,
        state=state,
        page=page,
        per_page=per_page,
    )
    more = page * per_page < found.total
    return CredentialPage(
        items=[summary_of(context, c) for c in found.items],
        page=page,
        per_page=per_page,
        total=found.total,
        next=_next_page(request, page) if more else None,
    )


def _next_page(request: Request, page: int) -> str:
    """The next page as a path with its query (the same filters)."""
    following = request.url.include_query_params(page=page + 1)
    return f"{following.path}?{following.query}"


@router.get(
    "/credentials/{credential_id}",
    summary="One credential, signed (members)",
    responses=problems(401, 403, 404),
)
def get_one(credential_id: str, scope: InOrg, context: Ctx) -> CredentialOut:
    credential = get_credential(context.platform, scope.actor, scope.org.id, credential_id)
    return credential_out(context, credential)


def _change(
    action: StatusChange, credential_id: str, body: Reason, scope: InOrg, context: Ctx
) -> CredentialSummary:
    credential = get_credential(context.platform, scope.actor, scope.org.id, credential_id)
    changed = action(context.platform, scope.actor, credential.id, body.reason)
    return summary_of(context, changed)


@router.post(
    "/credentials/{credential_id}/revoke",
    summary="Revoke a credential for good (issuers)",
    responses=problems(401, 403, 404, 409, 422),
)
def revoke_one(credential_id: str, body: Reason, scope: InOrg, context: Ctx) -> CredentialSummary:
    return _change(revoke, credential_id, body, scope, context)


@router.post(
    "/credentials/{credential_id}/suspend",
    summary="Suspend a credential until it is reinstated (issuers)",
    responses=problems(401, 403, 404, 409, 422),
)
def suspend_one(credential_id: str, body: Reason, scope: InOrg, context: Ctx) -> CredentialSummary:
    return _change(suspend, credential_id, body, scope, context)


@router.post(
    "/credentials/{credential_id}/reinstate",
    summary="Lift a suspension (issuers)",
    responses=problems(401, 403, 404, 409, 422),
)
def reinstate_one(
    credential_id: str, body: Reason, scope: InOrg, context: Ctx
) -> CredentialSummary:
    return _change(reinstate, credential_id, body, scope, context)


@router.post(
    "/credentials/{credential_id}/renew",
    status_code=status.HTTP_201_CREATED,
    summary="A new credential for the same recipient and achievement (issuers; 200 when "
    "it was renewed before)",
    responses={
        200: {"model": CredentialOut, "description": "Renewed before: that renewal."},
        **problems(401, 403, 404, 409, 422),
    },
)
def renew_one(
    credential_id: str,
    scope: InOrg,
    context: Ctx,
    response: Response,
    body: RenewIn | None = None,
) -> CredentialOut:
    credential = get_credential(context.platform, scope.actor, scope.org.id, credential_id)
    if is_vcapi(credential):
        raise Conflict(
            "the credential was written by the caller (VC-API) and awards no achievement; "
            "issue a new one instead"
        )
    email = body.recipient_email if body is not None else None
    issued = renew(context.platform, scope.actor, credential.id, recipient_email=email)
    if not issued.created:
        response.status_code = status.HTTP_200_OK
    new_id = issued.credential.id
    response.headers["Location"] = f"/api/v1/orgs/{scope.org.slug}/credentials/{new_id}"
    return credential_out(context, issued.credential)


@router.post(
    "/keys/rotate",
    status_code=status.HTTP_201_CREATED,
    tags=["keys"],
    summary="A new signing key signs from now on; the old one stays in the DID document (admins)",
    description="Refused (409) for an organisation that issues as a did:key: its identifier "
    "is its key, so a new key would be another issuer.",
    responses=problems(401, 403, 404, 409),
)
def rotate(scope: InOrg, context: Ctx) -> KeyOut:
    key = rotate_key(context.platform, scope.actor, scope.org.id)
    did = did_of(context.platform, scope.org)
    return KeyOut(
        id=key.id,
        fragment=key.fragment,
        verification_method=verification_method(did, key),
        public_key_multibase=key.public_key_multibase,
        created_at=key.created_at,
    )
