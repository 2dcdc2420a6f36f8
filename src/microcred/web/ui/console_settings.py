"""Console: the organisation's settings (name, description, website, contact email,
brand colour, logo); its signing suite and DID method are shown, never changed."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from microcred.domain.model import Organisation
from microcred.services.errors import InvalidInput
from microcred.services.settings import (
    InvalidSettings,
    SettingsForm,
    identity,
    update_settings,
)
from microcred.web.context import Ctx
from microcred.web.ui.access import Console, InConsole, Pages
from microcred.web.ui.forms import Form, text, upload
from microcred.web.ui.routing import PageRoute

router = APIRouter(route_class=PageRoute)
MAX_LOGO_BYTES = 1_000_000
#: Longer than any setting may be, so that the service says what is too long.
MAX_TEXT = 5000


def _page(
    request: Request,
    pages: Pages,
    context: Ctx,
    console: Console,
    form: SettingsForm,
    *,
    errors: list[str] | None = None,
) -> Response:
    values = {
        "console": console,
        "section": "/settings",
        "form": form,
        "org": console.org,
        "identity": identity(context.platform, console.actor, console.org.id),
        "errors": errors or [],
    }
    status = 422 if errors else 200
    return pages.render(request, "console/settings.html", values, status_code=status)


def _read(form: Form) -> SettingsForm:
    fields = ("name", "description", "url", "email", "brand_colour")
    return SettingsForm(**{name: text(form, name, MAX_TEXT) for name in fields})


@router.get("/console/{slug}/settings")
def settings(request: Request, pages: Pages, context: Ctx, console: InConsole) -> Response:
    return _page(request, pages, context, console, SettingsForm.of(console.org))


@router.post("/console/{slug}/settings")
async def save(
    request: Request, pages: Pages, context: Ctx, console: InConsole, form: Form
) -> Response:
    wanted = _read(form)
    errors = await _saved(context, console, form, wanted)
    if not errors:
        target = f"/console/{console.org.slug}/settings?notice=settings-saved"
        return RedirectResponse(target, status_code=303)
    return await run_in_threadpool(_page, request, pages, context, console, wanted, errors=errors)


async def _saved(context: Ctx, console: Console, form: Form, wanted: SettingsForm) -> list[str]:
    """Save the settings; what was wrong with them, if anything."""
    logo = await upload(form, "logo", MAX_LOGO_BYTES)
    if logo is not None and len(logo) > MAX_LOGO_BYTES:
        return [f"Logo: the file is over {MAX_LOGO_BYTES:,} bytes."]
    remove = bool(form.get("remove_logo"))
    try:
        await run_in_threadpool(_save, context, console, wanted, logo, remove)
    except InvalidSettings as exc:
        return exc.errors
    except InvalidInput as exc:  # the logo was refused
        return [f"Logo: {exc}"]
    return []


def _save(
    context: Ctx, console: Console, form: SettingsForm, logo: bytes | None, remove_logo: bool
) -> Organisation:
    return update_settings(
        context.platform, console.actor, console.org.id, form, logo=logo, remove_logo=remove_logo
    )
