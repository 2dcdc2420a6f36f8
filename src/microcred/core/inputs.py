"""Verify whatever a person hands over: JSON, a JWT, a baked PNG or SVG, an OB 2.0 badge."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from microcred.core import baking, jose, ob2
from microcred.core.documents.values import has_type
from microcred.core.errors import MicrocredError
from microcred.core.jsonutil import parse_json
from microcred.core.loader import Fetcher
from microcred.core.presentations import verify_presentation
from microcred.core.report import Check, Problem, VerificationReport
from microcred.core.verify import Verifier, verify_credential

#: Largest file accepted for verification (a baked image may be larger than a credential).
MAX_INPUT_BYTES = 10_000_000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def sniff(data: bytes) -> str:
    """``png``, ``svg``, ``jwt`` or ``json`` (the last one is the fallback)."""
    if data.startswith(PNG_SIGNATURE):
        return "png"
    head = data[:512].lstrip().lower()
    if head.startswith(b"<"):
        return "svg"
    if jose.looks_like_jwt(data[:MAX_INPUT_BYTES].decode("utf-8", "replace").strip()):
        return "jwt"
    return "json"


def verify_input(
    data: bytes,
    *,
    verifier: Verifier | None = None,
    fetch: Fetcher | None = None,
    now: datetime | None = None,
) -> VerificationReport:
    """Verify one input of any supported kind; never raises for bad input."""
    verifier = verifier or Verifier()
    if len(data) > MAX_INPUT_BYTES:
        return _refused(f"The input is {len(data):,} bytes; the limit is {MAX_INPUT_BYTES:,}.")
    kind = sniff(data)
    if kind in ("png", "svg"):
        try:
            text = baking.extract_credential(data)
        except MicrocredError as exc:
            return _refused(f"No credential could be read from the {kind.upper()} image: {exc}.")
        report = verify_text(text, verifier=verifier, fetch=fetch, now=now)
        report.kind = f"{report.kind} (baked in {kind.upper()})"
        return report
    return verify_text(data, verifier=verifier, fetch=fetch, now=now)


def verify_text(
    data: str | bytes,
    *,
    verifier: Verifier,
    fetch: Fetcher | None = None,
    now: datetime | None = None,
) -> VerificationReport:
    """Verify a JSON document (credential, presentation, OB 2.0 assertion) or a JWT."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    if ob2.is_ob2_jws(text.strip()):
        return ob2.verify_ob2(text.strip(), fetch=fetch, now=now or verifier.now())
    if jose.looks_like_jwt(text.strip()):
        return verify_credential(text, verifier=verifier, now=now)
    if text.strip().startswith(("http://", "https://")):
        return _hosted(text.strip(), verifier, fetch, now)
    try:
        document = parse_json(data)
    except MicrocredError:
        return verify_credential(data, verifier=verifier, now=now)  # reports the parse failure
    return verify_document(document, verifier=verifier, fetch=fetch, now=now)


def verify_document(
    document: Any,
    *,
    verifier: Verifier,
    fetch: Fetcher | None = None,
    now: datetime | None = None,
) -> VerificationReport:
    if isinstance(document, Mapping) and _is_ob2(document):
        return ob2.verify_ob2(document, fetch=fetch, now=now or verifier.now())
    if isinstance(document, Mapping) and has_type(document, "VerifiablePresentation"):
        return verify_presentation(document, challenge=None, verifier=verifier, now=now)
    return verify_credential(document, verifier=verifier, now=now)


def _hosted(
    url: str, verifier: Verifier, fetch: Fetcher | None, now: datetime | None
) -> VerificationReport:
    """A baked OB 2.0 image may hold only the URL of a hosted assertion."""
    if fetch is None:
        return _refused(f"The input is the URL {url}; fetching it is not allowed.")
    try:
        body = fetch(url)
    except MicrocredError as exc:
        return _refused(f"The credential at {url} could not be fetched: {exc}.")
    return verify_input(body, verifier=verifier, fetch=fetch, now=now)


def _is_ob2(document: Mapping[str, Any]) -> bool:
    context = document.get("@context")
    contexts = context if isinstance(context, list) else [context]
    return "https://w3id.org/openbadges/v2" in contexts or (
        has_type(document, "Assertion") and "verification" in document
    )


def _refused(message: str) -> VerificationReport:
    report = VerificationReport(kind="unknown")
    report.add(Check.failed("parse", message, Problem.PARSING_ERROR))
    return report
