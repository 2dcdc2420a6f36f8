"""Pure ASGI middleware: body size limit, last-resort error handler, security headers."""

from __future__ import annotations

import logging
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from microcred.web.problems import problem

logger = logging.getLogger("microcred.web")

#: Bodies above this many bytes are refused with 413 before anything parses them.
DEFAULT_MAX_BODY_BYTES = 1_048_576


class BodyLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` with 413, before parsing.

    A declared ``Content-Length`` over the limit is refused without reading the body; a
    body without one (chunked) is read up to the limit and refused once it passes it.
    The accepted body is handed on to the application unchanged.
    """

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send, f"{int(declared):,} bytes")
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(scope, receive, send, f"more than {self.max_bytes:,} bytes")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, size: str) -> None:
        response = problem(
            413,
            "body-too-large",
            f"the request body is {size}; the limit is {self.max_bytes:,} bytes",
            title="Request body too large",
            headers={"Connection": "close"},
            limit=self.max_bytes,
        )
        await response(scope, receive, send)


class CatchAllMiddleware:
    """Answer an unexpected exception with a generic 500 problem (no traceback leaves the
    server); the traceback is logged with an incident id that the answer also carries."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            incident = f"urn:uuid:{uuid.uuid4()}"
            logger.exception(
                "unexpected error %s in %s %s", incident, scope.get("method"), scope.get("path")
            )
            if started:
                raise
            response = problem(
                500,
                "internal",
                "the server failed to handle the request; the error was logged",
                title="Internal server error",
                instance=incident,
            )
            await response(scope, receive, send)


class SecurityHeadersMiddleware:
    """Conservative headers on every answer; API answers are never cached."""

    HEADERS = (
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("x-frame-options", "DENY"),
        ("cross-origin-opener-policy", "same-origin"),
        ("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()"),
    )
    #: Pages run only the package's own scripts and styles: no inline script or style,
    #: nothing from other hosts, no framing, forms only to this site.
    PAGE_POLICY = (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'"
    )
    #: Everything else (JSON, images, files): no script runs, even when opened directly.
    OTHER_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox"

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = str(scope.get("path", "")).startswith("/api/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.HEADERS:
                    headers.setdefault(name, value)
                html = headers.get("content-type", "").startswith("text/html")
                policy = self.PAGE_POLICY if html else self.OTHER_POLICY
                headers.setdefault("content-security-policy", policy)
                if api:
                    headers.setdefault("cache-control", "no-store")
            await send(message)

        await self.app(scope, receive, with_headers)
