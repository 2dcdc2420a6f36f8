"""The badge icons: our own simple shapes in a 100 x 100 box.

They are kept as data (polygons, round-ended strokes and ellipses) rather than as SVG
markup so that the SVG writer and the Pillow painter in ``badge`` draw the same geometry.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

Point = tuple[float, float]


@dataclass(frozen=True)
class Polygon:
    points: tuple[Point, ...]


@dataclass(frozen=True)
class Stroke:
    """An open line with round ends and joins."""

    points: tuple[Point, ...]
    width: float


@dataclass(frozen=True)
class Ellipse:
    """Filled when ``width`` is ``None``, otherwise an outline ``width`` thick."""

    cx: float
    cy: float
    rx: float
    ry: float
    width: float | None = None


Shape = Polygon | Stroke | Ellipse


def _rounded(points: Iterable[Point]) -> tuple[Point, ...]:
    return tuple((round(x, 2), round(y, 2)) for x, y in points)


def _star() -> tuple[Shape, ...]:
    points = []
    for index in range(10):
        radius = 44 if index % 2 == 0 else 18
        angle = math.radians(-90 + 36 * index)
        points.append((50 + radius * math.cos(angle), 53 + radius * math.sin(angle)))
    return (Polygon(_rounded(points)),)


def _heart() -> tuple[Shape, ...]:
    # The classic heart curve x = 16 sin³t, y = 13 cos t - 5 cos 2t - 2 cos 3t - cos 4t.
    points = []
    for step in range(48):
        t = 2 * math.pi * step / 48
        x = 16 * math.sin(t) ** 3
        y = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
        points.append((50 + 2.6 * x, 46 - 2.6 * y))
    return (Polygon(_rounded(points)),)


def _shield() -> tuple[Shape, ...]:
    # The lower edge is a quadratic Bézier curve from the side down to the point.
    side = [(84.0, 46.0)]
    for step in range(1, 9):
        t = step / 8
        side.append(
            (
                (1 - t) ** 2 * 84 + 2 * (1 - t) * t * 82 + t**2 * 50,
                (1 - t) ** 2 * 46 + 2 * (1 - t) * t * 80 + t**2 * 93,
            )
        )
    left = [(100 - x, y) for x, y in reversed(side[:-1])]
    return (Polygon(_rounded([(50.0, 7.0), (84.0, 19.0), *side, *left, (16.0, 19.0)])),)


ICON_SHAPES: dict[str, tuple[Shape, ...]] = {
    "star": _star(),
    "check": (Stroke(((20, 54), (40, 74), (80, 30)), 12),),
    "book": (
        Polygon(((10, 26), (46, 32), (46, 84), (10, 78))),
        Polygon(((54, 32), (90, 26), (90, 78), (54, 84))),
    ),
    "code": (
        Stroke(((34, 28), (12, 50), (34, 72)), 9),
        Stroke(((66, 28), (88, 50), (66, 72)), 9),
        Stroke(((57, 20), (43, 80)), 8),
    ),
    "shield": _shield(),
    "award": (
        Polygon(((38, 56), (26, 92), (38, 86), (45, 96), (53, 62))),
        Polygon(((62, 56), (74, 92), (62, 86), (55, 96), (47, 62))),
        Ellipse(50, 36, 24, 24, 7),
        Ellipse(50, 36, 13, 13),
    ),
    "heart": _heart(),
    "globe": (
        Ellipse(50, 50, 38, 38, 6),
        Ellipse(50, 50, 15, 38, 5),
        Stroke(((14, 50), (86, 50)), 5),
        Stroke(((20, 31), (80, 31)), 5),
        Stroke(((20, 69), (80, 69)), 5),
    ),
}
ICONS: tuple[str, ...] = tuple(ICON_SHAPES)
