"""``/api/v1/orgs/{slug}/awards``: award a published achievement to one recipient, or to
every row of a CSV file.

An award is idempotent: under the same idempotency key (the ``Idempotency-Key`` header
or ``idempotency_key`` in the body; without either, one derived from the achievement's
lineage, the email address, ``issued_on`` and the DID) it answers 200 with the
credential issued the first time instead of 201 with a new one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from microcred.domain.awards import MAX_CSV_BYTES, derive_idempotency_key, parse_issued_on
from microcred.domain.bulk_jobs import BulkJob, BulkState
from microcred.domain.model import Role
from microcred.services.awards import award
from microcred.services.bulk_awards import BulkResult, bulk_award
from microcred.services.bulk_jobs import get_bulk_job, report_of, submit_bulk_award
from microcred.services.errors import InvalidInput
from microcred.web.api.common import CredentialOut, achievement_in, credential_out, problems
from microcred.web.auth import InOrg, OrgScope
from microcred.web.context import Ctx, WebContext
from microcred.web.problems import problem
from microcred.web.routing import StrictJSONRoute

router = APIRouter(
    prefix="/api/v1/orgs/{slug}/awards", tags=["awards"], route_class=StrictJSONRoute
)

CSV_TYPES = ("text/csv", "application/csv")


class AwardIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    achievement_id: str = Field(description="A published achievement version.")
    recipient_email: str = Field(max_length=320)
    recipient_name: str | None = Field(default=None, max_length=200)
    recipient_did: str | None = Field(default=None, description="The learner's DID, if any.")
    evidence_url: str | None = None
    narrative: str | None = Field(default=None, description="Evidence narrative (Markdown).")
    issued_on: str | None = Field(
        default=None, description="YYYY-MM-DD or a date-time with a timezone; default now."
    )
    idempotency_key: str | None = Field(
        default=None, description="Or the Idempotency-Key header (they must agree)."
    )


class RowErrorOut(BaseModel):
    line: int
    column: str | None
    message: str


class BulkReport(BaseModel):
    total: int = Field(description="Rows in the file (without the header and blank lines).")
    issued: list[str] = Field(description="Ids of the credentials issued now.")
    already_issued: list[str] = Field(description="Ids of rows' credentials issued before.")
    errors: list[RowErrorOut]
    dry_run: bool
    pending: int = Field(description="Rows not issued (a dry run: rows that would be).")
    complete: bool = Field(description="Every row of the file has its credential.")


class BulkStatus(BaseModel):
    id: str
    href: str = Field(description="Where to follow it (this document).")
    state: BulkState = Field(description="queued, running, done or failed.")
    done: int = Field(description="Rows done so far (written about once a second).")
    total: int = Field(description="Rows in the file.")
    created_at: datetime
    updated_at: datetime
    result: BulkReport | None = Field(description="The outcome, once done.")
    error: str | None = Field(description="Why the last try failed, if it did.")


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Award an achievement to one recipient (issuers; 200 for a repeated key)",
    responses={
        200: {"model": CredentialOut, "description": "Issued before under this key."},
        **problems(401, 403, 404, 409, 422),
    },
)
def award_one(
    body: AwardIn,
    scope: InOrg,
    context: Ctx,
    response: Response,
    idempotency_header: Annotated[
        str | None, Header(alias="Idempotency-Key", description="Makes the award repeatable.")
    ] = None,
) -> CredentialOut:
    scope.actor.require(scope.org.id, Role.ISSUER)
    issued_on = None
    if body.issued_on is not None:
        issued_on = parse_issued_on(body.issued_on)
        if issued_on is None:
            raise InvalidInput(
                f"issued_on: {body.issued_on[:60]!r} is not a date (YYYY-MM-DD) or a "
                "date-time with a timezone"
            )
    key = _key(context, scope, body, idempotency_header, issued_on)
    issued = award(
        context.platform,
        scope.actor,
        scope.org.id,
        body.achievement_id,
        body.recipient_email,
        body.recipient_name,
        body.recipient_did,
        body.evidence_url,
        body.narrative,
        issued_on,
        idempotency_key=key,
    )
    if not issued.created:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = (
        f"/api/v1/orgs/{scope.org.slug}/credentials/{issued.credential.id}"
    )
    return credential_out(context, issued.credential)


def _key(
    context: WebContext,
    scope: OrgScope,
    body: AwardIn,
    header: str | None,
    issued_on: datetime | None,
) -> str:
    if header is not None and body.idempotency_key is not None and header != body.idempotency_key:
        raise InvalidInput(
            "idempotency_key: the body and the Idempotency-Key header name different keys"
        )
    given = header if header is not None else body.idempotency_key
    if given is not None:
        return given
    achievement = achievement_in(context, scope, body.achievement_id, Role.ISSUER)
    return derive_idempotency_key(
        achievement.lineage_id, body.recipient_email, issued_on, body.recipient_did
    )


async def csv_body(request: Request) -> bytes:
    """The request body, when it is a CSV file (415 otherwise; 413 when too large)."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in CSV_TYPES:
        shown = media or "missing"
        raise HTTPException(415, f"the body is {shown}; send the CSV file as text/csv")
    body = await request.body()
    if len(body) > MAX_CSV_BYTES:
        raise HTTPException(413, f"the file is {len(body):,} bytes; at most {MAX_CSV_BYTES:,}")
    return body


CSV_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {
                "schema": {"type": "string"},
                "example": "email,name,issued_on\nada@example.org,Ada Lovelace,2026-02-01\n",
            }
        },
        "description": (
            "A header naming the columns (email required; name, identifier, evidence_url, "
            "narrative, issued_on, idempotency_key optional), then one recipient per row."
        ),
    }
}


@router.post(
    "/bulk",
    summary="Award an achievement to every row of a CSV file (issuers)",
    openapi_extra=CSV_BODY,
    responses={
        202: {
            "model": BulkStatus,
            "description": "With background=true: the file is accepted and will be awarded "
            "by a worker (Location: where to follow it)",
        },
        422: {
            "model": BulkReport,
            "description": "Bad rows, nothing issued (a problem with the report's members), "
            "or a file that cannot be read",
            "content": {"application/problem+json": {}},
        },
        **problems(401, 403, 404, 409, 413, 415),
    },
)
def award_bulk(
    scope: InOrg,
    context: Ctx,
    data: Annotated[bytes, Depends(csv_body)],
    achievement_id: Annotated[str, Query(description="A published achievement version.")],
    dry_run: Annotated[bool, Query(description="Check the file and issue nothing.")] = False,
    skip_bad_rows: Annotated[
        bool, Query(description="Issue the good rows even when some are bad.")
    ] = False,
    background: Annotated[
        bool,
        Query(
            description="Check the file now, award it in the background (`microcred worker`) "
            "and answer 202 with where to follow it."
        ),
    ] = False,
) -> Any:
    scope.actor.require(scope.org.id, Role.ISSUER)
    achievement = achievement_in(context, scope, achievement_id, Role.ISSUER)
    if background and not dry_run:
        return _in_background(scope, context, data, achievement.id, skip_bad_rows)
    result = bulk_award(
        context.platform,
        scope.actor,
        scope.org.id,
        achievement.id,
        data,
        dry_run=dry_run,
        skip_bad_rows=skip_bad_rows,
        processes=1,  # a web process does not fork under the server; the CLI does
    )
    if not dry_run and not skip_bad_rows and result.errors and not result.issued:
        return _bad_rows(result, "nothing was issued")
    return JSONResponse(_report(result).model_dump())


def _bad_rows(result: BulkResult, outcome: str) -> JSONResponse:
    lines = sorted({e.line for e in result.errors})
    shown = ", ".join(str(line) for line in lines[:10]) + (" ..." if len(lines) > 10 else "")
    detail = (
        f"{len(result.errors)} problem(s) on line(s) {shown}: {outcome}; fix the rows, or "
        "send skip_bad_rows=true to issue the good ones"
    )
    return problem(422, "bad-rows", detail, title="Bad rows", **_report(result).model_dump())


def _in_background(
    scope: OrgScope, context: WebContext, data: bytes, achievement_id: str, skip_bad_rows: bool
) -> JSONResponse:
    job, check = submit_bulk_award(
        context.platform,
        scope.actor,
        scope.org.id,
        achievement_id,
        data,
        skip_bad_rows=skip_bad_rows,
    )
    if job is None:
        return _bad_rows(check, "the file was not accepted")
    body = _bulk_status(scope, job).model_dump(mode="json")
    return JSONResponse(body, status_code=202, headers={"Location": body["href"]})


def _bulk_status(scope: OrgScope, job: BulkJob) -> BulkStatus:
    return BulkStatus(
        id=job.id,
        href=f"/api/v1/orgs/{scope.org.slug}/awards/bulk/{job.id}",
        state=job.state,
        done=job.done,
        total=job.total,
        created_at=job.created_at,
        updated_at=job.updated_at,
        result=None if job.result is None else BulkReport.model_validate(dict(job.result)),
        error=job.error,
    )


@router.get(
    "/bulk/{bulk_id}",
    summary="A bulk award sent to run in the background: progress and outcome (members)",
    responses=problems(401, 403, 404),
)
def bulk_status(scope: InOrg, context: Ctx, bulk_id: str) -> BulkStatus:
    return _bulk_status(scope, get_bulk_job(context.platform, scope.actor, scope.org.id, bulk_id))


def _report(result: BulkResult) -> BulkReport:
    return BulkReport.model_validate(report_of(result))
