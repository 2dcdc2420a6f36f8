"""Generated badge images: a round badge in one colour with an icon and the badge's name.

The same design is written as SVG (:func:`badge_svg`) and drawn as PNG with Pillow
(:func:`badge_png`), with the icons of :mod:`microcred.web.render.icons`.  Output depends
only on the input (and, for the PNG, on the font found).
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from PIL import Image, ImageDraw, ImageFont

from microcred.web.render import fonts
from microcred.web.render.icons import ICON_SHAPES, ICONS, Ellipse, Point, Polygon, Shape, Stroke

__all__ = ["ICONS", "badge_png", "badge_svg", "valid_colour"]

VIEW = 400
CENTRE = VIEW / 2
#: Where the 100 x 100 icon box goes in the 400 x 400 badge, and its scale.
ICON_ORIGIN = (140.0, 78.0)
ICON_SCALE = 1.2
LINE_CHARS = 16
#: (font size, baselines) for a one-line and a two-line name.
ONE_LINE = (28, (272.0,))
TWO_LINES = (26, (258.0, 292.0))
MAX_TEXT_WIDTH = 236.0
FONT_FAMILY = "DejaVu Sans, Verdana, Arial, sans-serif"
WHITE = "#ffffff"
DARK = "#1f2933"
MIN_PNG_SIZE, MAX_PNG_SIZE = 16, 2048
#: The PNG is drawn larger and scaled down, since Pillow's shapes have no anti-aliasing.
SUPERSAMPLED_PIXELS = 2400
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def valid_colour(value: str) -> bool:
    """Whether ``value`` is a ``#rrggbb`` colour."""
    return _COLOUR.fullmatch(value) is not None


def badge_svg(name: str, colour: str, icon: str) -> bytes:
    """A 400 x 400 round badge as SVG: ``icon`` on ``colour``, ``name`` along the bottom."""
    design = _Design.of(name, colour, icon)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{VIEW}" height="{VIEW}" '
        f'viewBox="0 0 {VIEW} {VIEW}" role="img">',
        f"<title>{escape(design.name)}</title>",
        *_svg_background(design),
        f'<g transform="translate({_n(ICON_ORIGIN[0])} {_n(ICON_ORIGIN[1])}) '
        f'scale({_n(ICON_SCALE)})">',
        *(_svg_shape(shape, design.ink) for shape in ICON_SHAPES[icon]),
        "</g>",
        *_svg_text(design),
        "</svg>",
    ]
    return ("\n".join(parts) + "\n").encode("utf-8")


def badge_png(
    name: str, colour: str, icon: str, *, size: int = VIEW, font_path: Path | None = None
) -> bytes:
    """The same badge as :func:`badge_svg`, as a ``size`` x ``size`` PNG.

    The name is written in ``font_path`` if given, else in a system sans-serif (bold if
    there is one), else in the small font Pillow bundles, which covers ASCII only.
    """
    if not MIN_PNG_SIZE <= size <= MAX_PNG_SIZE:
        raise ValueError(f"the size must be between {MIN_PNG_SIZE} and {MAX_PNG_SIZE} pixels")
    design = _Design.of(name, colour, icon)
    pixels = size * max(1, min(4, SUPERSAMPLED_PIXELS // size))
    canvas = Image.new("RGBA", (pixels, pixels), (0, 0, 0, 0))
    painter = _Painter(ImageDraw.Draw(canvas), pixels / VIEW, design.ink, _font_file(font_path))
    painter.background(design)
    for shape in ICON_SHAPES[icon]:
        painter.shape(shape)
    painter.text(design)
    out = BytesIO()
    canvas.resize((size, size), Image.Resampling.LANCZOS).save(out, format="PNG")
    return out.getvalue()


@dataclass(frozen=True)
class _Design:
    name: str
    lines: tuple[str, ...]
    colour: str
    ring: str
    ink: str

    @classmethod
    def of(cls, name: str, colour: str, icon: str) -> _Design:
        if not valid_colour(colour):
            raise ValueError(f"the colour {colour!r} is not a #rrggbb colour")
        if icon not in ICON_SHAPES:
            raise ValueError(f"there is no icon {icon!r}; choose one of {', '.join(ICONS)}")
        clean = _clean_name(name)
        colour = colour.lower()
        return cls(clean, _wrap(clean), colour, _mix_white(colour, 0.45), _ink(colour))


def _clean_name(name: str) -> str:
    # Control characters are not allowed in XML at all, and mean nothing in a name.
    printable = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cs"))
    return " ".join(printable.split())


def _wrap(name: str) -> tuple[str, ...]:
    """At most two lines of at most ``LINE_CHARS`` characters, ending in "…" if cut."""
    lines = textwrap.wrap(name, LINE_CHARS)
    if len(lines) <= 2:
        return tuple(lines)
    rest = " ".join(lines[1:])
    return (lines[0], rest[: LINE_CHARS - 1].rstrip() + "…")


def _layout(design: _Design) -> tuple[int, tuple[float, ...]]:
    return ONE_LINE if len(design.lines) < 2 else TWO_LINES


def _estimated_width(text: str, font_size: float) -> float:
    """A generous guess of a bold sans-serif line's width, without the font at hand."""
    ems = 0.0
    for character in text:
        if character in "iIl.,:;'!|jtf ":
            ems += 0.34
        elif character in "MWmw" or unicodedata.east_asian_width(character) in ("W", "F"):
            ems += 0.95
        elif character.isupper():
            ems += 0.74
        else:
            ems += 0.64
    return ems * font_size


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _mix_white(colour: str, amount: float) -> str:
    mixed = (round(c + (255 - c) * amount) for c in _rgb(colour))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _ink(colour: str) -> str:
    """White, unless dark ink contrasts better with ``colour`` (WCAG contrast ratio)."""
    luminance = _luminance(colour)
    on_white = 1.05 / (luminance + 0.05)
    on_dark = (luminance + 0.05) / (_luminance(DARK) + 0.05)
    return WHITE if on_white >= on_dark else DARK


def _luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _points(points: Iterable[Point]) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


def _svg_background(design: _Design) -> list[str]:
    c = _n(CENTRE)
    return [
        f'<circle cx="{c}" cy="{c}" r="196" fill="{design.ring}"/>',
        f'<circle cx="{c}" cy="{c}" r="172" fill="{design.colour}"/>',
        f'<circle cx="{c}" cy="{c}" r="160" fill="none" stroke="{design.ink}" '
        'stroke-opacity="0.35" stroke-width="3"/>',
    ]


def _svg_shape(shape: Shape, ink: str) -> str:
    if isinstance(shape, Polygon):
        return f'<polygon points="{_points(shape.points)}" fill="{ink}"/>'
    if isinstance(shape, Stroke):
        return (
            f'<polyline points="{_points(shape.points)}" fill="none" stroke="{ink}" '
            f'stroke-width="{_n(shape.width)}" stroke-linecap="round" stroke-linejoin="round"/>'
        )
    centre = f'cx="{_n(shape.cx)}" cy="{_n(shape.cy)}" rx="{_n(shape.rx)}" ry="{_n(shape.ry)}"'
    if shape.width is None:
        return f'<ellipse {centre} fill="{ink}"/>'
    return f'<ellipse {centre} fill="none" stroke="{ink}" stroke-width="{_n(shape.width)}"/>'


def _svg_text(design: _Design) -> list[str]:
    font_size, baselines = _layout(design)
    texts = []
    for line, baseline in zip(design.lines, baselines, strict=False):
        fit = ""
        if _estimated_width(line, font_size) > MAX_TEXT_WIDTH:
            fit = f' textLength="{_n(MAX_TEXT_WIDTH)}" lengthAdjust="spacingAndGlyphs"'
        texts.append(
            f'<text x="{_n(CENTRE)}" y="{_n(baseline)}" text-anchor="middle" '
            f'font-family={quoteattr(FONT_FAMILY)} font-size="{font_size}" '
            f'font-weight="700" fill="{design.ink}"{fit}>{escape(line)}</text>'
        )
    return texts


def _font_file(font_path: Path | None) -> Path | None:
    if font_path is not None:
        return fonts.given_font(font_path).regular
    found = fonts.system_font()
    return None if found is None else found.bold or found.regular


class _Painter:
    """Draws badge geometry (400 x 400 units) on a Pillow canvas, ``scale`` pixels a unit."""

    def __init__(
        self, draw: ImageDraw.ImageDraw, scale: float, ink: str, font_file: Path | None
    ) -> None:
        self.draw, self.scale, self.ink, self.font_file = draw, scale, ink, font_file

    def background(self, design: _Design) -> None:
        self._circle(196, fill=design.ring)
        self._circle(172, fill=design.colour)
        ring = _mix(design.colour, design.ink, 0.35)  # the SVG's 35 % opaque ring
        self._circle(161.5, outline=ring, width=3)

    def shape(self, shape: Shape) -> None:
        if isinstance(shape, Polygon):
            self.draw.polygon([self._icon(p) for p in shape.points], fill=self.ink)
        elif isinstance(shape, Stroke):
            self._stroke(shape)
        else:
            self._ellipse(shape)

    def text(self, design: _Design) -> None:
        font_size, baselines = _layout(design)
        for line, baseline in zip(design.lines, baselines, strict=False):
            font = self._font(line, font_size)
            self.draw.text(
                (CENTRE * self.scale, baseline * self.scale),
                line,
                font=font,
                fill=self.ink,
                anchor="ms",
                # Pillow's own font has no bold face: a thin outline makes it look bolder.
                stroke_width=0 if self.font_file else round(0.6 * self.scale),
                stroke_fill=self.ink,
            )

    def _font(self, line: str, font_size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        while True:
            pixels = font_size * self.scale
            font = (
                ImageFont.truetype(self.font_file, pixels)
                if self.font_file
                else ImageFont.load_default(size=pixels)
            )
            if font.getlength(line) <= MAX_TEXT_WIDTH * self.scale or font_size <= 10:
                return font
            font_size -= 1

    def _circle(
        self, radius: float, *, fill: str | None = None, outline: str | None = None, width: int = 0
    ) -> None:
        # Pillow draws an outline inside the box; SVG strokes are centred on the edge.
        outer = (radius + width / 2) * self.scale
        c = CENTRE * self.scale
        box = (c - outer, c - outer, c + outer, c + outer)
        self.draw.ellipse(box, fill=fill, outline=outline, width=round(width * self.scale))

    def _stroke(self, stroke: Stroke) -> None:
        points = [self._icon(p) for p in stroke.points]
        width = stroke.width * ICON_SCALE * self.scale
        self.draw.line(points, fill=self.ink, width=round(width), joint="curve")
        for x, y in (points[0], points[-1]):  # round ends, as stroke-linecap="round"
            self.draw.ellipse(
                (x - width / 2, y - width / 2, x + width / 2, y + width / 2), self.ink
            )

    def _ellipse(self, shape: Ellipse) -> None:
        extra = (shape.width or 0) / 2
        left, top = self._icon((shape.cx - shape.rx - extra, shape.cy - shape.ry - extra))
        right, bottom = self._icon((shape.cx + shape.rx + extra, shape.cy + shape.ry + extra))
        if shape.width is None:
            self.draw.ellipse((left, top, right, bottom), fill=self.ink)
        else:
            width = round(shape.width * ICON_SCALE * self.scale)
            self.draw.ellipse((left, top, right, bottom), outline=self.ink, width=width)

    def _icon(self, point: Point) -> Point:
        x, y = point
        return (
            (ICON_ORIGIN[0] + x * ICON_SCALE) * self.scale,
            (ICON_ORIGIN[1] + y * ICON_SCALE) * self.scale,
        )


def _mix(colour: str, other: str, amount: float) -> str:
    """``colour`` with ``amount`` of ``other`` painted over it."""
    pairs = zip(_rgb(colour), _rgb(other), strict=True)
    return "#" + "".join(f"{round(a + (b - a) * amount):02x}" for a, b in pairs)
