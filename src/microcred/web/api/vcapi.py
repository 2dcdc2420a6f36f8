"""W3C VC-API verifier endpoints: ``/credentials/verify`` and ``/presentations/verify``.

The answer is 200 when the input verified and 400 when it did not, with the same body:
``{"verified", "checks", "warnings", "errors"}`` (plus ``results``, every check with its
sentence).  ``warnings`` and ``errors`` are problem details whose ``type`` is the
specification's problem code (VC Data Model, Data Integrity, Bitstring Status List).

``options.checks`` (VC-API) narrows what counts: the structure of the document and its
proofs always count, while ``issuer`` (does the key belong to the issuer), ``validity``
(dates) and ``status`` count only when asked for, or when ``checks`` is not given.  A
failure of a check that was not asked for is reported as a warning.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from microcred.core.jose import looks_like_jwt
from microcred.core.presentations import verify_presentation
from microcred.core.report import Check, Outcome, Problem, VerificationReport
from microcred.services.errors import InvalidInput
from microcred.services.verification import (
    presentation_compromise_checks,
    verify_submitted_credential,
)
from microcred.web.auth import require_verify_access
from microcred.web.context import Ctx
from microcred.web.routing import StrictJSONRoute

router = APIRouter(
    tags=["VC-API verifier"],
    route_class=StrictJSONRoute,
    dependencies=[Depends(require_verify_access)],
)

#: Checks a caller may leave out through ``options.checks`` (VC-API names accepted too).
OPTIONAL_CHECKS = {
    "issuer": "issuer",
    "validity": "validity",
    "expiration": "validity",
    "status": "status",
    "credentialStatus": "status",
}
ALWAYS_COUNTED = ("proof",)

VCDM_PROBLEMS = frozenset(
    {
        Problem.PARSING_ERROR,
        Problem.CRYPTOGRAPHIC_SECURITY_ERROR,
        Problem.MALFORMED_VALUE_ERROR,
        Problem.RANGE_ERROR,
    }
)


class VerifyOptions(BaseModel):
    model_config = ConfigDict(extra="allow")

    checks: list[str] | None = Field(
        default=None,
        description="Which checks count: proof (always), issuer, validity, status.",
    )
    challenge: str | None = None
    domain: str | None = None


class VerifyCredentialRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    verifiableCredential: Any = Field(
        description="A credential (JSON object) or a VC-JOSE compact JWS."
    )
    options: VerifyOptions = Field(default_factory=VerifyOptions)


class VerifyPresentationRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    verifiablePresentation: Any = Field(description="A presentation (JSON object).")
    options: VerifyOptions = Field(default_factory=VerifyOptions)


class CheckProblem(BaseModel):
    type: str
    title: str
    detail: str


class CheckResult(BaseModel):
    check: str
    outcome: str
    message: str
    problem: str | None


class VerificationResult(BaseModel):
    verified: bool
    checks: list[str]
    warnings: list[CheckProblem]
    errors: list[CheckProblem]
    results: list[CheckResult]


RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": VerificationResult, "description": "Verified."},
    400: {"model": VerificationResult, "description": "Not verified; errors say why."},
}


@router.post("/credentials/verify", summary="Verify a credential", responses=RESPONSES)
def verify_credential_endpoint(body: VerifyCredentialRequest, context: Ctx) -> JSONResponse:
    counted = _counted(body.options.checks)
    credential = body.verifiableCredential
    # A string is a VC-JOSE compact JWS; JSON text in a string is not a credential object.
    if isinstance(credential, dict) or (
        isinstance(credential, str) and looks_like_jwt(credential.strip())
    ):
        report = verify_submitted_credential(context.platform, context.verifier, credential)
    else:
        report = _unusable("verifiableCredential must be a credential object or a compact JWS")
    return _answer(report, counted)


@router.post("/presentations/verify", summary="Verify a presentation", responses=RESPONSES)
def verify_presentation_endpoint(body: VerifyPresentationRequest, context: Ctx) -> JSONResponse:
    counted = _counted(body.options.checks)
    presentation = body.verifiablePresentation
    if isinstance(presentation, dict):
        report = verify_presentation(
            presentation,
            challenge=body.options.challenge,
            domain=body.options.domain,
            verifier=context.verifier,
        )
        report.extend(presentation_compromise_checks(context.platform, presentation))
    else:
        report = _unusable("verifiablePresentation must be a presentation object")
    return _answer(report, counted)


def _counted(requested: list[str] | None) -> frozenset[str] | None:
    """The optional checks that count (None: all of them)."""
    if requested is None:
        return None
    counted = set()
    for name in requested:
        if name in ALWAYS_COUNTED:
            continue
        if name not in OPTIONAL_CHECKS:
            known = ", ".join(sorted({*ALWAYS_COUNTED, *OPTIONAL_CHECKS}))
            raise InvalidInput(f"options.checks: unknown check {name!r}; known: {known}")
        counted.add(OPTIONAL_CHECKS[name])
    return frozenset(counted)


def _unusable(message: str) -> VerificationReport:
    report = VerificationReport(kind="unknown")
    report.add(Check.failed("parse", message + ".", Problem.PARSING_ERROR))
    return report


def _problem_type(check: Check) -> str:
    code = check.problem
    if code is None:
        return f"urn:microcred:check:{check.name}"
    if code in VCDM_PROBLEMS:
        return f"https://www.w3.org/TR/vc-data-model#{code}"
    if code.startswith("STATUS_"):
        return f"https://www.w3.org/ns/credentials/status-list#{code}"
    return f"https://w3id.org/security#{code}"


def _problem(check: Check, note: str = "") -> CheckProblem:
    return CheckProblem(type=_problem_type(check), title=check.name, detail=check.message + note)


def _answer(report: VerificationReport, counted: frozenset[str] | None) -> JSONResponse:
    def counts(check: Check) -> bool:
        return counted is None or check.name not in OPTIONAL_CHECKS or check.name in counted

    errors = [c for c in report if c.outcome is Outcome.FAIL and counts(c)]
    warnings = [_problem(c) for c in report if c.outcome is Outcome.WARNING]
    warnings += [
        _problem(c, " (not counted: options.checks did not ask for it)")
        for c in report
        if c.outcome is Outcome.FAIL and not counts(c)
    ]
    verified = bool(report.checks) and not errors
    result = VerificationResult(
        verified=verified,
        checks=_unique(c.name for c in report if c.outcome is not Outcome.SKIPPED and counts(c)),
        warnings=warnings,
        errors=[_problem(c) for c in errors],
        results=[CheckResult(**c.to_json()) for c in report],
    )
    return JSONResponse(result.model_dump(), status_code=200 if verified else 400)


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))
