"""Who is looking at a page: the signed-in user, and their place in an organisation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends, Request

from microcred.domain.model import Actor, Organisation, PermissionDenied, Role, User
from microcred.services.access import organisation_by_slug
from microcred.services.members import memberships
from microcred.web.context import Ctx
from microcred.web.ui.templating import Templates


class SignInRequired(Exception):
    """The page needs a signed-in user; they are sent to sign in and brought back."""

    def __init__(self, back_to: str) -> None:
        super().__init__("sign in to see this page")
        self.back_to = back_to


def optional_user(request: Request) -> User | None:
    return cast(User | None, getattr(request.state, "user", None))


def signed_in(request: Request) -> User:
    user = optional_user(request)
    if user is None:
        query = f"?{request.url.query}" if request.url.query else ""
        raise SignInRequired(request.url.path + query)
    return user


CurrentUser = Annotated[User, Depends(signed_in)]


@dataclass(frozen=True)
class Console:
    """A signed-in member on one organisation's console pages."""

    org: Organisation
    user: User
    role: Role
    actor: Actor
    organisations: list[tuple[Organisation, Role]]

    def can(self, needed: str) -> bool:
        return self.role.allows(Role(needed))


def console(slug: str, user: CurrentUser, context: Ctx) -> Console:
    org = organisation_by_slug(context.platform, slug)
    mine = memberships(context.platform, user)
    role = next((role for found, role in mine if found.id == org.id), None)
    if role is None:
        raise PermissionDenied(f"you are not a member of {org.name}")
    return Console(org, user, role, Actor("user", user.id, org.id, role), mine)


InConsole = Annotated[Console, Depends(console)]


def templates_of(request: Request) -> Templates:
    return cast(Templates, request.app.state.templates)  # set by install_pages


Pages = Annotated[Templates, Depends(templates_of)]
