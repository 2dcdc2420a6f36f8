"""W3C VC-API issuer endpoints: ``POST /credentials/issue`` and ``POST /credentials/status``.

Both need an API key (``Authorization: Bearer mc_...``) with the issuer role or above;
they act for the key's organisation.

``/credentials/issue`` takes ``{"credential": {...}, "options": {...}}`` and answers 201
``{"verifiableCredential": ...}``; the signed credential is also served at the URL of the
``Location`` header.  ``credential.issuer`` (a string, or an object's ``id``) must be the
organisation's did:web (``did:web:<host>:orgs:<slug>``): configure that as the issuer id
of the endpoint in a test suite; any other value is refused with 422.  VC Data Model 2.0
and 1.1 inputs are accepted (see :mod:`microcred.services.vcapi_issuing`).  ``options``:

* ``cryptosuite``: ``eddsa-rdfc-2022``, ``eddsa-jcs-2022`` or ``jose`` (default: the
  organisation's suite; a VC-JOSE credential comes back as an
  ``EnvelopedVerifiableCredential``);
* ``credentialStatus``: ``{"type": "BitstringStatusListEntry"}`` (optionally with
  ``statusPurpose``) adds status entries in the organisation's lists, served at
  ``/status/{id}``.

A body that is not a well-formed credential is answered 400; a well-formed one the
platform will not sign (its issuer, an unsupported option) 422; a credential id the
organisation already issued 409.

``/credentials/status`` takes ``{"credentialId", "credentialStatus": [{"type":
"BitstringStatusListCredential", "status": "revoked" | "suspended" | "active"}]}`` (or
entries naming a ``statusPurpose``, whose bit is set unless ``status`` is false) and
revokes, suspends or reinstates the organisation's credential; asking for the status it
already has changes nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict, Field

from microcred.composition import build_verification
from microcred.core.loader import DocumentLoader
from microcred.domain.model import Actor, PermissionDenied, Role
from microcred.services.credential_queries import get_credential
from microcred.services.errors import InvalidInput
from microcred.services.keys import shared_loader
from microcred.services.status import reinstate, revoke, suspend
from microcred.services.vcapi_issuing import (
    MalformedCredential,
    issue_credential,
    parse_options,
)
from microcred.web.api.common import enveloped, problems
from microcred.web.auth import CurrentCaller
from microcred.web.context import Ctx
from microcred.web.routing import StrictJSONRoute

router = APIRouter(tags=["VC-API issuer"], route_class=StrictJSONRoute)

STATUS_TYPES = frozenset({"BitstringStatusListCredential", "BitstringStatusListEntry"})
DEFAULT_REASON = "status changed through the VC-API"
#: ``status`` words and the change they ask for.
STATUS_WORDS = {
    "revoked": "revoke",
    "revocation": "revoke",
    "suspended": "suspend",
    "suspension": "suspend",
    "active": "reinstate",
    "valid": "reinstate",
    "reinstated": "reinstate",
    "unsuspended": "reinstate",
}


class IssueRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    credential: Any = Field(default=None, description="The unsigned credential (VC 2.0 or 1.1).")
    options: Any = Field(
        default=None,
        description='{"cryptosuite": ..., "credentialStatus": {"type": '
        '"BitstringStatusListEntry"}}',
    )


class IssueResponse(BaseModel):
    verifiableCredential: dict[str, Any]


class StatusRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    credentialId: str = Field(min_length=1, max_length=2000)
    credentialStatus: Any = Field(
        description='[{"type": "BitstringStatusListCredential", "status": "revoked"}]'
    )
    reason: str | None = Field(default=None, min_length=1, max_length=1000)


class StatusResponse(BaseModel):
    credentialId: str
    revoked: bool
    suspended: bool


@functools.cache
def issuing_loader(hosts: tuple[str, ...]) -> DocumentLoader:
    """The loader credentials are signed with: the bundled contexts (the published
    variants), and contexts of the allowed fetch hosts, fetched once per process."""
    if not hosts:
        return shared_loader()
    return DocumentLoader(fetcher=build_verification(hosts).fetcher, allowed_hosts=hosts)


def _issuer_key(caller: CurrentCaller) -> tuple[Actor, str]:
    actor = caller.key_actor
    if actor is None or actor.org_id is None:
        raise PermissionDenied("the VC-API endpoints need an API key of the organisation")
    actor.require(actor.org_id, Role.ISSUER)
    return actor, actor.org_id


@router.post(
    "/credentials/issue",
    status_code=status.HTTP_201_CREATED,
    summary="Issue a credential (VC-API; an API key with the issuer role)",
    responses=problems(400, 401, 403, 409, 413, 422),
)
def issue_endpoint(
    body: IssueRequest, caller: CurrentCaller, context: Ctx, response: Response
) -> IssueResponse:
    """Sign ``credential`` as the API key's organisation and keep it (served at the
    ``Location`` URL).  ``credential.issuer`` (or ``issuer.id``) must be the organisation's
    ``did:web:<host>:orgs:<slug>``; other values are refused with 422.  ``options``:
    ``cryptosuite`` (``eddsa-rdfc-2022``, ``eddsa-jcs-2022``, ``jose``) and
    ``credentialStatus`` (``{"type": "BitstringStatusListEntry"}``, optionally with a
    ``statusPurpose``).  VC 1.1 inputs keep ``issuanceDate``.  A malformed credential is
    400, one the platform will not sign 422, a repeated credential id 409."""
    actor, org_id = _issuer_key(caller)
    if body.credential is None:
        raise MalformedCredential(
            'the request body needs a credential: {"credential": {...}, "options": {...}}'
        )
    options = parse_options(body.options)
    stored = issue_credential(
        context.platform,
        actor,
        org_id,
        body.credential,
        options,
        loader=issuing_loader(context.settings.allowed_fetch_hosts),
    )
    response.headers["Location"] = f"/credentials/{stored.id}"
    document = enveloped(stored.jwt) if stored.jwt else dict(stored.document)
    return IssueResponse(verifiableCredential=document)


@router.post(
    "/credentials/status",
    summary="Revoke, suspend or reinstate a credential (VC-API; the issuer role)",
    responses=problems(400, 401, 403, 404, 409, 422),
)
def status_endpoint(body: StatusRequest, caller: CurrentCaller, context: Ctx) -> StatusResponse:
    """``credentialStatus`` items ``{"type": "BitstringStatusListCredential", "status":
    "revoked" | "suspended" | "active"}`` (or with a ``statusPurpose`` whose bit is set,
    or cleared with ``"status": false``) revoke, suspend or reinstate the credential whose
    id (or URL) is ``credentialId``; a status it already has is left as it is."""
    actor, org_id = _issuer_key(caller)
    actions = _actions(body.credentialStatus)
    credential = get_credential(context.platform, actor, org_id, body.credentialId)
    reason = body.reason or DEFAULT_REASON
    changes = {"revoke": revoke, "suspend": suspend, "reinstate": reinstate}
    for action in actions:
        if _already(credential.revoked, credential.suspended, action):
            continue
        credential = changes[action](context.platform, actor, credential.id, reason)
    return StatusResponse(
        credentialId=body.credentialId, revoked=credential.revoked, suspended=credential.suspended
    )


def _already(revoked: bool, suspended: bool, action: str) -> bool:
    """Whether the credential has the status ``action`` asks for (nothing to do)."""
    if action == "revoke":
        return revoked
    if revoked:
        return False  # the service refuses any change of a revoked credential (409)
    return suspended if action == "suspend" else not suspended


def _actions(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not items:
        raise InvalidInput("credentialStatus: give at least one status change")
    actions = []
    for index, item in enumerate(items):
        where = f"credentialStatus[{index}]" if isinstance(value, list) else "credentialStatus"
        if not isinstance(item, Mapping):
            raise InvalidInput(f"{where}: must be an object with type and status")
        if item.get("type") not in STATUS_TYPES:
            raise InvalidInput(
                f"{where}.type: {str(item.get('type'))[:60]!r} is not supported; use "
                "BitstringStatusListCredential"
            )
        actions.append(_action(item, where))
    return actions


def _action(item: Mapping[str, Any], where: str) -> str:
    state = item.get("status")
    purpose = item.get("statusPurpose")
    if isinstance(state, str):
        action = STATUS_WORDS.get(state.lower())
        if action is None:
            known = ", ".join(sorted(STATUS_WORDS))
            raise InvalidInput(f"{where}.status: {state[:60]!r} is not one of {known}")
        return action
    if purpose not in ("revocation", "suspension"):
        raise InvalidInput(
            f"{where}: give a status (revoked, suspended, active) or a statusPurpose "
            "(revocation, suspension)"
        )
    if state is None or state is True:
        return "revoke" if purpose == "revocation" else "suspend"
    if state is False and purpose == "suspension":
        return "reinstate"
    raise InvalidInput(
        f"{where}.status: a revocation cannot be lifted"
        if state is False
        else f"{where}.status: give true or false"
    )
