"""Console: the organisation's DID and signing keys (rotate, mark compromised), and its
API keys (create, with the secret shown once; revoke)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from microcred.domain.model import Role
from microcred.services import access
from microcred.services.errors import Conflict, InvalidInput, NotFound
from microcred.services.keys import mark_compromised, rotate_key
from microcred.services.settings import identity
from microcred.web.context import Ctx
from microcred.web.ui.access import Console, InConsole, Pages
from microcred.web.ui.forms import role_of
from microcred.web.ui.routing import PageRoute

router = APIRouter(route_class=PageRoute)
Text = Annotated[str, Form(max_length=200)]


def _keys_page(
    request: Request,
    pages: Pages,
    context: Ctx,
    console: Console,
    *,
    errors: list[str] | None = None,
    status: int = 200,
) -> Response:
    found = identity(context.platform, console.actor, console.org.id)
    values = {"console": console, "section": "/keys", "identity": found, "errors": errors or []}
    return pages.render(request, "console/keys.html", values, status_code=status)


def _moment(value: str) -> datetime:
    """A ``datetime-local`` field's value, read as UTC."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput("compromised since: give a date and a time") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


@router.get("/console/{slug}/keys")
def keys(request: Request, pages: Pages, context: Ctx, console: InConsole) -> Response:
    return _keys_page(request, pages, context, console)


@router.post("/console/{slug}/keys/rotate")
def rotate(request: Request, pages: Pages, context: Ctx, console: InConsole) -> Response:
    try:
        rotate_key(context.platform, console.actor, console.org.id)
    except Conflict as exc:
        return _keys_page(request, pages, context, console, errors=[str(exc)], status=409)
    target = f"/console/{console.org.slug}/keys?notice=key-rotated"
    return RedirectResponse(target, status_code=303)


@router.post("/console/{slug}/keys/{key_id}/compromised")
def compromised(
    key_id: str, request: Request, pages: Pages, context: Ctx, console: InConsole, since: Text = ""
) -> Response:
    try:
        at = _moment(since)
        mark_compromised(context.platform, console.actor, console.org.id, key_id, at)
    except (InvalidInput, Conflict, NotFound) as exc:
        return _keys_page(request, pages, context, console, errors=[str(exc)], status=422)
    target = f"/console/{console.org.slug}/keys?notice=key-compromised"
    return RedirectResponse(target, status_code=303)


# ---------------------------------------------------------------------------- API keys


def _api_keys_page(
    request: Request,
    pages: Pages,
    context: Ctx,
    console: Console,
    *,
    errors: list[str] | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    found = access.list_api_keys(context.platform, console.org.id, actor=console.actor)
    found.sort(key=lambda key: (key.revoked_at is not None, key.created_at))
    roles = [role.value for role in Role if console.role.allows(role)]
    values: dict[str, Any] = {
        "console": console,
        "section": "/api-keys",
        "keys": found,
        "role_options": [(role, role) for role in roles],
        "errors": errors or [],
        "form": form or {"name": "", "role": Role.ISSUER.value},
    }
    return pages.render(request, "console/api_keys.html", values, status_code=status)


@router.get("/console/{slug}/api-keys")
def api_keys(request: Request, pages: Pages, context: Ctx, console: InConsole) -> Response:
    return _api_keys_page(request, pages, context, console)


@router.post("/console/{slug}/api-keys")
def create_api_key(
    request: Request,
    pages: Pages,
    context: Ctx,
    console: InConsole,
    name: Text = "",
    role: Text = "",
) -> Response:
    try:
        issued = access.create_api_key(
            context.platform, console.org.id, name=name, role=role_of(role), actor=console.actor
        )
    except InvalidInput as exc:
        form = {"name": name, "role": role}
        return _api_keys_page(
            request, pages, context, console, errors=[str(exc)], form=form, status=422
        )
    values = {"console": console, "section": "/api-keys", "issued": issued}
    return pages.render(request, "console/api_key_created.html", values)


@router.post("/console/{slug}/api-keys/{key_id}/revoke")
def revoke_api_key(key_id: str, context: Ctx, console: InConsole) -> Response:
    access.revoke_api_key(context.platform, console.org.id, key_id, actor=console.actor)
    target = f"/console/{console.org.slug}/api-keys?notice=api-key-revoked"
    return RedirectResponse(target, status_code=303)
