"""Who is calling: an API key (``Authorization: Bearer mc_...``) or a signed-in user
(the ``mc_session`` cookie, or ``Authorization: Bearer mcs_...``).

Route handlers never compare org ids themselves: :func:`org_scope` turns the caller into
an :class:`~microcred.domain.model.Actor` for the organisation named by the route, and
the services check the role with ``actor.require``.  An API key acts only in its own
organisation; a user acts with their membership role there (none: every check fails).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request, Response

from microcred.domain.model import Actor, Organisation, PermissionDenied, User
from microcred.services.access import (
    API_KEY_PREFIX,
    SESSION_PREFIX,
    IssuedSession,
    Unauthenticated,
    authenticate_api_key,
    organisation_by_slug,
    same_secret,
    session_user,
    user_actor,
)
from microcred.services.organisations import Platform
from microcred.web.context import Ctx, WebContext
from microcred.web.problems import NoCredentials

SESSION_COOKIE = "mc_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
NEEDS_CREDENTIALS = (
    "this endpoint needs an API key (Authorization: Bearer mc_...) or a signed-in session"
)


@dataclass(frozen=True)
class Caller:
    """An authenticated caller, before it is placed in an organisation."""

    key_actor: Actor | None = None
    user: User | None = None
    #: The session token, when the caller is a signed-in user.
    session_token: str | None = None

    def actor_in(self, platform: Platform, org_id: str) -> Actor:
        if self.key_actor is not None:
            return self.key_actor
        if self.user is None:  # a Caller is built with a key or a user, never neither
            raise NoCredentials("sign in or send an API key")
        return user_actor(platform, self.user, org_id)


def bearer_token(request: Request) -> str | None:
    """The bearer token of the request, None without an Authorization header."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("use the Bearer scheme: Authorization: Bearer <token>")
    return token.strip()


def is_platform_token(token: str) -> bool:
    return token.startswith((API_KEY_PREFIX + "_", SESSION_PREFIX + "_"))


def caller_from_token(platform: Platform, token: str) -> Caller:
    if token.startswith(SESSION_PREFIX + "_"):
        return Caller(user=session_user(platform, token), session_token=token)
    return Caller(key_actor=authenticate_api_key(platform, token))


def authenticate(request: Request, context: Ctx) -> Caller:
    """The caller, or 401: a bearer token wins over the session cookie."""
    token = bearer_token(request)
    if token is not None:
        return caller_from_token(context.platform, token)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        _refuse_cross_site(request, context)
        return Caller(user=session_user(context.platform, cookie), session_token=cookie)
    raise NoCredentials(NEEDS_CREDENTIALS)


def _refuse_cross_site(request: Request, context: WebContext) -> None:
    """A cookie rides along with cross-site requests: refuse those that change things
    (SameSite=Lax already stops most; this also covers older browsers)."""
    if request.method in SAFE_METHODS:
        return
    if request.headers.get("sec-fetch-site") == "cross-site":
        raise PermissionDenied("cross-site requests may not use the session cookie")
    origin = request.headers.get("origin")
    if origin is None:
        return
    base = urlsplit(context.settings.base_url)
    allowed = {f"{base.scheme}://{base.netloc}", f"{request.url.scheme}://{request.url.netloc}"}
    if origin not in allowed:
        raise PermissionDenied(f"requests from {origin} may not use the session cookie")


def set_session_cookie(response: Response, issued: IssuedSession) -> None:
    """The session cookie of a sign-in (API or page): as long-lived as the session."""
    age = int((issued.session.expires_at - issued.session.created_at).total_seconds())
    response.set_cookie(
        SESSION_COOKIE, issued.token, max_age=age, path="/",
        secure=True, httponly=True, samesite="lax",
    )  # fmt: skip


CurrentCaller = Annotated[Caller, Depends(authenticate)]


@dataclass(frozen=True)
class OrgScope:
    """The organisation named by the route and the caller acting in it."""

    org: Organisation
    actor: Actor


def org_scope(slug: str, caller: CurrentCaller, context: Ctx) -> OrgScope:
    org = organisation_by_slug(context.platform, slug)
    return OrgScope(org, caller.actor_in(context.platform, org.id))


InOrg = Annotated[OrgScope, Depends(org_scope)]


def require_verify_access(request: Request, context: Ctx) -> None:
    """The verify endpoints are open unless a verify token is configured; then they need
    that token or any valid API key."""
    expected = context.options.verify_token
    if expected is None:
        return
    token = bearer_token(request)
    if token is None:
        raise NoCredentials("the verifier needs a bearer token (Authorization: Bearer ...)")
    if same_secret(token, expected):
        return
    if token.startswith(API_KEY_PREFIX + "_"):
        authenticate_api_key(context.platform, token)
        return
    raise Unauthenticated("the bearer token is not valid for the verifier")
