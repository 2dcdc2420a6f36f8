"""Home, sign-up, sign-in and sign-out, and the list of the user's organisations."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from microcred.services import access
from microcred.services.access import has_organisations
from microcred.services.errors import Conflict, InvalidInput
from microcred.services.members import memberships, sign_up
from microcred.web.auth import SESSION_COOKIE, set_session_cookie
from microcred.web.context import Ctx, WebContext
from microcred.web.ui.access import CurrentUser, Pages
from microcred.web.ui.routing import PageRoute, set_csrf_cookie

router = APIRouter(route_class=PageRoute)
Text = Annotated[str, Form(max_length=2000)]


def safe_next(target: str | None) -> str:
    """Only a path on this site: never ``//host`` or ``https://...`` (open redirect)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/console"
    return target


def _signed_in(response: Response, issued: access.IssuedSession) -> Response:
    set_session_cookie(response, issued)
    # a new form token with the new session: one planted before sign-in is worth nothing
    set_csrf_cookie(response, secrets.token_urlsafe(32))
    return response


@router.get("/")
def home(request: Request, pages: Pages) -> Response:
    return pages.render(request, "home.html")


@router.get("/sign-in")
def sign_in_page(request: Request, pages: Pages, next: str = "/console") -> Response:
    return pages.render(
        request, "sign_in.html", {"errors": [], "email": "", "next": safe_next(next)}
    )


@router.post("/sign-in")
def sign_in(
    request: Request, pages: Pages, context: Ctx, email: Text, password: Text, next: Text = ""
) -> Response:
    try:
        issued = access.login(context.platform, email, password)
    except (access.Unauthenticated, access.TooManyAttempts) as exc:
        status = 429 if isinstance(exc, access.TooManyAttempts) else 401
        values = {"errors": [str(exc)], "email": email, "next": safe_next(next)}
        return pages.render(request, "sign_in.html", values, status_code=status)
    return _signed_in(RedirectResponse(safe_next(next), status_code=303), issued)


def signup_open(context: WebContext) -> bool:
    """Whether ``/sign-up`` may create an organisation now (``MICROCRED_SIGNUP``)."""
    policy = context.settings.signup
    return policy == "open" or (policy == "first" and not has_organisations(context.platform))


def _closed(request: Request, pages: Pages) -> Response:
    return pages.render(request, "signup_closed.html", status_code=403)


@router.get("/sign-up")
def sign_up_page(request: Request, pages: Pages, context: Ctx) -> Response:
    if not signup_open(context):
        return _closed(request, pages)
    form = {"organisation": "", "slug": "", "email": ""}
    return pages.render(request, "sign_up.html", {"errors": [], "form": form})


@router.post("/sign-up")
def sign_up_form(
    request: Request,
    pages: Pages,
    context: Ctx,
    organisation: Text,
    slug: Text,
    email: Text,
    password: Text,
) -> Response:
    if not signup_open(context):
        return _closed(request, pages)
    try:
        done = sign_up(
            context.platform,
            organisation=organisation,
            slug=slug.strip(),
            email=email,
            password=password,
        )
    except (InvalidInput, Conflict, access.Unauthenticated, access.TooManyAttempts) as exc:
        form = {"organisation": organisation, "slug": slug, "email": email}
        values = {"errors": [str(exc)], "form": form}
        return pages.render(request, "sign_up.html", values, status_code=422)
    target = f"/console/{done.organisation.slug}?notice=welcome"
    return _signed_in(RedirectResponse(target, status_code=303), done.session)


@router.post("/sign-out")
def sign_out(request: Request, context: Ctx) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        access.logout(context.platform, token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="lax")
    set_csrf_cookie(response, secrets.token_urlsafe(32))
    return response


@router.get("/console")
def console_index(request: Request, pages: Pages, context: Ctx, user: CurrentUser) -> Response:
    mine = memberships(context.platform, user)
    if len(mine) == 1:
        return RedirectResponse(f"/console/{mine[0][0].slug}", status_code=303)
    return pages.render(request, "console/index.html", {"organisations": mine})
