"""Verifying credentials and presentations: a report of named checks, never an exception.

The verifier takes everything it depends on as arguments (document loader, DID resolver,
status checker, the current time), in the manner of ``verifyCredential`` in the
JavaScript reference, and returns a :class:`VerificationReport`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from microcred.core import jose
from microcred.core.dids import Resolver
from microcred.core.documents import Issue, validate_document, validate_presentation
from microcred.core.documents.integrity import check_related_resources
from microcred.core.documents.values import node_id
from microcred.core.errors import CanonicalizationError, MicrocredError
from microcred.core.jsonutil import MAX_BYTES, check_depth, parse_json
from microcred.core.loader import DocumentLoader
from microcred.core.proofs import ProofExpectations, verify_proofs
from microcred.core.proofs.verify import CANNOT_COMPUTE
from microcred.core.rdf import canonize
from microcred.core.report import Check, Outcome, Problem, VerificationReport
from microcred.core.timeutil import parse_datetime, utc_now

#: ``checker(credential, now) -> checks named "status"``.
StatusChecker = Callable[[Mapping[str, Any], datetime], list[Check]]

VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
RDF_SUITES = ("eddsa-rdfc-2022", "eddsa-2022")


@dataclass(frozen=True)
class Verifier:
    """Everything verification depends on, chosen by the caller.

    ``trusted_issuers``, when given, is the verifier's trust list: a credential from any
    other issuer fails the ``issuer`` check.
    """

    loader: DocumentLoader = field(
        default_factory=lambda: DocumentLoader(accept_ob_validator_context=True)
    )
    resolver: Resolver = field(default_factory=Resolver)
    status_checker: StatusChecker | None = None
    trusted_issuers: Collection[str] | None = None
    now: Callable[[], datetime] = utc_now

    def verify_credential(self, credential: Mapping[str, Any] | str | bytes) -> VerificationReport:
        return verify_credential(credential, verifier=self)


def verify_credential(
    credential: Mapping[str, Any] | str | bytes,
    *,
    verifier: Verifier | None = None,
    now: datetime | None = None,
) -> VerificationReport:
    """Verify one credential (JSON-LD object, JSON text, or a VC-JOSE compact JWS)."""
    verifier = verifier or Verifier()
    moment = now or verifier.now()
    report = VerificationReport(kind="credential")
    if isinstance(credential, str | bytes) and jose.looks_like_jwt(_text(credential)):
        return _verify_jwt(_text(credential), verifier, moment, report)
    document = parse_document(credential, report)
    if document is None:
        return report
    report.document = document
    _verify_secured_document(document, verifier, moment, report)
    return report


def _text(data: str | bytes) -> str:
    return data.decode("utf-8", "replace").strip() if isinstance(data, bytes) else data.strip()


def parse_document(data: Mapping[str, Any] | str | bytes, report: VerificationReport) -> Any:
    try:
        if isinstance(data, str | bytes):
            document = parse_json(data)
        else:
            check_depth(data)
            document = data
            if len(json.dumps(data, ensure_ascii=False).encode("utf-8")) > MAX_BYTES:
                raise MicrocredError(f"the document is larger than {MAX_BYTES:,} bytes")
    except MicrocredError as exc:
        report.add(Check.failed("parse", f"The input is not usable: {exc}.", Problem.PARSING_ERROR))
        return None
    except (TypeError, ValueError) as exc:
        report.add(
            Check.failed("parse", f"The input is not JSON data: {exc}.", Problem.PARSING_ERROR)
        )
        return None
    if not isinstance(document, dict):
        report.add(Check.failed("parse", "The input is not a JSON object.", Problem.PARSING_ERROR))
        return None
    report.add(Check.passed("parse", "The input is a well-formed JSON object."))
    return document


def _verify_secured_document(
    document: dict[str, Any], verifier: Verifier, now: datetime, report: VerificationReport
) -> None:
    rdf_secured = _has_rdf_proof(document)
    report.add(context_check(document, verifier.loader, canonicalize=not rdf_secured))
    report.add(schema_check(document))
    _add_related_resource_check(document, verifier.loader, report)
    proof_checks = verify_proofs(
        document,
        loader=verifier.loader,
        resolver=verifier.resolver,
        expect=ProofExpectations(now=now, controller=issuer_id(document)),
    )
    _merge_context_failure(report, proof_checks)
    report.extend(proof_checks)
    _finish(document, verifier, now, report)


def _finish(
    document: Mapping[str, Any], verifier: Verifier, now: datetime, report: VerificationReport
) -> None:
    trust = _trust_check(document, verifier.trusted_issuers)
    if trust is not None:
        report.add(trust)
    report.add(validity_check(document, now))
    report.extend(_status_checks(document, verifier.status_checker, now))


def _has_rdf_proof(document: Mapping[str, Any]) -> bool:
    proofs = document.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs]
    return any(
        isinstance(p, dict)
        and (p.get("cryptosuite") in RDF_SUITES or p.get("type") == "Ed25519Signature2020")
        for p in proofs
    )


def _merge_context_failure(report: VerificationReport, proof_checks: list[Check]) -> None:
    """A JSON-LD failure found while computing an RDF proof is a ``context`` failure."""
    context = report.get("context")
    if context is None or context.outcome is not Outcome.PASS:
        return
    for check in proof_checks:
        if check.outcome is Outcome.FAIL and CANNOT_COMPUTE in check.message:
            reason = check.message.split(CANNOT_COMPUTE, 1)[1]
            index = report.checks.index(context)
            report.checks[index] = Check.failed(
                "context", f"The JSON-LD of the credential is not valid: {reason}", check.problem
            )
            return


def issuer_id(document: Mapping[str, Any]) -> str | None:
    return node_id(document.get("issuer"))


def context_check(
    document: Mapping[str, Any], loader: DocumentLoader, *, canonicalize: bool = True
) -> Check:
    """``@context``: present, a VC base context first, every URL known and valid JSON-LD."""
    contexts = document.get("@context")
    items = contexts if isinstance(contexts, list) else [contexts]
    if contexts is None or not items:
        return Check.failed("context", "The document has no @context.", Problem.PARSING_ERROR)
    if items[0] not in (VC2_CONTEXT, VC1_CONTEXT):
        return Check.failed(
            "context",
            f"The first @context must be {VC2_CONTEXT} (or {VC1_CONTEXT}), not {items[0]!r}.",
            Problem.PARSING_ERROR,
        )
    for item in items:
        if isinstance(item, str):
            try:
                loader.load(item)
            except MicrocredError as exc:
                return Check.failed(
                    "context", f"The context {item} is unusable: {exc}.", Problem.PARSING_ERROR
                )
        elif not isinstance(item, dict):
            return Check.failed(
                "context", "Each @context entry must be a URL or an object.", Problem.PARSING_ERROR
            )
    if canonicalize:
        try:
            canonize({k: v for k, v in document.items() if k != "proof"}, loader)
        except CanonicalizationError as exc:
            return Check.failed(
                "context", f"The JSON-LD of the credential is not valid: {exc}", exc.problem
            )
    version = "2.0" if items[0] == VC2_CONTEXT else "1.1"
    return Check.passed(
        "context", f"The contexts are known (VC Data Model {version}) and define every term used."
    )


def schema_check(document: Mapping[str, Any], *, presentation: bool = False) -> Check:
    """Data-model rules of VC 2.0 and, for Open Badges, of OB 3.0 / CLR 2.0."""
    issues = validate_presentation(document) if presentation else validate_document(document)
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        return Check.failed("schema", _issue_sentence(errors), errors[0].problem)
    if issues:
        return Check.warning("schema", _issue_sentence(issues))
    return Check.passed("schema", "The document follows the data model rules.")


def related_resource_check(document: Mapping[str, Any], loader: DocumentLoader) -> Check:
    """``relatedResource`` digests (VC Data Model 2.0 section 5.3) against the bytes the
    loader holds or may fetch: a mismatch or a malformed digest fails, a resource the loader
    cannot give is a warning (its digest is not checked)."""
    result = check_related_resources(document, loader.load_bytes, loader.served_digests)
    errors = [i for i in result.issues if i.severity == "error"]
    if errors:
        return Check.failed("relatedResource", _issue_sentence(errors), errors[0].problem)
    if result.issues:
        return Check.warning("relatedResource", _issue_sentence(result.issues))
    if not result.checked:
        return Check.skipped("relatedResource", "No related resource has a digest to check.")
    return Check.passed(
        "relatedResource",
        f"The digests of the related resources match: {'; '.join(result.checked)}.",
    )


def _add_related_resource_check(
    document: Mapping[str, Any], loader: DocumentLoader, report: VerificationReport
) -> None:
    """Only a document that lists related resources gets a ``relatedResource`` check."""
    if "relatedResource" in document:
        report.add(related_resource_check(document, loader))


def _issue_sentence(issues: list[Issue]) -> str:
    first = "; ".join(f"{i.path}: {i.message}" if i.path else i.message for i in issues[:3])
    more = f" (and {len(issues) - 3} more)" if len(issues) > 3 else ""
    return first.rstrip(".") + more + "."


def validity_check(document: Mapping[str, Any], now: datetime) -> Check:
    """``validFrom``/``validUntil`` (VC 2.0) or ``issuanceDate``/``expirationDate`` (1.1)."""
    v1 = "issuanceDate" in document or "expirationDate" in document
    start_name, end_name = ("issuanceDate", "expirationDate") if v1 else ("validFrom", "validUntil")
    start_raw, end_raw = document.get(start_name), document.get(end_name)
    start = parse_datetime(start_raw, require_timezone=not v1)
    end = parse_datetime(end_raw, require_timezone=not v1)
    if (start_raw is not None and start is None) or (end_raw is not None and end is None):
        bad = start_name if start_raw is not None and start is None else end_name
        return Check.failed(
            "validity", f"{bad} is not a valid date and time.", Problem.MALFORMED_VALUE_ERROR
        )
    if start is not None and start > now:
        return Check.failed(
            "validity",
            f"The credential is not valid yet: it becomes valid on {start_raw}.",
            Problem.RANGE_ERROR,
        )
    if end is not None and end < now:
        return Check.failed(
            "validity", f"The credential expired on {end_raw}.", Problem.RANGE_ERROR
        )
    if start is None and end is None:
        return Check.passed("validity", "The credential states no validity period.")
    until = f" until {end_raw}" if end is not None else ""
    since = f" since {start_raw}" if start is not None else ""
    return Check.passed("validity", f"The credential is valid{since}{until}.")


def _trust_check(document: Mapping[str, Any], trusted: Collection[str] | None) -> Check | None:
    if trusted is None:
        return None
    issuer = issuer_id(document)
    if issuer in trusted:
        return Check.passed("issuer", f"The issuer {issuer} is on the verifier's trust list.")
    return Check.failed("issuer", f"The issuer {issuer} is not on the verifier's trust list.")


def _status_checks(
    document: Mapping[str, Any], checker: StatusChecker | None, now: datetime
) -> list[Check]:
    if checker is not None:
        return checker(document, now)
    if document.get("credentialStatus") is None:
        return [Check.skipped("status", "The credential has no status entry.")]
    return [
        Check.warning(
            "status",
            "The credential has a status entry, but its status list was not checked "
            "(no status list source was given).",
            Problem.STATUS_RETRIEVAL_ERROR,
        )
    ]


def _verify_jwt(
    token: str, verifier: Verifier, now: datetime, report: VerificationReport
) -> VerificationReport:
    credential, checks = jose.verify_jwt(token, resolver=verifier.resolver, now=now)
    report.kind = "credential-jwt"
    order = {"parse": 0, "proof": 1, "issuer": 2, "validity": 3}
    report.extend(sorted(checks, key=lambda c: order.get(c.name, 9)))
    if credential is None:
        return report
    report.document = credential
    report.checks.insert(1, context_check(credential, verifier.loader))
    report.checks.insert(2, schema_check(credential))
    _add_related_resource_check(credential, verifier.loader, report)
    report.extend(_status_checks(credential, verifier.status_checker, now))
    trust = _trust_check(credential, verifier.trusted_issuers)
    if trust is not None:
        report.add(trust)
    return report  # the JWT checks include "validity" (claims and validFrom/validUntil)
