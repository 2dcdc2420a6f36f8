"""The console's dashboard."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from microcred.web.ui.access import InConsole, Pages
from microcred.web.ui.routing import PageRoute

router = APIRouter(route_class=PageRoute)


@router.get("/console/{slug}")
def dashboard(request: Request, pages: Pages, console: InConsole) -> Response:
    return pages.render(request, "console/dashboard.html", {"console": console, "section": "/"})
