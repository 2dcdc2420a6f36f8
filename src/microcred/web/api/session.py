"""``/api/v1/session``: password sign-in, the signed-in user, sign-out."""

from __future__ import annotations

import logging
from datetime import datetime

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from microcred.domain.model import User
from microcred.services import access
from microcred.web.auth import SESSION_COOKIE, CurrentCaller, set_session_cookie
from microcred.web.context import Ctx
from microcred.web.problems import NoCredentials
from microcred.web.routing import StrictJSONRoute

router = APIRouter(prefix="/api/v1/session", tags=["session"], route_class=StrictJSONRoute)
logger = logging.getLogger("microcred.web")


class Login(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


class UserOut(BaseModel):
    id: str
    email: str
    name: str | None


class SessionOut(BaseModel):
    token: str = Field(description="Also set as the mc_session cookie; or send it as a bearer.")
    expires_at: datetime
    user: UserOut


def _user(user: User) -> UserOut:
    return UserOut(id=user.id, email=user.email, name=user.name)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Sign in with a password")
def sign_in(body: Login, response: Response, context: Ctx) -> SessionOut:
    try:
        issued = access.login(context.platform, body.email, body.password)
    except access.Unauthenticated:
        logger.warning("failed sign-in for %r", body.email[:320])
        raise
    set_session_cookie(response, issued)
    return SessionOut(
        token=issued.token, expires_at=issued.session.expires_at, user=_user(issued.user)
    )


@router.get("", summary="The signed-in user")
def current(caller: CurrentCaller) -> UserOut:
    if caller.user is None:
        raise NoCredentials("this endpoint needs a signed-in session, not an API key")
    return _user(caller.user)


@router.delete("", status_code=status.HTTP_204_NO_CONTENT, summary="Sign out")
def sign_out(request: Request, context: Ctx) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        token = header[len("bearer ") :].strip()
    if token:
        access.logout(context.platform, token)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="lax")
    return response
