"""Reading HTML forms: the parsed form as a dependency, and typed, bounded fields."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData, UploadFile

from microcred.domain.model import Role
from microcred.services.errors import InvalidInput
from microcred.web.ui.routing import MAX_FORM_FIELDS, MAX_FORM_FILES

MAX_FIELD = 20_000


async def form_data(request: Request) -> FormData:
    """The request's form (parsed once: the CSRF check already read it)."""
    return await request.form(max_files=MAX_FORM_FILES, max_fields=MAX_FORM_FIELDS)


Form = Annotated[FormData, Depends(form_data)]


def text(form: FormData, name: str, limit: int = MAX_FIELD) -> str:
    """A text field, stripped and cut at ``limit`` characters ("" when absent)."""
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def optional(form: FormData, name: str, limit: int = MAX_FIELD) -> str | None:
    return text(form, name, limit) or None


async def upload(form: FormData, name: str, limit: int) -> bytes | None:
    """The bytes of an uploaded file, None when no file was chosen.  At most ``limit + 1``
    bytes are read: more than ``limit`` tells the caller the file is too large (the body
    limit bounds it anyway)."""
    value = form.get(name)
    if not isinstance(value, UploadFile) or not value.filename:
        return None
    return await value.read(limit + 1)


def role_of(value: str) -> Role:
    """A role chosen in a form; anything else is the sender's mistake (422)."""
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput(f"role: choose one of {', '.join(Role)}") from None
