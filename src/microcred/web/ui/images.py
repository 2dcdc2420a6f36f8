"""Stored images (``/images/<id>``) and the live preview of a generated badge.

These are files, not pages: a plain router, so no session is looked up and no cookie is
set on an answer that caches may keep.  A stored SVG has already been rebuilt from an
allow-list; the sandboxing policy makes sure no script could run even if one got in,
also when the file is opened on its own.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from microcred.services.errors import InvalidInput
from microcred.services.images import DEFAULT_COLOUR, DEFAULT_ICON, get_image
from microcred.web.context import Ctx
from microcred.web.render.badge import ICONS, badge_svg, valid_colour

router = APIRouter(include_in_schema=False)

IMMUTABLE = "public, max-age=31536000, immutable"
SANDBOX = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
MAX_PREVIEW_NAME = 200
SVG = "image/svg+xml"


def file_headers(cache: str) -> dict[str, str]:
    return {
        "Cache-Control": cache,
        "Content-Security-Policy": SANDBOX,
        "X-Content-Type-Options": "nosniff",
    }


@router.get("/images/{image_id}")
def image(image_id: str, context: Ctx) -> Response:
    stored = get_image(context.platform, image_id)
    return Response(stored.data, media_type=stored.media_type, headers=file_headers(IMMUTABLE))


@router.get("/badge-preview.svg")
def badge_preview(
    name: Annotated[str, Query(max_length=MAX_PREVIEW_NAME)] = "",
    badge_colour: Annotated[str, Query(max_length=7)] = "",
    badge_icon: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    """The generated badge for these choices (an empty one means the default)."""
    badge_colour = badge_colour or DEFAULT_COLOUR
    badge_icon = badge_icon or DEFAULT_ICON
    if not valid_colour(badge_colour):
        raise InvalidInput(f"badge_colour: {badge_colour!r} is not a #rrggbb colour")
    if badge_icon not in ICONS:
        raise InvalidInput(f"badge_icon: choose one of {', '.join(ICONS)}")
    body = badge_svg(name, badge_colour, badge_icon)
    return Response(body, media_type=SVG, headers=file_headers("public, max-age=300"))
