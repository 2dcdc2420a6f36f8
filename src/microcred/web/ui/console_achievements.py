"""Console: achievements (list, create with a live badge preview, edit, publish, retire)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from microcred.domain.achievements import Achievement, AchievementFields
from microcred.services import achievements as service
from microcred.services.errors import Conflict, InvalidInput
from microcred.services.images import image_url, store_image
from microcred.web.context import Ctx
from microcred.web.render.badge import ICONS, badge_svg, valid_colour
from microcred.web.render.markdown import render_markdown
from microcred.web.ui.access import Console, InConsole, Pages
from microcred.web.ui.achievement_form import ACHIEVEMENT_TYPES, ALIGNMENT_ROWS, parse, values_of
from microcred.web.ui.forms import Form, text, upload
from microcred.web.ui.routing import PageRoute

router = APIRouter(prefix="/console/{slug}/achievements", route_class=PageRoute)
MAX_IMAGE_BYTES = 1_000_000


def _base(console: Console) -> str:
    return f"/console/{console.org.slug}/achievements"


@router.get("")
def achievements(request: Request, pages: Pages, context: Ctx, console: InConsole) -> Response:
    found = service.list_achievements(context.platform, console.actor, console.org.id)
    found.sort(key=lambda a: (a.fields.name.lower(), -a.version))
    values = {"console": console, "section": "/achievements", "achievements": found}
    return pages.render(request, "console/achievements.html", values)


def _form_page(
    request: Request,
    pages: Pages,
    console: Console,
    *,
    values: dict[str, Any],
    errors: list[str],
    current: Achievement | None = None,
) -> Response:
    context = {
        "console": console,
        "section": "/achievements",
        "values": values,
        "errors": errors,
        "current": current,
        "types": ACHIEVEMENT_TYPES,
        "icons": ICONS,
        "alignment_rows": range(ALIGNMENT_ROWS),
    }
    status = 422 if errors else 200
    return pages.render(request, "console/achievement_form.html", context, status_code=status)


@router.get("/new")
def new_achievement(request: Request, pages: Pages, console: InConsole) -> Response:
    values = values_of(None)
    if console.org.brand_colour:  # a new badge starts in the organisation's colour
        values["badge_colour"] = console.org.brand_colour
    return _form_page(request, pages, console, values=values, errors=[])


async def _image(
    context: Ctx, console: Console, form: FormData, current: str | None
) -> tuple[str | None, list[str]]:
    """The achievement's image URL after the form's choice: kept, uploaded or generated."""
    choice = text(form, "image_choice", 20)
    if choice == "keep" and current:
        return current, []
    if choice == "upload":
        data = await upload(form, "image_file", MAX_IMAGE_BYTES)
        if not data:
            return current, ["image: choose a PNG or SVG file to upload"]
        if len(data) > MAX_IMAGE_BYTES:
            return current, [f"image: the file is over {MAX_IMAGE_BYTES:,} bytes"]
    else:
        colour, icon = text(form, "badge_colour", 7), text(form, "badge_icon", 20)
        if not valid_colour(colour) or icon not in ICONS:
            return current, ["badge: choose a colour (#rrggbb) and one of the icons"]
        data = badge_svg(text(form, "name", 200) or "Badge", colour, icon)
    try:
        stored = await run_in_threadpool(
            store_image, context.platform, console.actor, console.org.id, data
        )
    except InvalidInput as exc:
        return current, [f"image: {exc}"]
    return image_url(context.settings.base_url, stored.id), []


@router.post("/new")
async def create(
    request: Request, pages: Pages, context: Ctx, console: InConsole, form: Form
) -> Response:
    image, errors = await _image(context, console, form, None)
    parsed = parse(form, image)
    if parsed.fields is None or errors:
        values = values_of(None, form)
        return _form_page(request, pages, console, values=values, errors=errors + parsed.errors)
    try:
        created = await run_in_threadpool(_create, context, console, parsed.fields)
    except (InvalidInput, Conflict) as exc:
        values = values_of(None, form)
        return _form_page(request, pages, console, values=values, errors=[str(exc)])
    target = f"{_base(console)}/{created.id}?notice=achievement-created"
    return RedirectResponse(target, status_code=303)


def _create(context: Ctx, console: Console, fields: AchievementFields) -> Achievement:
    return service.create_achievement(context.platform, console.actor, console.org.id, fields)


@router.get("/{achievement_id}")
def achievement(
    achievement_id: str, request: Request, pages: Pages, context: Ctx, console: InConsole
) -> Response:
    found = service.get_achievement(context.platform, console.actor, achievement_id)
    criteria = render_markdown(found.fields.criteria_narrative or "")
    values = {
        "console": console,
        "section": "/achievements",
        "achievement": found,
        "criteria": criteria,
    }
    return pages.render(request, "console/achievement.html", values)


@router.get("/{achievement_id}/edit")
def edit_page(
    achievement_id: str, request: Request, pages: Pages, context: Ctx, console: InConsole
) -> Response:
    found = service.get_achievement(context.platform, console.actor, achievement_id)
    values = values_of(found.fields)
    return _form_page(request, pages, console, values=values, errors=[], current=found)


@router.post("/{achievement_id}/edit")
async def edit(
    achievement_id: str,
    request: Request,
    pages: Pages,
    context: Ctx,
    console: InConsole,
    form: Form,
) -> Response:
    platform, actor = context.platform, console.actor
    current = await run_in_threadpool(service.get_achievement, platform, actor, achievement_id)
    image, errors = await _image(context, console, form, current.fields.image)
    parsed = parse(form, image)
    if parsed.fields is None or errors:
        values = values_of(None, form)
        errors = errors + parsed.errors
        return _form_page(request, pages, console, values=values, errors=errors, current=current)
    try:
        edited = await run_in_threadpool(
            service.edit_achievement, platform, actor, achievement_id, parsed.fields
        )
    except (InvalidInput, Conflict) as exc:
        values = values_of(None, form)
        return _form_page(
            request, pages, console, values=values, errors=[str(exc)], current=current
        )
    return RedirectResponse(
        f"{_base(console)}/{edited.id}?notice=achievement-saved", status_code=303
    )


@router.post("/{achievement_id}/publish")
def publish(achievement_id: str, context: Ctx, console: InConsole) -> Response:
    service.publish_achievement(context.platform, console.actor, achievement_id)
    target = f"{_base(console)}/{achievement_id}?notice=achievement-published"
    return RedirectResponse(target, status_code=303)


@router.post("/{achievement_id}/retire")
def retire(achievement_id: str, context: Ctx, console: InConsole) -> Response:
    service.retire_achievement(context.platform, console.actor, achievement_id)
    target = f"{_base(console)}/{achievement_id}?notice=achievement-retired"
    return RedirectResponse(target, status_code=303)
