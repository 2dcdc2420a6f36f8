"""Routes whose JSON bodies are parsed as strictly as credentials are.

FastAPI parses bodies with :func:`json.loads`, which accepts duplicate keys (the last one
wins, so two parsers may read two different documents), ``NaN`` and unbounded nesting.
:class:`StrictJSONRoute` parses them with :func:`microcred.core.jsonutil.parse_json`
instead; what it refuses becomes a 400 "Malformed JSON" problem.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from microcred.core.errors import InputError
from microcred.core.jsonutil import parse_json


class StrictJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                # the size was bounded by the body limit already
                self._json = parse_json(body, max_bytes=max(len(body), 1))
            except InputError as exc:
                text = body.decode("utf-8", "replace")
                raise json.JSONDecodeError(str(exc), text, 0) from exc
        return self._json


class StrictJSONRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(StrictJSONRequest(request.scope, request.receive))

        return strict
