"""(being written)"""

from __future__ import annotations

from fastapi import APIRouter

from microcred.web.ui.routing import PageRoute

router = APIRouter(route_class=PageRoute)
