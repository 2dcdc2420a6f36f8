"""What the issuing routers share: documented problem responses, the JSON form of a
stored credential, and finding an organisation's achievement for a route."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from microcred.core.documents.constants import VC2_CONTEXT
from microcred.domain.achievements import Achievement
from microcred.domain.awards import StoredCredential
from microcred.domain.model import PermissionDenied, Role
from microcred.services.achievements import get_achievement
from microcred.services.credential_queries import CredentialState, state_of
from microcred.services.errors import NotFound
from microcred.services.vcapi_issuing import credential_url, is_placeholder, is_vcapi
from microcred.web.auth import OrgScope
from microcred.web.context import WebContext
from microcred.web.problems import PROBLEM_JSON

_DESCRIPTIONS = {
    400: "Malformed request (problem details)",
    401: "No or invalid credentials",
    403: "The caller's role does not allow it",
    404: "Not found (or not in this organisation)",
    406: "None of the accepted media types can be served",
    409: "Conflicts with the current state",
    413: "The request body is too large",
    415: "Unsupported request media type",
    422: "Invalid input; detail names what and where",
}


class ProblemOut(BaseModel):
    """An RFC 9457 problem detail (``application/problem+json``)."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` documenting these problem answers."""
    return {
        code: {
            "model": ProblemOut,
            "description": _DESCRIPTIONS[code],
            "content": {PROBLEM_JSON: {}},
        }
        for code in codes
    }


class CredentialSummary(BaseModel):
    id: str = Field(description="The record id; the credential is public at url.")
    url: str
    credential_id: str | None = Field(description="The id the credential carries.")
    achievement_id: str | None = Field(description="None for a caller-written credential.")
    issued_at: datetime
    valid_until: datetime | None
    state: CredentialState
    revoked: bool
    suspended: bool
    status_reason: str | None
    replaces_id: str | None
    recipient_did: str | None
    format: str = Field(description="ldp (Data Integrity proof) or jwt (VC-JOSE).")


class CredentialOut(CredentialSummary):
    credential: dict[str, Any] = Field(
        description="The signed credential (for a VC-JOSE credential, the token's payload)."
    )
    jwt: str | None = Field(description="The VC-JOSE compact JWS, when that is the format.")


def summary(
    context: WebContext, credential: StoredCredential, placeholder: bool
) -> CredentialSummary:
    document_id = credential.document.get("id")
    return CredentialSummary(
        id=credential.id,
        url=credential_url(context.settings.base_url, credential.id),
        credential_id=document_id if isinstance(document_id, str) else None,
        achievement_id=None if placeholder else credential.achievement_id,
        issued_at=credential.issued_at,
        valid_until=credential.valid_until,
        state=state_of(credential, context.platform.clock()),
        revoked=credential.revoked,
        suspended=credential.suspended,
        status_reason=credential.status_reason,
        replaces_id=credential.replaces_id,
        recipient_did=credential.recipient_did,
        format="jwt" if credential.jwt else "ldp",
    )


def credential_out(context: WebContext, credential: StoredCredential) -> CredentialOut:
    placeholder = _is_vcapi(credential)
    return CredentialOut(
        **summary(context, credential, placeholder).model_dump(),
        credential=dict(credential.document),
        jwt=credential.jwt,
    )


def summary_of(context: WebContext, credential: StoredCredential) -> CredentialSummary:
    return summary(context, credential, _is_vcapi(credential))


def _is_vcapi(credential: StoredCredential) -> bool:
    return is_vcapi(credential)


def enveloped(jwt: str) -> dict[str, Any]:
    """A VC-JOSE credential as an ``EnvelopedVerifiableCredential``."""
    return {
        "@context": [VC2_CONTEXT],
        "id": f"data:application/vc+jwt,{jwt}",
        "type": "EnvelopedVerifiableCredential",
    }


def achievement_in(
    context: WebContext, scope: OrgScope, achievement_id: str, role: Role = Role.VIEWER
) -> Achievement:
    """The route organisation's achievement ``achievement_id``: 403 without ``role`` in
    the organisation, 404 when it is another organisation's (or the hidden placeholder)."""
    scope.actor.require(scope.org.id, role)
    try:
        achievement = get_achievement(context.platform, scope.actor, achievement_id)
    except PermissionDenied:  # the caller may act here, so it is another organisation's
        achievement = None
    if achievement is None or achievement.org_id != scope.org.id or is_placeholder(achievement):
        raise NotFound(f"the organisation has no achievement {achievement_id[:200]!r}")
    return achievement
