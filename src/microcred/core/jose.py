"""Credentials secured as compact JWS: W3C VC-JOSE-COSE and the Open Badges 3.0 VC-JWT.

Two forms are made and read:

* **VC-JOSE** (``typ: vc+jwt`` / ``vp+jwt``): the payload *is* the credential or presentation.
* **Open Badges 3.0 VC-JWT** (OB 3.0 §8.2, ``typ: JWT``): the payload is the credential plus
  the JWT claims ``iss`` (issuer id), ``jti`` (id), ``sub`` (credentialSubject.id), ``nbf``
  (validFrom) and ``exp`` (validUntil).  Tokens in the older VC 1.1 style, whose credential
  sits in a ``vc`` claim, are read too.

Verification never raises for a bad token: every problem is a failed :class:`Check`.  The
compact JWS layer (bounded parsing, allowed algorithms, the signature itself) is
:mod:`microcred.core.jws`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from microcred.core.dids import Resolver, VerificationMethod
from microcred.core.errors import DocumentError, InputError, MicrocredError, ProofError
from microcred.core.jws import (
    CompactJws,
    decode_compact,
    encode_compact,
    has_private_members,
    looks_like_compact,
    public_jwk,
    same_key,
    signature_check,
)
from microcred.core.keys import Ed25519KeyPair
from microcred.core.report import Check, Problem
from microcred.core.timeutil import format_datetime, parse_datetime

LEEWAY = timedelta(seconds=60)
#: Latest NumericDate accepted (9999-12-31T23:59:59Z).
MAX_NUMERIC_DATE = 253_402_300_799
#: JWT registered claims: they secure the token and are not part of the returned document.
JWT_CLAIMS = ("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "cnf")
VC1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
_VC_TYPES = ("vc+jwt", "vc+ld+json+jwt")
_VP_TYPES = ("vp+jwt", "vp+ld+json+jwt")


_issuer_failed = partial(Check.failed, "issuer", problem=Problem.INVALID_VERIFICATION_METHOD)
_malformed = partial(Check.failed, "validity", problem=Problem.MALFORMED_VALUE_ERROR)
_range = partial(Check.failed, "validity", problem=Problem.RANGE_ERROR)


class _Failed(Exception):
    def __init__(self, check: Check) -> None:
        super().__init__(check.message)
        self.check = check


# --------------------------------------------------------------------------- signing


def sign_jwt(credential: Mapping[str, Any], key: Ed25519KeyPair, *, typ: str = "vc+jwt") -> str:
    """Secure a credential (``typ="vc+jwt"``) or presentation (``"vp+jwt"``) per VC-JOSE-COSE.

    The payload is the document itself; the protected header is ``{alg: EdDSA, kid, typ,
    cty}``.  The key's controller must be the credential's issuer (or the presentation's
    holder, when it names one).
    """
    if typ not in ("vc+jwt", "vp+jwt"):
        raise ProofError(f"typ must be 'vc+jwt' or 'vp+jwt', not {typ!r}")
    if "vc" in credential or "vp" in credential:
        raise DocumentError("a VC-JOSE payload must not have a 'vc' or 'vp' member")
    presentation = _is_presentation(credential)
    if presentation != (typ == "vp+jwt"):
        kind = "presentation" if presentation else "credential"
        raise DocumentError(f"the document is a {kind}; typ {typ!r} does not fit it")
    role, party = _party(credential)
    if party is None and not presentation:
        raise DocumentError("the credential names no issuer")
    if party is not None and party != key.controller:
        raise ProofError(f"the key is controlled by {key.controller}, not by the {role} {party}")
    header = {"alg": "EdDSA", "kid": key.id, "typ": typ, "cty": typ[:2]}
    return encode_compact(header, dict(credential), key.sign)


def sign_ob_jwt(
    credential: Mapping[str, Any],
    key: Ed25519KeyPair,
    *,
    include_kid: bool = True,
    embed_jwk: bool = False,
    vc_claim: bool = False,
) -> str:
    """Secure an OpenBadgeCredential as an Open Badges 3.0 VC-JWT (OB 3.0 §8.2).

    The payload is the credential with the claims ``iss``, ``jti``, ``nbf``, ``sub`` and
    ``exp`` (when it has ``validUntil``).  The header is ``{alg: EdDSA, typ: JWT}`` with
    ``kid`` and/or the public ``jwk``.  ``vc_claim=True`` puts the credential in a ``vc``
    claim instead (the VC 1.1 style that older verifiers expect).
    """
    if not include_kid and not embed_jwk:
        raise ProofError("an Open Badges VC-JWT header needs a kid, a jwk or both")
    issuer = _id_of(credential.get("issuer"))
    if issuer is None:
        raise DocumentError("the credential names no issuer")
    if issuer != key.controller:
        raise ProofError(f"the key is controlled by {key.controller}, not by the issuer {issuer}")
    header: dict[str, Any] = {"alg": "EdDSA", "typ": "JWT"}
    if include_kid:
        header["kid"] = key.id
    if embed_jwk:
        header["jwk"] = key.public_key.to_jwk()
    claims = ob_claims(credential)
    body = {"vc": dict(credential)} if vc_claim else dict(credential)
    return encode_compact(header, {**body, **claims}, key.sign)


def ob_claims(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The JWT claims OB 3.0 §8.2.4 derives from a credential."""
    start = credential.get("validFrom", credential.get("issuanceDate"))
    valid_from = parse_datetime(start, require_timezone=False)
    if valid_from is None:
        raise DocumentError("an Open Badges VC-JWT needs a valid validFrom (its nbf claim)")
    issuer = _id_of(credential.get("issuer"))
    if issuer is None:
        raise DocumentError("the credential names no issuer (the iss claim)")
    claims: dict[str, Any] = {"iss": issuer}
    if isinstance(credential.get("id"), str):
        claims["jti"] = credential["id"]
    subject = _subject_ids(credential)
    if len(subject) == 1:
        claims["sub"] = subject[0]
    claims["nbf"] = math.floor(valid_from.timestamp())
    end = credential.get("validUntil", credential.get("expirationDate"))
    if end is not None:
        valid_until = parse_datetime(end, require_timezone=False)
        if valid_until is None:
            raise DocumentError("validUntil is not a valid date and time")
        claims["exp"] = math.floor(valid_until.timestamp())
    return claims


# --------------------------------------------------------------------------- parsing


def looks_like_jwt(text: str) -> bool:
    """True if ``text`` has the shape of a compact JWS (three base64url parts, JSON header)."""
    return looks_like_compact(text)


# --------------------------------------------------------------------------- verification


def verify_jwt(
    token: str, *, resolver: Resolver, now: datetime
) -> tuple[dict[str, Any] | None, list[Check]]:
    """Verify a VC-JOSE or Open Badges VC-JWT token; never raises for a bad token.

    Returns the credential (None when the token cannot be parsed) and the checks "parse",
    "proof", "issuer", "claims" and "validity".
    """
    try:
        jws = decode_compact(token)
        profile = _profile(jws.header)
    except InputError as exc:
        sentence = str(exc)[0].upper() + str(exc)[1:]
        return None, [Check.failed("parse", sentence.rstrip(".") + ".", Problem.PARSING_ERROR)]
    credential = credential_of(jws.payload)
    jwk, issuer = _issuer_check(jws, credential, resolver)
    checks = [
        Check.passed("parse", f"The token is a well-formed {profile} compact JWS."),
        signature_check(jws, jwk, missing_key=_missing_key(issuer)),
        issuer,
        _claims_check(jws, credential, profile),
        _validity_check(jws.payload, credential, profile, now),
    ]
    return credential, checks


def credential_of(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The document a JWT payload secures, without the JWT registered claims.

    A VC 1.1-style ``vc`` claim is unwrapped and completed as VC 1.1 prescribes: a missing
    ``issuer``, ``id`` or ``credentialSubject.id`` is taken from ``iss``, ``jti`` or ``sub``,
    and in a VC 1.1 credential a missing ``issuanceDate``/``expirationDate`` from ``nbf``/``exp``.
    """
    wrapped = payload.get("vc")
    if not isinstance(wrapped, dict) or "@context" in payload:
        return {k: v for k, v in payload.items() if k not in JWT_CLAIMS}
    document = dict(wrapped)
    for claim, member in (("iss", "issuer"), ("jti", "id")):
        if member not in document and isinstance(payload.get(claim), str):
            document[member] = payload[claim]
    subject = document.get("credentialSubject")
    if isinstance(subject, dict) and "id" not in subject and isinstance(payload.get("sub"), str):
        document["credentialSubject"] = {**subject, "id": payload["sub"]}
    if VC1_CONTEXT in _as_list(document.get("@context")):
        for claim, member in (("nbf", "issuanceDate"), ("exp", "expirationDate")):
            moment = _numeric_or_none(payload.get(claim))
            if member not in document and moment is not None:
                document[member] = format_datetime(moment)
    return document


def _numeric_or_none(value: Any) -> datetime | None:
    try:
        return _numeric_date({"claim": value}, "claim")
    except _Failed:
        return None


def _profile(header: Mapping[str, Any]) -> str:
    typ = header.get("typ")
    if typ is None:
        return "JWT"
    if not isinstance(typ, str):
        raise InputError("the JWS header's typ is not a string")
    kind = typ.lower().removeprefix("application/")
    if kind in _VC_TYPES or kind in _VP_TYPES:
        return "VC-JOSE"
    if kind == "jwt":
        return "JWT"
    raise InputError(f"the token's typ is {typ!r}; expected vc+jwt, vp+jwt or JWT")


def _missing_key(issuer: Check) -> str:
    return f"The signature could not be checked without a key: {issuer.message}"


# ----------------------------------------------------------------------- issuer and key


def _issuer_check(
    jws: CompactJws, credential: Mapping[str, Any], resolver: Resolver
) -> tuple[dict[str, Any] | None, Check]:
    """The public key that should verify the token, and the "issuer" check."""
    kid, embedded = jws.header.get("kid"), jws.header.get("jwk")
    if kid is not None and not isinstance(kid, str):
        return None, _issuer_failed("The token header's kid is not a string.")
    if embedded is not None and not isinstance(embedded, dict):
        return None, _issuer_failed("The token header's jwk is not a JSON object.")
    if kid is None and embedded is None:
        return None, _issuer_failed("The token header names no key: it has neither kid nor jwk.")
    role, party = _party(credential)
    iss = jws.payload.get("iss")
    conflict = iss is not None and party is not None and iss != party
    party = party or (iss if isinstance(iss, str) else None)
    if kid is None:
        jwk = public_jwk(embedded) if embedded is not None else None
        check = _embedded_key_check(embedded or {}, party, resolver)
    else:
        jwk, check = _kid_check(kid, embedded, role, party, resolver)
    if embedded is not None and has_private_members(embedded):
        check = _issuer_failed(
            "The token header's jwk holds a private key; the key is compromised."
        )
    if conflict:
        check = _issuer_failed(f"The JWT iss claim {iss!r} does not match the {role} {party}.")
    return jwk, check


def _kid_check(
    kid: str, embedded: Mapping[str, Any] | None, role: str, party: str | None, resolver: Resolver
) -> tuple[dict[str, Any] | None, Check]:
    try:
        method = resolver.resolve(kid)
    except MicrocredError as exc:
        return None, _issuer_failed(f"The key {kid} could not be resolved: {exc}.")
    jwk = method_jwk(method)
    if jwk is None:
        return None, _issuer_failed(f"The verification method {kid} holds no usable public key.")
    if embedded is not None and not same_key(embedded, jwk):
        return jwk, _issuer_failed(f"The jwk in the token header is not the key {kid} names.")
    if party is None and role == "holder":
        return jwk, Check.warning("issuer", f"The presentation names no holder; {kid} signed it.")
    if party is None:
        return jwk, _issuer_failed(
            "The credential names no issuer, so the key cannot be tied to it."
        )
    if method.controller != party:
        return jwk, _issuer_failed(
            f"The key {kid} is controlled by {method.controller}, not by the {role} {party}."
        )
    return jwk, _relationship_check(method, role, party)


def _relationship_check(method: VerificationMethod, role: str, party: str) -> Check:
    purpose = "authentication" if role == "holder" else "assertionMethod"
    if method.from_url_convention:
        return Check.warning(
            "issuer",
            f"The key {method.id} was read from its URL (no controller document), so it could "
            f"not be confirmed that the {role} {party} authorises it for {purpose}.",
        )
    if purpose not in method.purposes:
        return Check.failed(
            "issuer",
            f"The {role} {party} does not list the key {method.id} for {purpose}.",
            Problem.INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD,
        )
    return Check.passed("issuer", f"The key {method.id} belongs to the {role} {party}.")


def _embedded_key_check(jwk: dict[str, Any], party: str | None, resolver: Resolver) -> Check:
    if party is not None and party.startswith("did:key:"):
        try:
            method = resolver.resolve(f"{party}#{party.removeprefix('did:key:')}")
        except MicrocredError:
            method = None
        listed = method_jwk(method) if method is not None else None
        if listed is not None and same_key(jwk, listed):
            return Check.passed("issuer", f"The key in the token header is the issuer's {party}.")
    who = f"the issuer {party}" if party else "any issuer"
    return Check.warning(
        "issuer",
        f"The key is embedded in the token header (jwk) and is self-asserted: nothing shows "
        f"that {who} controls it.",
    )


def method_jwk(method: VerificationMethod) -> dict[str, Any] | None:
    """The public JWK of a resolved verification method (JsonWebKey or Ed25519 Multikey)."""
    if method.jwk is not None:
        return dict(method.jwk)
    if method.public_key is not None:
        return dict(method.public_key.to_jwk())
    return None


# ---------------------------------------------------------------------- claims and dates


def _claims_check(jws: CompactJws, credential: Mapping[str, Any], profile: str) -> Check:
    payload = jws.payload
    problems = []
    if profile == "VC-JOSE" and ("vc" in payload or "vp" in payload):
        problems.append("a vc+jwt or vp+jwt token must not have a vc or vp claim")
    typ = str(jws.header.get("typ", "")).lower().removeprefix("application/")
    if typ in _VP_TYPES and not _is_presentation(credential):
        problems.append(
            f"the typ {jws.header['typ']!r} announces a presentation, but it is not one"
        )
    if typ in _VC_TYPES and _is_presentation(credential):
        problems.append(
            f"the typ {jws.header['typ']!r} announces a credential, but it is a presentation"
        )
    jti = payload.get("jti")
    if jti is not None and jti != credential.get("id"):
        problems.append(f"the jti claim {jti!r} is not the document's id {credential.get('id')!r}")
    sub, subjects = payload.get("sub"), _subject_ids(credential)
    if sub is not None and sub not in subjects:
        problems.append(f"the sub claim {sub!r} is not the credentialSubject id")
    if problems:
        return Check.failed("claims", _sentence(problems), Problem.MALFORMED_VALUE_ERROR)
    missing = _missing_ob_claims(payload, credential) if profile == "JWT" else []
    if missing and not _is_presentation(credential):
        return Check.warning(
            "claims",
            f"The token lacks the {', '.join(missing)} claim(s) that Open Badges 3.0 requires "
            "of a VC-JWT.",
        )
    return Check.passed("claims", "The JWT claims agree with the document.")


def _missing_ob_claims(payload: Mapping[str, Any], credential: Mapping[str, Any]) -> list[str]:
    needed = ["iss", "nbf"]
    if "id" in credential:
        needed.append("jti")
    if _subject_ids(credential):
        needed.append("sub")
    return [claim for claim in needed if claim not in payload]


def _validity_check(
    payload: Mapping[str, Any], credential: Mapping[str, Any], profile: str, now: datetime
) -> Check:
    try:
        times = _Times.read(payload, credential)
    except _Failed as exc:
        return exc.check
    problem = times.problem(now, strict=profile == "JWT")
    if problem is not None:
        return problem
    return Check.passed("validity", times.describe())


@dataclass(frozen=True)
class _Times:
    nbf: datetime | None
    exp: datetime | None
    start: datetime | None
    end: datetime | None
    names: tuple[str, str]

    @classmethod
    def read(cls, payload: Mapping[str, Any], credential: Mapping[str, Any]) -> _Times:
        v1 = "issuanceDate" in credential or "expirationDate" in credential
        names = ("issuanceDate", "expirationDate") if v1 else ("validFrom", "validUntil")
        return cls(
            _numeric_date(payload, "nbf"),
            _numeric_date(payload, "exp"),
            _document_date(credential, names[0], v1),
            _document_date(credential, names[1], v1),
            names,
        )

    def problem(self, now: datetime, *, strict: bool) -> Check | None:
        if self.nbf is not None and now + LEEWAY < self.nbf:
            return _range(f"The token is not valid before {format_datetime(self.nbf)}.")
        if self.exp is not None and now - LEEWAY >= self.exp:
            return _range(f"The token expired on {format_datetime(self.exp)}.")
        if self.start is not None and now + LEEWAY < self.start:
            since = format_datetime(self.start)
            return _range(f"The credential is not valid yet: it becomes valid on {since}.")
        if self.end is not None and now - LEEWAY >= self.end:
            return _range(f"The credential expired on {format_datetime(self.end)}.")
        return self._mismatch() if strict else None

    def _mismatch(self) -> Check | None:
        pairs = (
            ("nbf", self.nbf, self.names[0], self.start),
            ("exp", self.exp, self.names[1], self.end),
        )
        for claim, claimed, member, stated in pairs:
            if (
                claimed is not None
                and stated is not None
                and abs(claimed - stated) >= timedelta(seconds=1)
            ):
                return Check.failed(
                    "validity",
                    f"The {claim} claim ({format_datetime(claimed)}) does not equal the "
                    f"credential's {member} ({format_datetime(stated)}).",
                    Problem.MALFORMED_VALUE_ERROR,
                )
        return None

    def describe(self) -> str:
        start, end = self.start or self.nbf, self.end or self.exp
        if start is None and end is None:
            return "The token and its credential state no validity period."
        since = f" since {format_datetime(start)}" if start else ""
        until = f" until {format_datetime(end)}" if end else ""
        return f"The token and its credential are valid{since}{until}."


def _numeric_date(payload: Mapping[str, Any], claim: str) -> datetime | None:
    value = payload.get(claim)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _Failed(_malformed(f"The {claim} claim is not a NumericDate (seconds since 1970)."))
    if not 0 <= value <= MAX_NUMERIC_DATE:
        raise _Failed(_malformed(f"The {claim} claim {value} is out of range."))
    return datetime.fromtimestamp(value, UTC)


def _document_date(credential: Mapping[str, Any], member: str, v1: bool) -> datetime | None:
    raw = credential.get(member)
    if raw is None:
        return None
    parsed = parse_datetime(raw, require_timezone=not v1)
    if parsed is None:
        raise _Failed(_malformed(f"{member} is not a valid date and time."))
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00 is before year 1 in UTC
        raise _Failed(_malformed(f"{member} {raw!r} is out of range in UTC.")) from None


# --------------------------------------------------------------------------- helpers


def _id_of(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _is_presentation(document: Mapping[str, Any]) -> bool:
    return "VerifiablePresentation" in _as_list(document.get("type"))


def _party(document: Mapping[str, Any]) -> tuple[str, str | None]:
    """("holder", holder id) for a presentation, ("issuer", issuer id) otherwise."""
    if _is_presentation(document):
        return "holder", _id_of(document.get("holder"))
    return "issuer", _id_of(document.get("issuer"))


def _subject_ids(credential: Mapping[str, Any]) -> list[str]:
    subjects = credential.get("credentialSubject")
    listed = subjects if isinstance(subjects, list) else [subjects]
    return [s["id"] for s in listed if isinstance(s, Mapping) and isinstance(s.get("id"), str)]


def _sentence(parts: list[str]) -> str:
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."
