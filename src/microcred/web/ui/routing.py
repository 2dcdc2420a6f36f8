"""The route class of every page: CSRF tokens, the signed-in user, HTML error pages.

CSRF: a random token lives in the ``mc_csrf`` cookie (HttpOnly, Secure, SameSite=Strict)
and in a hidden ``csrf_token`` field of every form; a form whose field does not match its
cookie is refused before its handler runs (double-submit cookie).  Requests the browser
marks ``Sec-Fetch-Site: cross-site`` are refused too.  Because the check lives in the
route class, no page handler can forget it.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from microcred.services.access import Unauthenticated, session_user
from microcred.web.auth import SESSION_COOKIE
from microcred.web.context import web_context

CSRF_COOKIE = "mc_csrf"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PAGE_FLAG = "microcred.page"
#: Form uploads (CSV files, images) are bounded by the body limit; these bound the parts.
MAX_FORM_FIELDS = 200
MAX_FORM_FILES = 2


class CsrfRejected(Exception):
    """A form arrived without the token of the page it was sent from."""


def is_page(request: Request) -> bool:
    return bool(request.scope.get(PAGE_FLAG))


async def _check_csrf(request: Request) -> None:
    if request.headers.get("sec-fetch-site") == "cross-site":
        raise CsrfRejected("the form was sent from another site")
    form = await request.form(max_files=MAX_FORM_FILES, max_fields=MAX_FORM_FIELDS)
    sent = form.get(CSRF_FIELD)
    expected = request.cookies.get(CSRF_COOKIE)
    if not isinstance(sent, str) or not expected or not hmac.compare_digest(sent, expected):
        raise CsrfRejected("the form's security token is missing or out of date")


def load_user(request: Request) -> None:
    """The signed-in user of the request into ``request.state.user`` (None: nobody)."""
    request.state.user = None
    request.state.session_token = None
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return
    try:
        request.state.user = session_user(web_context(request).platform, token)
        request.state.session_token = token
    except Unauthenticated:
        return


def set_csrf_cookie(response: Response, token: str) -> None:
    response.set_cookie(CSRF_COOKIE, token, path="/", secure=True, httponly=True, samesite="strict")


class PageRoute(APIRoute):
    """A page: not in the OpenAPI document, CSRF-checked, with the user loaded."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        kwargs["include_in_schema"] = False
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            request.scope[PAGE_FLAG] = True
            cookie = request.cookies.get(CSRF_COOKIE)
            request.state.csrf_token = cookie or secrets.token_urlsafe(32)
            if request.method not in SAFE_METHODS:
                await _check_csrf(request)
            load_user(request)
            response = await handler(request)
            if not cookie:
                set_csrf_cookie(response, request.state.csrf_token)
            response.headers.setdefault("cache-control", "no-store")
            return response

        return page
