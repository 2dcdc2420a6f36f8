"""Errors as RFC 9457 problem details (``application/problem+json``).

Every error the application answers with has ``type``, ``title``, ``status`` and a
``detail`` that names what is wrong and where.  Types are stable URNs
(``urn:microcred:problem:<name>``); plain HTTP errors use ``about:blank``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from microcred.domain.model import PermissionDenied
from microcred.services.access import TooManyAttempts, Unauthenticated
from microcred.services.errors import Conflict, InvalidInput, NotFound, ServiceError

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:microcred:problem:"
REALM = "microcred"
MAX_LISTED_ERRORS = 20

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_JSON


class NoCredentials(Unauthenticated):
    """The request carries no credentials at all (the challenge names no error)."""


def problem(
    status: int,
    kind: str | None,
    detail: str,
    *,
    title: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> ProblemResponse:
    """A problem response; ``kind`` None means ``about:blank`` (title = status phrase)."""
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + kind if kind else "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **extra,
    }
    return ProblemResponse(body, status_code=status, headers=dict(headers or {}))


def json_path(location: Sequence[Any]) -> str:
    """``("a", 0, "@context")`` -> ``$.a[0]['@context']``."""
    parts = ["$"]
    for item in location:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif _IDENTIFIER.match(str(item)):
            parts.append(f".{item}")
        else:
            escaped = str(item).replace("\\", "\\\\").replace("'", "\\'")
            parts.append(f"['{escaped}']")
    return "".join(parts)


def _where(loc: Sequence[Any]) -> tuple[str, str]:
    """(location, path): the body by JSON path, other parts by parameter name."""
    source = str(loc[0]) if loc else "body"
    rest = list(loc[1:])
    if source == "body":
        return source, json_path(rest)
    return source, ".".join(str(p) for p in rest) or source


def _is_json(content_type: str | None) -> bool:
    media = (content_type or "").split(";")[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and "+json" in media)


async def _validation(request: Request, exc: Exception) -> Response:
    error = cast(RequestValidationError, exc)  # registered for this class only
    errors = list(error.errors())
    bad_json = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if bad_json is not None:
        reason = (bad_json.get("ctx") or {}).get("error") or "it cannot be parsed"
        detail = f"the request body is not valid JSON: {reason}"
        return problem(400, "malformed-json", detail, title="Malformed JSON")
    whole_body = [e for e in errors if tuple(e.get("loc", ())) == ("body",)]
    content_type = request.headers.get("content-type")
    if whole_body and content_type and not _is_json(content_type):
        return problem(
            415,
            "unsupported-media-type",
            f"the body is {content_type.split(';')[0]}; send it as application/json",
        )
    if whole_body and whole_body[0].get("type") == "missing":
        return problem(422, "validation", "the request needs a JSON body", title="Invalid request")
    listed = []
    for error in errors[:MAX_LISTED_ERRORS]:
        location, path = _where(tuple(error.get("loc", ())))
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        listed.append({"location": location, "path": path, "detail": message})
    summary = "; ".join(_sentence(e) for e in listed[:5])
    if len(errors) > 5:
        summary += f" (and {len(errors) - 5} more)"
    return problem(422, "validation", summary, title="Invalid request", errors=listed)


def _sentence(error: Mapping[str, str]) -> str:
    if error["location"] == "body":
        return f"{error['path']}: {error['detail']}"
    return f"{error['location']} parameter {error['path']}: {error['detail']}"


async def _http(request: Request, exc: Exception) -> Response:
    error = cast(StarletteHTTPException, exc)  # registered for this class only
    detail = error.detail if isinstance(error.detail, str) else HTTPStatus(error.status_code).phrase
    if error.status_code == 404 and detail == "Not Found":
        detail = f"there is no endpoint at {request.url.path}"
    elif error.status_code == 405 and detail == "Method Not Allowed":
        detail = f"{request.method} is not allowed on {request.url.path}"
    return problem(error.status_code, None, detail, headers=error.headers)


def challenge(exc: Unauthenticated) -> str:
    """The ``WWW-Authenticate`` value (RFC 6750): an error only when a token was sent."""
    if isinstance(exc, NoCredentials):
        return f'Bearer realm="{REALM}"'
    message = str(exc).replace("\\", "").replace('"', "'")
    return f'Bearer realm="{REALM}", error="invalid_token", error_description="{message}"'


async def _unauthenticated(request: Request, exc: Exception) -> Response:
    error = cast(Unauthenticated, exc)  # registered for this class only
    return problem(
        401,
        "unauthenticated",
        str(error),
        title="Authentication required",
        headers={"WWW-Authenticate": challenge(error)},
    )


async def _forbidden(request: Request, exc: Exception) -> Response:
    return problem(403, "forbidden", str(exc), title="Not allowed")


_SERVICE_ERRORS: tuple[tuple[type[ServiceError], int, str, str], ...] = (
    (NotFound, 404, "not-found", "Not found"),
    (Conflict, 409, "conflict", "Conflict"),
    (InvalidInput, 422, "invalid-input", "Invalid input"),
    (TooManyAttempts, 429, "too-many-attempts", "Too many attempts"),
)


async def _service(request: Request, exc: Exception) -> Response:
    for cls, status, kind, title in _SERVICE_ERRORS:
        if isinstance(exc, cls):
            return problem(status, kind, str(exc), title=title)
    return problem(400, "bad-request", str(exc))


async def _unstorable(request: Request, exc: Exception) -> Response:
    """PostgreSQL text holds no NUL character: one in the input is the caller's (422).
    Any other data error is unexpected: the catch-all middleware answers it (500)."""
    if "NUL (0x00)" not in str(getattr(exc, "orig", "")):
        raise exc
    detail = "a value holds a NUL character (\\u0000), which is not accepted"
    return problem(422, "invalid-input", detail, title="Invalid input")


def install(app: FastAPI) -> None:
    """Answer every expected error as a problem (unexpected ones: see the middleware)."""
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Unauthenticated, _unauthenticated)
    app.add_exception_handler(PermissionDenied, _forbidden)
    app.add_exception_handler(ServiceError, _service)
    app.add_exception_handler(DataError, _unstorable)
