"""Images an organisation uploads (badge pictures, logos) and the badge artwork to bake.

An upload is sniffed, then checked and rebuilt by the renderer (a PNG is decoded and
written out again, an SVG rebuilt from an allow-list), so what is stored and served is
only ever the cleaned picture.  Stored images are public at ``<base>/images/<id>``.
"""

from __future__ import annotations

import base64
import html
import re
import uuid
from dataclasses import dataclass
from io import BytesIO

from PIL import Image

from microcred.domain.achievements import AchievementFields
from microcred.domain.model import Actor, AuditEntry, Organisation, Role
from microcred.services.errors import InvalidInput, NotFound
from microcred.services.keys import get_org
from microcred.services.organisations import Platform
from microcred.services.ports import StoredImage
from microcred.web.render.badge import ICONS, badge_png, badge_svg, valid_colour
from microcred.web.render.errors import ImageRejected
from microcred.web.render.images import PNG, SVG, check_png, sniff_image
from microcred.web.render.svg import sanitize_svg

__all__ = [
    "DEFAULT_COLOUR",
    "Artwork",
    "StoredImage",
    "badge_artwork",
    "get_image",
    "image_id_of",
    "image_url",
    "store_image",
]

#: The colour of a generated badge when the organisation chose none (the site's blue).
DEFAULT_COLOUR = "#1f5fad"
DEFAULT_ICON = "award"
MAX_ID = 36
_TITLE = re.compile(rb"<title>([^<]{0,400})</title>")
_CIRCLE_FILL = re.compile(rb'<circle [^>]*fill="(#[0-9a-f]{6})"')


@dataclass(frozen=True)
class Artwork:
    """The pictures a credential is baked into."""

    png: bytes
    svg: bytes


def store_image(platform: Platform, actor: Actor, org_id: str, data: bytes) -> StoredImage:
    """Check, clean and keep an uploaded PNG or SVG of the organisation (issuer role)."""
    actor.require(org_id, Role.ISSUER)
    media_type, clean = _cleaned(data)
    now = platform.clock()
    image = StoredImage(str(uuid.uuid4()), org_id, media_type, clean, now)
    detail = {"media_type": media_type, "bytes": len(clean)}
    with platform.uow() as uow:
        get_org(uow, org_id)
        uow.images.add(image)
        uow.audit.append(AuditEntry(org_id, actor.label, "image.upload", image.id, detail, now))
        uow.commit()
    return image


def _cleaned(data: bytes) -> tuple[str, bytes]:
    kind = sniff_image(data)
    try:
        if kind == PNG:
            return PNG, check_png(data)
        if kind == SVG:
            return SVG, sanitize_svg(data)
    except ImageRejected as exc:
        raise InvalidInput(_sentence(str(exc))) from None
    raise InvalidInput("The file is neither a PNG nor an SVG image.")


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def get_image(platform: Platform, image_id: str) -> StoredImage:
    """A stored image with its bytes; anyone may read it."""
    found = None
    if 0 < len(image_id) <= MAX_ID:
        with platform.uow() as uow:
            found = uow.images.get(image_id)
    if found is None:
        raise NotFound(f"there is no image {image_id[:MAX_ID]!r}")
    return found


def image_url(base_url: str, image_id: str) -> str:
    return f"{base_url.rstrip('/')}/images/{image_id}"


def image_id_of(base_url: str, url: str | None) -> str | None:
    """The id of the stored image at ``url``, when it is one of this platform's."""
    prefix = image_url(base_url, "")
    if not url or not url.startswith(prefix):
        return None
    image_id = url[len(prefix) :]
    if not 0 < len(image_id) <= MAX_ID or any(c in image_id for c in "/?#"):
        return None
    return image_id


# --------------------------------------------------------------------------- artwork


def badge_artwork(platform: Platform, fields: AchievementFields, org: Organisation) -> Artwork:
    """The achievement's picture as a PNG and an SVG, ready to bake.

    When its ``image`` is one of the organisation's stored images, that picture is used:
    a stored PNG is also wrapped in an SVG; a stored SVG cannot be rasterised here, so its
    PNG is the same generated badge when it is one (see :func:`generated_choice`), else a
    generated badge.  Without a stored image both are a badge generated in the
    organisation's colour.
    """
    stored = _own_image(platform, fields.image, org)
    colour = org.brand_colour if org.brand_colour and valid_colour(org.brand_colour) else None
    colour = colour or DEFAULT_COLOUR
    if stored is not None and stored.media_type == PNG:
        return Artwork(stored.data, svg_around_png(stored.data))
    if stored is not None and stored.media_type == SVG:
        drawn = generated_choice(stored.data)
        png = badge_png(*drawn) if drawn else badge_png(fields.name, colour, DEFAULT_ICON)
        return Artwork(png, stored.data)
    png = badge_png(fields.name, colour, DEFAULT_ICON)
    return Artwork(png, badge_svg(fields.name, colour, DEFAULT_ICON))


def generated_choice(svg: bytes) -> tuple[str, str, str] | None:
    """(name, colour, icon) when ``svg`` is exactly a stored generated badge (as the
    achievement form makes them), so its PNG can be drawn the same; None otherwise."""
    title = _TITLE.search(svg)
    fills = _CIRCLE_FILL.findall(svg)
    if title is None or len(fills) < 2:
        return None
    name, colour = html.unescape(title.group(1).decode("utf-8")), fills[1].decode("ascii")
    for icon in ICONS:
        if sanitize_svg(badge_svg(name, colour, icon)) == svg:
            return name, colour, icon
    return None


def _own_image(platform: Platform, url: str | None, org: Organisation) -> StoredImage | None:
    image_id = image_id_of(platform.base_url, url)
    if image_id is None:
        return None
    with platform.uow() as uow:
        image = uow.images.get(image_id)
    return image if image is not None and image.org_id == org.id else None


def svg_around_png(png: bytes) -> bytes:
    """An SVG that shows ``png`` at its own size (the picture inside as a ``data:`` URL)."""
    with Image.open(BytesIO(png)) as image:
        width, height = image.size
    encoded = base64.b64encode(png).decode("ascii")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><image width="{width}" height="{height}" '
        f'href="data:image/png;base64,{encoded}"/></svg>\n'
    ).encode("ascii")
