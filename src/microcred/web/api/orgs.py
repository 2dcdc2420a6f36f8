"""``/api/v1/orgs``: organisations, their API keys and their audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field, field_validator

from microcred.domain.model import (
    Actor,
    AuditEntry,
    Organisation,
    PermissionDenied,
    Role,
    valid_slug,
)
from microcred.services import access
from microcred.services.keys import did_of
from microcred.services.organisations import SIGNING_SUITES, create_organisation
from microcred.services.ports import ApiKey
from microcred.web.auth import InOrg, bearer_token, caller_from_token, is_platform_token
from microcred.web.context import Ctx, WebContext
from microcred.web.problems import NoCredentials
from microcred.web.routing import StrictJSONRoute

router = APIRouter(prefix="/api/v1/orgs", tags=["organisations"], route_class=StrictJSONRoute)

SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"


class CreateOrganisation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str = Field(
        max_length=64,
        description="Used in URLs: lower-case letters, digits and inner hyphens.",
        json_schema_extra={"pattern": SLUG_PATTERN},
    )
    name: str = Field(min_length=1, max_length=200)
    owner_email: str = Field(min_length=3, max_length=320)
    owner_password: str | None = Field(
        default=None,
        min_length=12,
        max_length=1024,
        description="Lets the owner sign in (POST /api/v1/session).",
    )
    signing_suite: str = Field(default="eddsa-rdfc-2022", description=", ".join(SIGNING_SUITES))
    did_method: str = Field(
        default="web",
        description="web: a did:web served by the platform (its keys can rotate); key: the "
        "did:key of the organisation's one key (resolved offline; never rotated).  Fixed "
        "at creation.",
    )

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not valid_slug(value):
            raise ValueError("use 1-64 lower-case letters, digits and inner hyphens")
        return value


class OrganisationOut(BaseModel):
    id: str
    slug: str
    name: str
    did: str
    did_method: str
    signing_suite: str
    created_at: datetime
    url: str | None
    email: str | None
    description: str | None
    #: The DID document's URL (a did:key has none: it is resolved from the DID itself).
    did_document: str | None
    profile: str
    #: The caller's role in the organisation (absent when the platform created it).
    role: Role | None = None


class CreateApiKey(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    role: Role = Field(description="At most the caller's own role.")


class ApiKeyOut(BaseModel):
    id: str
    name: str
    role: Role
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


class NewApiKeyOut(ApiKeyOut):
    secret: str = Field(description="mc_<prefix>_<secret>: shown once, store it now.")


class AuditEntryOut(BaseModel):
    at: datetime
    actor: str
    action: str
    subject: str | None
    detail: dict[str, Any]


def _organisation(context: WebContext, org: Organisation, role: Role | None) -> OrganisationOut:
    base = context.settings.base_url
    return OrganisationOut(
        id=org.id,
        slug=org.slug,
        name=org.name,
        did=did_of(context.platform, org),
        did_method=org.did_method,
        signing_suite=org.signing_suite,
        created_at=org.created_at,
        url=org.url,
        email=org.email,
        description=org.description,
        did_document=None if org.is_did_key else f"{base}/orgs/{org.slug}/did.json",
        profile=f"{base}/orgs/{org.slug}",
        role=role,
    )


def _key(key: ApiKey) -> ApiKeyOut:
    return ApiKeyOut(
        id=key.id,
        name=key.name,
        role=key.role,
        prefix=key.prefix,
        created_at=key.created_at,
        revoked_at=key.revoked_at,
    )


def _creator(request: Request, context: WebContext) -> Actor:
    """Who may create an organisation: the bootstrap token at any time; anyone while the
    platform has no organisation and no bootstrap token is configured (first run)."""
    expected = context.options.bootstrap_token
    token = bearer_token(request)
    if token is not None:
        if expected is not None and access.same_secret(token, expected):
            return Actor("system", "bootstrap-token")
        if is_platform_token(token):
            caller_from_token(context.platform, token)  # 401 if it is not valid
            raise PermissionDenied("creating an organisation needs the platform bootstrap token")
        raise access.Unauthenticated("the bearer token is not the platform bootstrap token")
    if expected is None and not access.has_organisations(context.platform):
        return Actor("system", "first-run")
    raise NoCredentials(
        "creating another organisation needs the platform bootstrap token "
        "(Authorization: Bearer ...), or `microcred org create` on the server"
    )


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create an organisation")
def create_org(
    body: CreateOrganisation, request: Request, response: Response, context: Ctx
) -> OrganisationOut:
    actor = _creator(request, context)
    org = create_organisation(
        context.platform,
        name=body.name,
        slug=body.slug,
        owner_email=body.owner_email,
        owner_password=body.owner_password,
        signing_suite=body.signing_suite,
        did_method=body.did_method,
        actor=actor,
    )
    response.headers["Location"] = f"/api/v1/orgs/{org.slug}"
    return _organisation(context, org, None)


@router.get("/{slug}", summary="An organisation (members only)")
def get_org(scope: InOrg, context: Ctx) -> OrganisationOut:
    scope.actor.require(scope.org.id, Role.VIEWER)
    return _organisation(context, scope.org, scope.actor.role)


@router.post(
    "/{slug}/api-keys",
    status_code=status.HTTP_201_CREATED,
    summary="Create an API key (admins; the secret is shown once)",
)
def create_key(body: CreateApiKey, scope: InOrg, context: Ctx) -> NewApiKeyOut:
    issued = access.create_api_key(
        context.platform, scope.org.id, name=body.name, role=body.role, actor=scope.actor
    )
    return NewApiKeyOut(**_key(issued.key).model_dump(), secret=issued.secret)


@router.get("/{slug}/api-keys", summary="The organisation's API keys (admins)")
def list_keys(scope: InOrg, context: Ctx) -> list[ApiKeyOut]:
    keys = access.list_api_keys(context.platform, scope.org.id, actor=scope.actor)
    return [_key(k) for k in keys]


@router.delete("/{slug}/api-keys/{key_id}", summary="Revoke an API key (admins)")
def revoke_key(key_id: str, scope: InOrg, context: Ctx) -> ApiKeyOut:
    key = access.revoke_api_key(context.platform, scope.org.id, key_id, actor=scope.actor)
    return _key(key)


@router.get("/{slug}/audit", summary="The newest audit log entries (admins)")
def audit(
    scope: InOrg,
    context: Ctx,
    limit: Annotated[int, Query(ge=1, le=access.MAX_AUDIT_ENTRIES)] = 100,
) -> list[AuditEntryOut]:
    entries = access.audit_entries(context.platform, scope.org.id, actor=scope.actor, limit=limit)
    return [_entry(e) for e in entries]


def _entry(entry: AuditEntry) -> AuditEntryOut:
    return AuditEntryOut(
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        subject=entry.subject,
        detail=dict(entry.detail),
    )
