"""Reading and verifying Open Badges 2.0 assertions (hosted and signed).

Hosted assertions are checked against the copy the issuer publishes at the assertion's
``id``; signed ones are a compact JWS whose key is a ``CryptographicKey`` document
(``publicKeyPem``) owned by the issuer and listed in its profile.  Everything remote goes
through the caller's ``fetch`` function; without one, nothing can be confirmed and the
report says so.  BadgeClass and issuer Profile are read from their own ``id`` when it is an
http(s) URL: a copy embedded in the assertion is never trusted for a decision.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from microcred.core.errors import InputError
from microcred.core.jsonutil import MAX_BYTES, check_depth, decode_text, parse_json
from microcred.core.jws import (
    CompactJws,
    algorithm_refusal,
    decode_compact,
    looks_like_compact,
    pem_public_jwk,
    signature_check,
)
from microcred.core.report import Check, Outcome, Problem, VerificationReport
from microcred.core.timeutil import format_datetime

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
MAX_KEYS = 5
LEEWAY = timedelta(seconds=60)
_COMPARED = ("recipient", "badge", "issuedOn", "expires")
_HASH = re.compile(r"(sha256\$[0-9a-fA-F]{64}|md5\$[0-9a-fA-F]{32})")


_proof_failed = partial(Check.failed, "proof", problem=Problem.PROOF_VERIFICATION_ERROR)
_key_failed = partial(Check.failed, "proof", problem=Problem.INVALID_VERIFICATION_METHOD)
_issuer_failed = partial(Check.failed, "issuer", problem=Problem.INVALID_VERIFICATION_METHOD)
_revoked = partial(Check.failed, "status", problem=Problem.STATUS_VERIFICATION_ERROR)
_unchecked = partial(Check.failed, "status", problem=Problem.STATUS_RETRIEVAL_ERROR)
_malformed = partial(Check.failed, "validity", problem=Problem.MALFORMED_VALUE_ERROR)
_range = partial(Check.failed, "validity", problem=Problem.RANGE_ERROR)


class _Stop(Exception):
    """Something needed could not be had; the message is a sentence fragment."""


@dataclass
class _Session:
    """Fetches JSON documents once each, through the caller's fetch function."""

    fetch: Callable[[str], bytes] | None
    cache: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: The key whose signature verified, once one did.
    signing_key: str | None = None

    def document(self, url: Any, what: str) -> dict[str, Any]:
        if not _is_http(url):
            raise _Stop(f"the {what} {url!r} is not an http(s) URL")
        if url in self.cache:
            return self.cache[url]
        if self.fetch is None:
            raise _Stop(f"the {what} must be fetched from {url}, and fetching is not enabled")
        try:
            body = self.fetch(url)
        except Exception as exc:  # the caller's fetcher may raise anything
            raise _Stop(f"the {what} could not be fetched from {url}: {exc}") from exc
        try:
            document = parse_json(body)
        except InputError as exc:
            raise _Stop(f"the {what} at {url} is not usable: {exc}") from exc
        if not isinstance(document, dict):
            raise _Stop(f"the {what} at {url} is not a JSON object")
        self.cache[url] = document
        return document

    def authoritative(self, value: Any, what: str) -> dict[str, Any]:
        """The object read from its own http(s) ``id``; an embedded one only if it has none."""
        url = value.get("id") if isinstance(value, Mapping) else value
        if isinstance(value, Mapping) and not _is_http(url):
            return dict(value)
        if not isinstance(url, str):
            raise _Stop(f"the {what} is neither a URL nor an object")
        document = self.document(url, what)
        if document.get("id") != url:
            raise _Stop(f"the {what} at {url} has the id {document.get('id')!r}, not its URL")
        return document


@dataclass(frozen=True)
class _Input:
    assertion: dict[str, Any]
    jws: CompactJws | None
    description: str


# --------------------------------------------------------------------------- entry points


def verify_ob2(
    assertion: Mapping[str, Any] | str,
    *,
    fetch: Callable[[str], bytes] | None,
    now: datetime,
) -> VerificationReport:
    """Verify an OB 2.0 assertion: JSON (object or text), a signed JWS, or a hosted URL.

    Checks: "parse", "schema", "proof", "issuer", "validity", "status".  Never raises for
    bad input.
    """
    report = VerificationReport(kind="ob2-assertion")
    session = _Session(fetch)
    try:
        given = _read_input(assertion, session)
    except _Stop as exc:
        report.add(Check.failed("parse", _sentence(exc), Problem.PARSING_ERROR))
        return report
    report.document = given.assertion
    report.add(Check.passed("parse", given.description))
    report.add(_schema_check(given.assertion))
    method = _method(given.assertion)
    proof, document = _proof_check(session, given, method)
    report.document = document
    report.add(proof)
    report.add(_issuer_check(session, document, method))
    report.add(_validity_check(document, now))
    report.add(_status_check(session, document, method))
    return report


def recipient_matches(recipient: Mapping[str, Any], email: str) -> bool:
    """True if the IdentityObject names ``email`` (plain, or hashed ``sha256$``/``md5$``
    with its salt).  The address is also tried in lower case, as issuers often hash it so."""
    identity = recipient.get("identity")
    if not isinstance(identity, str) or not isinstance(email, str):
        return False
    hashed = recipient.get("hashed")
    if hashed is True or (hashed is None and _HASH.fullmatch(identity)):
        salt = recipient.get("salt") if isinstance(recipient.get("salt"), str) else ""
        algorithm, _, digest = identity.partition("$")
        candidates = {email.strip(), email.strip().lower()}
        return any(_digest_equals(algorithm, f"{c}{salt}", digest) for c in candidates)
    return identity.strip().lower() == email.strip().lower()


def is_ob2_jws(text: str) -> bool:
    """True if ``text`` is a compact JWS whose payload is an OB 2.0 assertion."""
    if not looks_like_compact(text):
        return False
    try:
        payload = decode_compact(text).payload
    except InputError:
        return False
    return OB2_CONTEXT in _as_list(payload.get("@context"))


def _digest_equals(algorithm: str, text: str, digest: str) -> bool:
    # JSON strings may hold lone surrogates; "surrogatepass" keeps them from raising.
    data = text.encode("utf-8", "surrogatepass")
    if algorithm.lower() == "sha256":
        computed = hashlib.sha256(data).hexdigest()
    elif algorithm.lower() == "md5":
        computed = hashlib.md5(data, usedforsecurity=False).hexdigest()
    else:
        return False
    # Bytes, not str: compare_digest refuses str with non-ASCII characters.
    return hmac.compare_digest(computed.encode(), digest.lower().encode("utf-8", "surrogatepass"))


# --------------------------------------------------------------------------- input


def _read_input(assertion: Mapping[str, Any] | str, session: _Session) -> _Input:
    as_json = "The input is an Open Badges 2.0 assertion (JSON)."
    if not isinstance(assertion, Mapping | str | bytes):
        raise _Stop("the input is neither JSON nor a JWS")
    try:
        if isinstance(assertion, Mapping):
            check_depth(assertion)
            return _Input(dict(assertion), None, as_json)
        text = decode_text(assertion, max_bytes=MAX_BYTES).strip()
        if looks_like_compact(text):
            jws = decode_compact(text)
            return _Input(jws.payload, jws, "The input is a signed (JWS) OB 2.0 assertion.")
        if _is_http(text):
            document = session.document(text, "assertion")
            return _Input(document, None, f"The assertion was fetched from {text}.")
        document = parse_json(text)
    except InputError as exc:
        raise _Stop(str(exc)) from exc
    if not isinstance(document, dict):
        raise _Stop("the assertion JSON is not an object")
    return _Input(document, None, as_json)


def _method(assertion: Mapping[str, Any]) -> str | None:
    verification = assertion.get("verification", assertion.get("verify"))
    if not isinstance(verification, Mapping):
        return None
    types = _as_list(verification.get("type"))
    if "hosted" in types or "HostedBadge" in types:
        return "hosted"
    if "signed" in types or "SignedBadge" in types:
        return "signed"
    return None


# --------------------------------------------------------------------------- schema


def _schema_check(assertion: Mapping[str, Any]) -> Check:
    issues = []
    if OB2_CONTEXT not in _as_list(assertion.get("@context")):
        issues.append(f"@context must include {OB2_CONTEXT}")
    if "Assertion" not in _as_list(assertion.get("type")):
        issues.append("type must be Assertion")
    if not isinstance(assertion.get("id"), str) or not assertion["id"]:
        issues.append("id must be an IRI")
    issues += _recipient_issues(assertion.get("recipient"))
    if not isinstance(assertion.get("badge"), str | Mapping):
        issues.append("badge must be a BadgeClass or its IRI")
    verification = assertion.get("verification", assertion.get("verify"))
    if not isinstance(verification, Mapping) or "type" not in verification:
        issues.append("verification must be a VerificationObject with a type")
    if not isinstance(assertion.get("issuedOn"), str):
        issues.append("issuedOn must be a DateTime")
    if issues:
        text = "; ".join(issues[:4]) + (f" (and {len(issues) - 4} more)" if len(issues) > 4 else "")
        return Check.failed(
            "schema",
            f"The assertion is not valid Open Badges 2.0: {text}.",
            Problem.MALFORMED_VALUE_ERROR,
        )
    return Check.passed("schema", "The assertion has every property Open Badges 2.0 requires.")


def _recipient_issues(recipient: Any) -> list[str]:
    if not isinstance(recipient, Mapping):
        return ["recipient must be an IdentityObject"]
    issues = []
    if not isinstance(recipient.get("type"), str):
        issues.append("recipient.type must be a property IRI such as email")
    if not isinstance(recipient.get("identity"), str):
        issues.append("recipient.identity must be a string")
    if not isinstance(recipient.get("hashed"), bool):
        issues.append("recipient.hashed must be true or false")
    elif recipient["hashed"] and not _HASH.fullmatch(str(recipient.get("identity"))):
        issues.append("a hashed recipient.identity must be sha256$<64 hex> or md5$<32 hex>")
    if "salt" in recipient and not isinstance(recipient["salt"], str):
        issues.append("recipient.salt must be a string")
    return issues


# --------------------------------------------------------------------------- proof


def _proof_check(
    session: _Session, given: _Input, method: str | None
) -> tuple[Check, dict[str, Any]]:
    if method == "hosted":
        return _hosted_proof(session, given.assertion)
    if method == "signed":
        return _signed_proof(session, given), given.assertion
    message = "The verification type is missing or unknown; expected HostedBadge or SignedBadge."
    return Check.failed("proof", message, Problem.PROOF_VERIFICATION_ERROR), given.assertion


def _hosted_proof(session: _Session, given: dict[str, Any]) -> tuple[Check, dict[str, Any]]:
    url = given.get("id")
    if not _is_http(url):
        return _proof_failed(
            f"A hosted assertion's id must be the http(s) URL it is published at, not {url!r}."
        ), given
    try:
        hosted = session.document(url, "hosted assertion")
    except _Stop as exc:
        gone = (
            " (an issuer revokes a hosted assertion by answering 410 Gone)" if session.fetch else ""
        )
        return _proof_failed(f"Hosted verification failed: {exc}{gone}."), given
    if hosted.get("id") != url:
        return _proof_failed(f"The document at {url} has the id {hosted.get('id')!r}."), given
    if hosted.get("revoked") is True:
        return Check.passed("proof", f"The issuer hosts this assertion at {url} (revoked)."), hosted
    differ = [name for name in _COMPARED if _comparable(given, name) != _comparable(hosted, name)]
    if differ:
        listed = ", ".join(differ)
        return _proof_failed(
            f"The assertion hosted at {url} differs from the one given in {listed}."
        ), hosted
    return Check.passed(
        "proof", f"The issuer hosts this assertion at {url}, and it matches."
    ), hosted


def _comparable(assertion: Mapping[str, Any], name: str) -> Any:
    value = assertion.get(name)
    return value.get("id") if name == "badge" and isinstance(value, Mapping) else value


def _signed_proof(session: _Session, given: _Input) -> Check:
    if given.jws is None:
        return _proof_failed(
            "A signed assertion is verified from its JWS; only its JSON was given."
        )
    refusal = algorithm_refusal(given.jws.alg)
    if refusal is not None:
        return Check.failed("proof", refusal, Problem.CRYPTOGRAPHIC_SECURITY_ERROR)
    try:
        key_ids = _signing_key_ids(session, given.assertion)
    except _Stop as exc:
        return _key_failed(f"The signing key could not be determined: {exc}.")
    outcome = _key_failed("The issuer lists no signing key.")
    for key_id in key_ids[:MAX_KEYS]:
        try:
            jwk = pem_public_jwk(
                session.authoritative(key_id, "CryptographicKey").get("publicKeyPem")
            )
        except (_Stop, InputError) as exc:
            outcome = _key_failed(f"The key {key_id} is not usable: {exc}.")
            continue
        outcome = signature_check(given.jws, jwk)
        if outcome.outcome is Outcome.PASS:
            session.signing_key = key_id
            return Check.passed(
                "proof", f"The {given.jws.alg} signature is valid with the key {key_id}."
            )
    return outcome


def _signing_key_ids(session: _Session, assertion: Mapping[str, Any]) -> list[str]:
    """``verification.creator``, or else the keys the issuer profile lists."""
    verification = assertion.get("verification", assertion.get("verify"))
    creator = _id_of(verification.get("creator")) if isinstance(verification, Mapping) else None
    if creator is not None:
        return [creator]
    return _key_ids(_issuer_profile(session, assertion).get("publicKey"))


# --------------------------------------------------------------------------- issuer


def _issuer_profile(session: _Session, assertion: Mapping[str, Any]) -> dict[str, Any]:
    badge = session.authoritative(assertion.get("badge"), "BadgeClass")
    if "BadgeClass" not in _as_list(badge.get("type")):
        raise _Stop(f"the badge {badge.get('id')!r} is not a BadgeClass")
    return session.authoritative(badge.get("issuer"), "issuer Profile")


def _issuer_check(session: _Session, assertion: Mapping[str, Any], method: str | None) -> Check:
    try:
        issuer = _issuer_profile(session, assertion)
        problem = _scope_problem(assertion, issuer) if method == "hosted" else None
        if method == "signed":
            problem = _key_problem(session, assertion, issuer)
    except _Stop as exc:
        return _issuer_failed(f"The issuer could not be confirmed: {exc}.")
    if problem is not None:
        return _issuer_failed(problem)
    name = f"{issuer.get('name')} ({issuer.get('id')})" if issuer.get("name") else issuer.get("id")
    if not _is_http(issuer.get("id")):
        return Check.warning(
            "issuer",
            f"The issuer profile {name} is embedded and has no http(s) id, so it could not be "
            "confirmed from its source.",
        )
    return Check.passed("issuer", f"The badge was issued by {name}.")


def _scope_problem(assertion: Mapping[str, Any], issuer: Mapping[str, Any]) -> str | None:
    """Is the hosted assertion's id within the scope the issuer's profile allows?"""
    assertion_id, issuer_id = str(assertion.get("id")), str(issuer.get("id"))
    rules = issuer.get("verification")
    rules = rules if isinstance(rules, Mapping) else {}
    starts = [s for s in _as_list(rules.get("startsWith")) if isinstance(s, str)]
    if starts and not any(assertion_id.startswith(prefix) for prefix in starts):
        return f"The assertion {assertion_id} is outside the paths the issuer {issuer_id} allows."
    origins = [o.lower() for o in _as_list(rules.get("allowedOrigins")) if isinstance(o, str)]
    host = _hostname(assertion_id)
    if not host:
        return f"The assertion id {assertion_id} has no valid host, so it cannot be in scope."
    allowed = origins or [_hostname(issuer_id)]
    if host not in allowed:
        return (
            f"The assertion is hosted on {host}, which the issuer {issuer_id} does not "
            f"allow (allowed: {', '.join(allowed)})."
        )
    return None


def _key_problem(
    session: _Session, assertion: Mapping[str, Any], issuer: Mapping[str, Any]
) -> str | None:
    """Is every signing key owned by the issuer and listed in its profile?"""
    listed = _key_ids(issuer.get("publicKey"))
    used = [session.signing_key] if session.signing_key else _signing_key_ids(session, assertion)
    for key_id in used[:MAX_KEYS]:
        owner = _id_of(session.authoritative(key_id, "CryptographicKey").get("owner"))
        if owner != issuer.get("id"):
            return f"The key {key_id} is owned by {owner!r}, not by the issuer {issuer.get('id')}."
        if key_id not in listed:
            return f"The issuer {issuer.get('id')} does not list the key {key_id} in its publicKey."
    return None


# --------------------------------------------------------------------------- dates, status


def _validity_check(assertion: Mapping[str, Any], now: datetime) -> Check:
    issued = _date(assertion.get("issuedOn"))
    if issued is None:
        return _malformed("issuedOn is missing or not an ISO 8601 date and time with a time zone.")
    raw_expires = assertion.get("expires")
    expires = _date(raw_expires)
    if raw_expires is not None and expires is None:
        return _malformed("expires is not an ISO 8601 date and time with a time zone.")
    if issued > now + LEEWAY:
        return _range(f"The assertion is dated in the future ({format_datetime(issued)}).")
    if expires is not None and expires < issued:
        return _malformed("The assertion expires before it was issued.")
    if expires is not None and expires < now:
        return _range(f"The assertion expired on {format_datetime(expires)}.")
    until = f", valid until {format_datetime(expires)}" if expires else ""
    return Check.passed(
        "validity", f"The assertion was issued on {format_datetime(issued)}{until}."
    )


def _date(value: Any) -> datetime | None:
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
        return parsed.astimezone(UTC) if parsed.tzinfo is not None else None
    except (ValueError, OverflowError):  # not a date, or outside years 1..9999 in UTC
        return None


def _status_check(session: _Session, assertion: Mapping[str, Any], method: str | None) -> Check:
    if assertion.get("revoked") is True:
        reason = assertion.get("revocationReason")
        because = f": {reason}" if isinstance(reason, str) and reason else ""
        return _revoked(f"The issuer has revoked this assertion{because}.")
    try:
        listing = _issuer_profile(session, assertion).get("revocationList")
    except _Stop as exc:
        if method == "hosted":
            return Check.passed("status", "The hosted assertion is not marked revoked.")
        return _unchecked(f"The revocation list could not be checked: {exc}.")
    if listing is None:
        return Check.passed(
            "status", "The assertion is not revoked (the issuer has no revocation list)."
        )
    try:
        revoked = session.document(_id_of(listing), "revocation list").get("revokedAssertions")
    except _Stop as exc:
        return _unchecked(f"The revocation list could not be checked: {exc}.")
    entry = _revocation_entry(revoked, assertion)
    if entry is not None:
        reason = entry.get("revocationReason")
        because = f": {reason}" if isinstance(reason, str) and reason else ""
        return _revoked(f"The issuer's revocation list revokes this assertion{because}.")
    return Check.passed("status", "The assertion is not on the issuer's revocation list.")


def _revocation_entry(revoked: Any, assertion: Mapping[str, Any]) -> dict[str, Any] | None:
    for entry in _as_list(revoked):
        record = {"id": entry} if isinstance(entry, str) else entry
        if not isinstance(record, Mapping):
            continue
        if record.get("id") == assertion.get("id") or (
            "uid" in record and record.get("uid") == assertion.get("uid")
        ):
            return dict(record)
    return None


# --------------------------------------------------------------------------- helpers


def _hostname(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:  # e.g. an unclosed IPv6 bracket: https://[::1/
        return ""


def _is_http(value: Any) -> bool:
    return (
        isinstance(value, str) and value.startswith(("https://", "http://")) and len(value) < 2048
    )


def _id_of(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def _key_ids(value: Any) -> list[str]:
    return [key for key in (_id_of(v) for v in _as_list(value)) if key is not None]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _sentence(exc: Exception) -> str:
    text = str(exc).rstrip(".")
    return text[:1].upper() + text[1:] + "."
