"""Adds the web application to the FastAPI app: pages, static files, HTML error pages."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from microcred.domain.model import PermissionDenied
from microcred.services.access import TooManyAttempts, Unauthenticated
from microcred.services.errors import Conflict, InvalidInput, NotFound, ServiceError
from microcred.web.api.published import prefers_html
from microcred.web.ui.access import SignInRequired
from microcred.web.ui.routing import CsrfRejected, is_page, load_user
from microcred.web.ui.templating import Templates, make_environment

Handler = Callable[[Request, Exception], Awaitable[Response]]
Fallback = Callable[[Request, Any], Response | Awaitable[Response]]

STATIC_CACHE = "public, max-age=3600"


def wants_html(request: Request) -> bool:
    """A page, or a browser asking for a path outside the API."""
    if is_page(request):
        return True
    api = request.url.path.startswith("/api/")
    return not api and prefers_html(request.headers.get("accept"))


def _status_of(exc: Exception) -> tuple[int, str]:
    mapping: tuple[tuple[type[Exception], int], ...] = (
        (CsrfRejected, 403),
        (PermissionDenied, 403),
        (NotFound, 404),
        (Conflict, 409),
        (InvalidInput, 422),
        (TooManyAttempts, 429),
        (RequestValidationError, 422),
        (ServiceError, 400),
    )
    if isinstance(exc, StarletteHTTPException):
        return exc.status_code, _http_sentence(exc)
    for cls, status in mapping:
        if isinstance(exc, cls):
            return status, _sentence(exc)
    return 400, str(exc)


def _http_sentence(exc: StarletteHTTPException) -> str:
    if exc.status_code == 404:
        return "There is nothing at this address."
    return str(exc.detail) if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase


def _sentence(exc: Exception) -> str:
    if isinstance(exc, RequestValidationError):
        fields = sorted({str(error["loc"][-1]) for error in exc.errors() if error.get("loc")})
        return "Some fields are missing or too long: " + ", ".join(fields) + "."
    text = str(exc)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _page_errors(templates: Templates, fallback: Fallback) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        if isinstance(exc, SignInRequired | Unauthenticated) and wants_html(request):
            back = exc.back_to if isinstance(exc, SignInRequired) else request.url.path
            return RedirectResponse(f"/sign-in?next={quote(back)}", status_code=303)
        if not wants_html(request):
            answer = fallback(request, exc)
            return await answer if inspect.isawaitable(answer) else answer
        status, message = _status_of(exc)
        heading = HTTPStatus(status).phrase
        values = {"heading": heading, "message": message}
        if not hasattr(request.state, "csrf_token"):
            request.state.csrf_token = ""
        if not hasattr(request.state, "user"):
            load_user(request)  # a page outside the page routes (a 404) still knows who it is
        return templates.render(request, "error.html", values, status_code=status)

    return handle


async def _no_fallback(request: Request, exc: Exception) -> Response:
    raise exc


def install_pages(app: FastAPI, templates: Templates | None = None) -> Templates:
    """Pages and their error handling; call after :func:`problems.install`."""
    from microcred.web.ui import routers  # the page modules import this module's peers

    templates = templates or Templates(make_environment())
    app.state.templates = templates
    for router in routers.ALL:
        app.include_router(router)
    static = Path(str(resources.files("microcred.web").joinpath("static")))
    app.mount("/static", StaticFiles(directory=static), name="static")
    handled = (
        RequestValidationError, StarletteHTTPException, Unauthenticated, PermissionDenied,
        ServiceError, CsrfRejected, SignInRequired,
    )  # fmt: skip
    for cls in handled:
        fallback = app.exception_handlers.get(cls, _no_fallback)
        app.add_exception_handler(cls, _page_errors(templates, fallback))
    return templates
