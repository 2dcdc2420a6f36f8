"""Console: the organisation's audit log, newest first, a page at a time, filtered by
action (admins)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from microcred.services.audit_log import MAX_ACTION, audit_page
from microcred.web.context import Ctx
from microcred.web.ui.access import InConsole, Pages
from microcred.web.ui.routing import PageRoute

router = APIRouter(route_class=PageRoute)
#: Characters of one detail value shown (the API gives them whole).
MAX_VALUE = 200


def details(detail: Mapping[str, object]) -> list[tuple[str, str]]:
    """An entry's details as short ``key: value`` pairs (lists and objects as JSON)."""
    pairs = []
    for key, value in detail.items():
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        pairs.append((str(key), text if len(text) <= MAX_VALUE else text[:MAX_VALUE] + "…"))
    return pairs


@router.get("/console/{slug}/audit")
def audit(
    request: Request,
    pages: Pages,
    context: Ctx,
    console: InConsole,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    action: Annotated[str, Query(max_length=MAX_ACTION)] = "",
) -> Response:
    found = audit_page(context.platform, console.actor, console.org.id, action=action, page=page)
    values = {"console": console, "section": "/audit", "log": found, "details": details}
    return pages.render(request, "console/audit.html", values)
