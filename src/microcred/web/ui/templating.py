"""Jinja2 templates with autoescaping and the gettext catalogue of the package.

The catalogue is the ``.po`` file under ``locale/`` (English is complete); it is compiled
in memory at start-up, so the repository holds no binary ``.mo`` file.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date, datetime
from importlib import resources
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from microcred.web.ui.notices import NOTICES

DOMAIN = "messages"
DEFAULT_LOCALE = "en"


def load_translations(locale: str = DEFAULT_LOCALE) -> Translations:
    """The catalogue of ``locale`` compiled from its ``.po`` file."""
    po = resources.files("microcred.web").joinpath("locale", locale, "LC_MESSAGES", f"{DOMAIN}.po")
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=locale, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def make_environment(translations: Translations | None = None) -> Environment:
    env = Environment(
        loader=PackageLoader("microcred.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(  # type: ignore[attr-defined]
        translations or load_translations(), newstyle=True
    )
    env.globals["notices"] = NOTICES
    env.filters["day"] = _day
    env.filters["moment"] = _moment
    return env


def _day(value: date | datetime | None) -> str:
    return "" if value is None else value.strftime("%-d %B %Y")


def _moment(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%-d %b %Y, %H:%M UTC")


class Templates:
    """Renders pages; every page gets the request, the CSRF token and the user."""

    def __init__(self, env: Environment) -> None:
        self.env = env

    def render(
        self,
        request: Request,
        name: str,
        context: Mapping[str, Any] | None = None,
        *,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> HTMLResponse:
        values = {
            "request": request,
            "csrf_token": getattr(request.state, "csrf_token", ""),
            "user": getattr(request.state, "user", None),
            **(context or {}),
        }
        body = self.env.get_template(name).render(values)
        return HTMLResponse(body, status_code=status_code, headers=dict(headers or {}))
