"""The console's dashboard: counts of the organisation's credentials, those expiring
soon, and a bar chart of the credentials issued each week drawn as inline SVG."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response

from microcred.services.dashboard import WeekCount, dashboard
from microcred.web.context import Ctx
from microcred.web.ui.access import InConsole, Pages
from microcred.web.ui.routing import PageRoute

router = APIRouter(route_class=PageRoute)

#: The chart's drawing area (SVG user units; the stylesheet scales it to the page).
WIDTH = 480
HEIGHT = 200
TOP = 18
BOTTOM = 24
SIDE = 8


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    #: The centre of the bar, where its labels go.
    middle: float
    week: WeekCount
    #: Every other week is labelled, so that the dates never overlap.
    labelled: bool


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    #: The y of the axis line.
    base: float
    bars: list[Bar]


def bar_chart(weeks: list[WeekCount]) -> Chart:
    """The bars of ``weeks``, the highest as tall as the drawing area."""
    highest = max((week.count for week in weeks), default=0) or 1
    slot = (WIDTH - 2 * SIDE) / max(len(weeks), 1)
    room = HEIGHT - TOP - BOTTOM
    bars = []
    for index, week in enumerate(weeks):
        height = round(room * week.count / highest, 1)
        x = SIDE + index * slot
        labelled = (len(weeks) - 1 - index) % 2 == 0
        bars.append(
            Bar(
                round(x + slot * 0.15, 1),
                round(TOP + room - height, 1),
                round(slot * 0.7, 1),
                height,
                round(x + slot / 2, 1),
                week,
                labelled,
            )
        )
    return Chart(WIDTH, HEIGHT, TOP + room, bars)


@router.get("/console/{slug}")
def home(request: Request, pages: Pages, context: Ctx, console: InConsole) -> Response:
    summary = dashboard(context.platform, console.actor, console.org.id)
    values = {
        "console": console,
        "section": "/",
        "summary": summary,
        "chart": bar_chart(summary.weeks),
    }
    return pages.render(request, "console/dashboard.html", values)
