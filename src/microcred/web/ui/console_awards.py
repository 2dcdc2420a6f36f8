"""Console: award an achievement to one person, or to many from a CSV file.

A CSV file goes through three steps: it is uploaded and checked row by row (nothing is
issued), the report is shown, and on confirmation the checked file is sent to the
background queue; a progress page follows it to the result.  Between check and
confirmation the file travels in the confirmation form itself (base64, CSRF-protected),
so nothing is stored for a file that is never confirmed.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from microcred.domain.achievements import Achievement, AchievementState
from microcred.domain.awards import COLUMNS, CsvFileError, RowError, parse_csv
from microcred.domain.bulk_jobs import BulkState
from microcred.services import achievements as achievement_service
from microcred.services.awards import award
from microcred.services.bulk_awards import bulk_award
from microcred.services.bulk_jobs import get_bulk_job, submit_bulk_award
from microcred.services.errors import Conflict, InvalidInput
from microcred.web.context import Ctx
from microcred.web.ui.access import Console, InConsole, Pages
from microcred.web.ui.forms import Form, optional, text, upload
from microcred.web.ui.routing import PageRoute

router = APIRouter(prefix="/console/{slug}/awards", route_class=PageRoute)
#: The confirmation form carries the file base64-encoded under the 1 MB body limit.
MAX_CSV_BYTES = 600_000
#: The check page lists the file row by row up to this many rows (the counts cover all).
MAX_LINES_SHOWN = 1_000


def _published(context: Ctx, console: Console) -> list[Achievement]:
    found = achievement_service.list_achievements(
        context.platform, console.actor, console.org.id, AchievementState.PUBLISHED
    )
    return sorted(found, key=lambda a: a.fields.name.lower())


def _page(
    request: Request,
    pages: Pages,
    context: Ctx,
    console: Console,
    *,
    errors: list[str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    chosen = request.query_params.get("achievement", "")
    page = {
        "console": console,
        "section": "/awards",
        "achievements": _published(context, console),
        "errors": errors or [],
        "values": {"achievement": chosen, **(values or {})},
        "key": str(uuid.uuid4()),
        "columns": COLUMNS,
    }
    return pages.render(request, "console/awards.html", page, status_code=status_code)


@router.get("")
def awards(request: Request, pages: Pages, context: Ctx, console: InConsole) -> Response:
    return _page(request, pages, context, console)


def _issued_on(form: FormData) -> datetime | None:
    raw = text(form, "issued_on", 20)
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw).replace(tzinfo=UTC)
    except ValueError as exc:
        raise InvalidInput(f"issue date: {raw!r} is not a date (YYYY-MM-DD)") from exc


@router.post("/one")
def award_one(
    request: Request, pages: Pages, context: Ctx, console: InConsole, form: Form
) -> Response:
    values = {key: text(form, key) for key in ("achievement", "email", "name", "evidence_url")}
    try:
        issued = award(
            context.platform,
            console.actor,
            console.org.id,
            text(form, "achievement", 64),
            text(form, "email", 320),
            recipient_name=optional(form, "name", 200),
            evidence_url=optional(form, "evidence_url", 2000),
            narrative=optional(form, "narrative"),
            issued_on=_issued_on(form),
            idempotency_key="web:" + text(form, "idempotency_key", 64),
        )
    except (InvalidInput, Conflict) as exc:
        return _page(
            request, pages, context, console, errors=[str(exc)], values=values, status_code=422
        )
    target = f"/console/{console.org.slug}/credentials/{issued.credential.id}?notice=awarded"
    return RedirectResponse(target, status_code=303)


async def _csv_of(form: FormData) -> tuple[bytes | None, str | None]:
    if text(form, "csv_data"):
        try:
            return base64.b64decode(text(form, "csv_data", 2 * MAX_CSV_BYTES), validate=True), None
        except (binascii.Error, ValueError):
            return None, "the file was damaged on the way; upload it again"
    data = await upload(form, "csv_file", MAX_CSV_BYTES)
    if data is None:
        return None, "choose a CSV file"
    if len(data) > MAX_CSV_BYTES:
        return None, f"the file is over {MAX_CSV_BYTES:,} bytes: send it through the API"
    return data, None


@router.post("/csv")
async def check_csv(
    request: Request, pages: Pages, context: Ctx, console: InConsole, form: Form
) -> Response:
    """Step 1 → 2: check the uploaded file and show the report."""
    data, problem = await _csv_of(form)
    achievement_id = text(form, "achievement", 64)
    if data is None:
        errors = [f"CSV file: {problem}"]
        return _page(request, pages, context, console, errors=errors, status_code=422)
    try:
        report = await run_in_threadpool(
            bulk_award, context.platform, console.actor, console.org.id, achievement_id,
            data, dry_run=True,
        )  # fmt: skip
    except (InvalidInput, Conflict) as exc:
        errors = [f"CSV file: {exc}"]
        return _page(request, pages, context, console, errors=errors, status_code=422)
    values = {
        "console": console,
        "section": "/awards",
        "report": report,
        "lines": _lines(data, report.errors, context.platform.clock()),
        "max_lines": MAX_LINES_SHOWN,
        "achievement": await run_in_threadpool(
            achievement_service.get_achievement, context.platform, console.actor, achievement_id
        ),
        "csv_data": base64.b64encode(data).decode("ascii"),
        "skip_bad_rows": bool(text(form, "skip_bad_rows")),
    }
    return pages.render(request, "console/award_check.html", values)


def _lines(data: bytes, errors: list[RowError], now: datetime) -> list[dict[str, Any]]:
    """Every row of the file in order: its recipient, and its problems (none: it is fine)."""
    problems: dict[int, list[str]] = {}
    for error in errors:
        where = f"{error.column}: " if error.column else ""
        problems.setdefault(error.line, []).append(where + error.message)
    try:
        rows = parse_csv(data, now).rows
    except CsvFileError:
        rows = []
    found = {row.line: row.request for row in rows}
    lines = sorted(set(found) | set(problems))
    return [
        {
            "line": line,
            "email": found[line].email if line in found else "",
            "name": (found[line].name or "") if line in found else "",
            "problems": problems.get(line, []),
        }
        for line in lines[:MAX_LINES_SHOWN]
    ]


@router.post("/csv/confirm")
async def confirm_csv(
    request: Request, pages: Pages, context: Ctx, console: InConsole, form: Form
) -> Response:
    """Step 2 → 3: the checked file goes to the background queue."""
    data, problem = await _csv_of(form)
    if data is None:
        errors = [f"CSV file: {problem}"]
        return _page(request, pages, context, console, errors=errors, status_code=422)
    job, report = await run_in_threadpool(
        lambda: submit_bulk_award(
            context.platform, console.actor, console.org.id, text(form, "achievement", 64),
            data, skip_bad_rows=bool(text(form, "skip_bad_rows")),
        )
    )  # fmt: skip
    if job is None:
        errors = [str(error) for error in report.errors[:20]]
        return _page(request, pages, context, console, errors=errors, status_code=422)
    return RedirectResponse(f"/console/{console.org.slug}/awards/bulk/{job.id}", status_code=303)


@router.get("/bulk/{bulk_id}")
def bulk_progress(
    bulk_id: str, request: Request, pages: Pages, context: Ctx, console: InConsole
) -> Response:
    """Step 3: progress while the worker runs, then the result."""
    job = get_bulk_job(context.platform, console.actor, console.org.id, bulk_id)
    running = job.state in (BulkState.QUEUED, BulkState.RUNNING)
    values = {"console": console, "section": "/awards", "job": job, "running": running}
    return pages.render(request, "console/award_progress.html", values)
