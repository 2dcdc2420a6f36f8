"""Console: the organisation's members (add, change role, remove), and the page where an
invited person chooses their password (``/invitations/<token>``, no sign-in needed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from microcred.domain.model import Role
from microcred.services import members as service
from microcred.services.errors import Conflict, InvalidInput
from microcred.services.invitation_mail import invitation_url
from microcred.web.context import Ctx
from microcred.web.ui.access import Console, InConsole, Pages
from microcred.web.ui.forms import role_of
from microcred.web.ui.pages import _signed_in
from microcred.web.ui.routing import PageRoute

router = APIRouter(route_class=PageRoute)
Text = Annotated[str, Form(max_length=2000)]
Secret = Annotated[str, Form(max_length=service.MAX_PASSWORD)]


@dataclass(frozen=True)
class Row:
    member: service.Member
    #: The viewer may change this member's role or remove them.
    manageable: bool


def _rows(console: Console, found: list[service.Member]) -> list[Row]:
    def manageable(member: service.Member) -> bool:
        if not console.can("admin") or member.user_id == console.user.id:
            return False
        return service.may_manage(console.role, member.role)

    return [Row(member, manageable(member)) for member in found]


def _page(
    request: Request,
    pages: Pages,
    context: Ctx,
    console: Console,
    *,
    errors: list[str] | None = None,
    form: dict[str, str] | None = None,
    invited: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    found = service.members_of(context.platform, console.actor, console.org.id)
    roles = service.grantable_roles(console.role)
    values: dict[str, Any] = {
        "console": console,
        "section": "/members",
        "rows": _rows(console, found),
        "roles": roles,
        "role_options": [(role.value, role.value) for role in roles],
        "errors": errors or [],
        "form": form or {"email": "", "role": Role.VIEWER.value},
        "invited": invited,
    }
    return pages.render(request, "console/members.html", values, status_code=status)


def _invited(context: Ctx, email: str, token: str) -> dict[str, str]:
    return {"email": email, "link": invitation_url(context.settings.base_url, token)}


def _done(console: Console, notice: str) -> Response:
    target = f"/console/{console.org.slug}/members?notice={notice}"
    return RedirectResponse(target, status_code=303)


@router.get("/console/{slug}/members")
def members(request: Request, pages: Pages, context: Ctx, console: InConsole) -> Response:
    return _page(request, pages, context, console)


@router.post("/console/{slug}/members")
def add(
    request: Request,
    pages: Pages,
    context: Ctx,
    console: InConsole,
    email: Text = "",
    role: Text = "",
) -> Response:
    try:
        added = service.add_member(
            context.platform, console.actor, console.org.id, email, role_of(role)
        )
    except (InvalidInput, Conflict) as exc:
        form = {"email": email, "role": role}
        return _page(request, pages, context, console, errors=[str(exc)], form=form, status=422)
    if added.invitation_token is None:
        return _done(console, "member-added")
    invited = _invited(context, added.member.email, added.invitation_token)
    return _page(request, pages, context, console, invited=invited)


@router.post("/console/{slug}/members/{user_id}/role")
def change(
    user_id: str, request: Request, pages: Pages, context: Ctx, console: InConsole, role: Text = ""
) -> Response:
    try:
        service.change_role(context.platform, console.actor, console.org.id, user_id, role_of(role))
    except (InvalidInput, Conflict) as exc:
        return _page(request, pages, context, console, errors=[str(exc)], status=422)
    return _done(console, "member-changed")


@router.post("/console/{slug}/members/{user_id}/remove")
def remove(
    user_id: str, request: Request, pages: Pages, context: Ctx, console: InConsole
) -> Response:
    try:
        service.remove_member(context.platform, console.actor, console.org.id, user_id)
    except Conflict as exc:
        return _page(request, pages, context, console, errors=[str(exc)], status=409)
    return _done(console, "member-removed")


@router.post("/console/{slug}/members/{user_id}/invitation")
def renew(
    user_id: str, request: Request, pages: Pages, context: Ctx, console: InConsole
) -> Response:
    try:
        added = service.renew_invitation(context.platform, console.actor, console.org.id, user_id)
    except Conflict as exc:
        return _page(request, pages, context, console, errors=[str(exc)], status=409)
    invited = _invited(context, added.member.email, added.invitation_token or "")
    return _page(request, pages, context, console, invited=invited)


# ---------------------------------------------------------------------------- invitations


@router.get("/invitations/{token}")
def invitation(token: str, request: Request, pages: Pages, context: Ctx) -> Response:
    found = service.invitation(context.platform, token)
    values = {"invitation": found, "token": token, "name": "", "errors": []}
    return pages.render(request, "console/invitation.html", values)


@router.post("/invitations/{token}")
def accept(
    token: str, request: Request, pages: Pages, context: Ctx, name: Text = "", password: Secret = ""
) -> Response:
    try:
        joined = service.accept_invitation(context.platform, token, name=name, password=password)
    except InvalidInput as exc:
        found = service.invitation(context.platform, token)
        values = {"invitation": found, "token": token, "name": name, "errors": [str(exc)]}
        return pages.render(request, "console/invitation.html", values, status_code=422)
    target = f"/console/{joined.organisation.slug}"
    return _signed_in(RedirectResponse(target, status_code=303), joined.session)
