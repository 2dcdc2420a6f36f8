"""Console: the organisation's credentials (search) and one credential (revoke, suspend,
reinstate, each with a reason)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from microcred.domain.awards import StoredCredential
from microcred.domain.credential_search import CredentialState, state_of
from microcred.services import status
from microcred.services.credential_queries import get_credential, search_credentials
from microcred.services.errors import Conflict, InvalidInput
from microcred.services.vcapi_issuing import credential_url
from microcred.web.context import Ctx
from microcred.web.ui.access import InConsole, Pages
from microcred.web.ui.credential_view import (
    achievement_of,
    recipient_name,
    subject_of,
    text_of,
)
from microcred.web.ui.forms import Form, text
from microcred.web.ui.routing import PageRoute

router = APIRouter(prefix="/console/{slug}/credentials", route_class=PageRoute)
PER_PAGE = 25
ACTIONS: dict[str, tuple[Callable[..., StoredCredential], str]] = {
    "revoke": (status.revoke, "revoked"),
    "suspend": (status.suspend, "suspended"),
    "reinstate": (status.reinstate, "reinstated"),
}


def summary(document: Mapping[str, Any]) -> dict[str, str]:
    """The names a list shows: achievement, recipient (from the signed document)."""
    name = text_of(achievement_of(document).get("name")) or text_of(document.get("name"))
    return {"achievement": name or "", "recipient": recipient_name(subject_of(document)) or ""}


@router.get("")
def credentials(
    request: Request,
    pages: Pages,
    context: Ctx,
    console: InConsole,
    q: str = "",
    state: str = "",
    page: int = 1,
) -> Response:
    chosen = CredentialState(state) if state in set(CredentialState) else None
    found = search_credentials(
        context.platform, console.actor, console.org.id,
        query=q[:320], state=chosen, page=max(page, 1), per_page=PER_PAGE,
    )  # fmt: skip
    now = context.platform.clock()
    rows = [(c, summary(c.document), state_of(c, now).value) for c in found.items]
    values = {
        "console": console,
        "section": "/credentials",
        "rows": rows,
        "found": found,
        "q": q[:320],
        "state": chosen.value if chosen else "",
        "states": [s.value for s in CredentialState],
        "pages": max(1, -(-found.total // PER_PAGE)),
    }
    return pages.render(request, "console/credentials.html", values)


@router.get("/{credential_id}")
def credential(
    credential_id: str, request: Request, pages: Pages, context: Ctx, console: InConsole
) -> Response:
    return _detail(request, pages, context, console, credential_id, [])


def _detail(
    request: Request,
    pages: Pages,
    context: Ctx,
    console: InConsole,
    credential_id: str,
    errors: list[str],
) -> Response:
    found = get_credential(context.platform, console.actor, console.org.id, credential_id)
    values = {
        "console": console,
        "section": "/credentials",
        "credential": found,
        "names": summary(found.document),
        "state": state_of(found, context.platform.clock()).value,
        "page_url": credential_url(context.settings.base_url, found.id),
        "errors": errors,
    }
    return pages.render(
        request, "console/credential.html", values, status_code=422 if errors else 200
    )


@router.post("/{credential_id}/{action}")
def change(
    credential_id: str,
    action: str,
    request: Request,
    pages: Pages,
    context: Ctx,
    console: InConsole,
    form: Form,
) -> Response:
    if action not in ACTIONS:
        raise InvalidInput(f"unknown action {action[:40]!r}: revoke, suspend or reinstate")
    found = get_credential(context.platform, console.actor, console.org.id, credential_id)
    function, notice = ACTIONS[action]
    try:
        function(context.platform, console.actor, found.id, text(form, "reason", 1000))
    except (InvalidInput, Conflict) as exc:
        return _detail(request, pages, context, console, found.id, [str(exc)])
    target = f"/console/{console.org.slug}/credentials/{found.id}?notice={notice}"
    return RedirectResponse(target, status_code=303)
