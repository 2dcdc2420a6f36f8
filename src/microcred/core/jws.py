"""Compact JSON Web Signatures (RFC 7515): bounded parsing, an algorithm allow-list and the
signature check shared by VC-JOSE (:mod:`microcred.core.jose`) and Open Badges 2.0 signed
assertions (:mod:`microcred.core.ob2`).

The token is parsed here, within size limits, so no unbounded input reaches a library; the
signature itself is checked with joserfc's algorithm implementations.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OKPKey, RSAKey
from joserfc.jws import JWSRegistry

from microcred.core.errors import DocumentError, InputError
from microcred.core.jsonutil import MAX_BYTES, decode_text, parse_json
from microcred.core.report import Check, Problem

#: Algorithm → the JWK key type it needs.  Nothing else is accepted.
ALGORITHMS: Mapping[str, str] = {
    "EdDSA": "OKP",
    "Ed25519": "OKP",
    "RS256": "RSA",
    "RS384": "RSA",
    "RS512": "RSA",
    "ES256": "EC",
    "ES384": "EC",
}
_CURVES = {"EdDSA": "Ed25519", "Ed25519": "Ed25519", "ES256": "P-256", "ES384": "P-384"}
_KEY_CLASSES: Mapping[str, type[RSAKey] | type[ECKey] | type[OKPKey]] = {
    "RSA": RSAKey,
    "EC": ECKey,
    "OKP": OKPKey,
}
MIN_RSA_BITS = 2048
MAX_RSA_BITS = 16384
MAX_TOKEN_BYTES = MAX_BYTES
MAX_HEADER_CHARS = 16_000
MAX_SIGNATURE_BYTES = 2048
#: JWK members that belong to a private or secret key.
PRIVATE_JWK_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")
MAX_PEM_CHARS = 16_000
_PEM_CURVES = {"secp256r1": "P-256", "secp384r1": "P-384"}
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_SHAPE = re.compile(r"ey[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


@dataclass(frozen=True)
class CompactJws:
    """A parsed (not yet verified) compact JWS with a JSON object payload."""

    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes

    @property
    def alg(self) -> str:
        return str(self.header["alg"])


class _Refused(Exception):
    def __init__(self, check: Check) -> None:
        super().__init__(check.message)
        self.check = check


# --------------------------------------------------------------------------- encoding


def encode_compact(
    header: Mapping[str, Any], payload: Mapping[str, Any], sign: Callable[[bytes], bytes]
) -> str:
    """``BASE64URL(header) . BASE64URL(payload) . BASE64URL(sign(signing input))``."""
    signing_input = b64encode(json_bytes(header)) + "." + b64encode(json_bytes(payload))
    return signing_input + "." + b64encode(sign(signing_input.encode("ascii")))


def json_bytes(value: Mapping[str, Any]) -> bytes:
    """Compact UTF-8 JSON, or :class:`DocumentError` for a value JSON cannot hold."""
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise DocumentError(f"the document cannot be written as JSON: {exc}") from exc
    return text.encode("utf-8")


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


# --------------------------------------------------------------------------- parsing


def looks_like_compact(text: str) -> bool:
    """True if ``text`` has the shape of a compact JWS (three base64url parts, JSON header)."""
    return isinstance(text, str) and _SHAPE.fullmatch(text.strip()) is not None


def decode_compact(token: str | bytes, *, max_bytes: int = MAX_TOKEN_BYTES) -> CompactJws:
    """Parse a compact JWS whose payload is a JSON object, or raise :class:`InputError`."""
    text = decode_text(token, max_bytes=max_bytes).strip()
    parts = text.split(".")
    if len(parts) != 3:
        jwe = " (five parts is an encrypted JWE, which is not supported)" if len(parts) == 5 else ""
        raise InputError(
            f"a compact JWS has three parts separated by dots; this has {len(parts)}{jwe}"
        )
    if len(parts[0]) > MAX_HEADER_CHARS:
        raise InputError(f"the JWS header is longer than {MAX_HEADER_CHARS:,} characters")
    header = _json_segment(parts[0], "header")
    payload = _json_segment(parts[1], "payload")
    signature = _b64decode(parts[2], "signature")
    if len(signature) > MAX_SIGNATURE_BYTES:
        raise InputError(f"the JWS signature is longer than {MAX_SIGNATURE_BYTES} bytes")
    alg = header.get("alg")
    if not isinstance(alg, str) or not alg:
        raise InputError("the JWS header has no alg (signature algorithm)")
    signing_input = f"{parts[0]}.{parts[1]}".encode("ascii")
    return CompactJws(header, payload, signing_input, signature)


def _json_segment(segment: str, what: str) -> dict[str, Any]:
    try:
        value = parse_json(_b64decode(segment, what))
    except InputError as exc:
        raise InputError(f"the JWS {what} is not valid JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise InputError(f"the JWS {what} is not a JSON object")
    return value


def _b64decode(segment: str, what: str) -> bytes:
    if not _B64URL.fullmatch(segment) or len(segment) % 4 == 1:
        raise InputError(f"the JWS {what} is not base64url (unpadded, URL-safe alphabet)")
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


# --------------------------------------------------------------------------- signatures


def algorithm_refusal(alg: str) -> str | None:
    """Why ``alg`` is refused, or None if it is allowed."""
    if alg == "none":
        return "The token is unsigned (alg 'none'); unsigned tokens are refused."
    if alg.startswith("HS"):
        return (
            f"The token uses {alg}, a shared-secret MAC; it cannot show who issued a credential, "
            "so it is refused."
        )
    if alg not in ALGORITHMS:
        return f"The signature algorithm {alg!r} is not allowed (allowed: {', '.join(ALGORITHMS)})."
    return None


def signature_check(
    jws: CompactJws, jwk: Mapping[str, Any] | None, *, missing_key: str = ""
) -> Check:
    """The "proof" check of a JWS against a public JWK (None: no usable key was found)."""
    refusal = algorithm_refusal(jws.alg)
    if refusal is not None:
        return Check.failed("proof", refusal, Problem.CRYPTOGRAPHIC_SECURITY_ERROR)
    if "crit" in jws.header:
        return Check.failed(
            "proof",
            f"The token marks header parameters {jws.header['crit']!r} as critical; "
            "they are not understood, so the token is refused.",
            Problem.PROOF_VERIFICATION_ERROR,
        )
    if jwk is None:
        message = missing_key or "The signature could not be checked: no usable key was found."
        return Check.failed("proof", message, Problem.INVALID_VERIFICATION_METHOD)
    try:
        key = _import_key(jwk, jws.alg)
    except _Refused as exc:
        return exc.check
    if not _verify(jws, key):
        return Check.failed(
            "proof",
            "The signature does not match the token: it was changed after signing, "
            "or signed with another key.",
            Problem.PROOF_VERIFICATION_ERROR,
        )
    return Check.passed("proof", f"The {jws.alg} signature is valid.")


def _verify(jws: CompactJws, key: RSAKey | ECKey | OKPKey) -> bool:
    algorithm = JWSRegistry.algorithms[jws.alg]
    try:
        return bool(algorithm.verify(jws.signing_input, jws.signature, key))
    except (JoseError, ValueError, TypeError):
        return False


def _import_key(jwk: Mapping[str, Any], alg: str) -> RSAKey | ECKey | OKPKey:
    needed, kty = ALGORITHMS[alg], jwk.get("kty")
    if kty != needed:
        raise _Refused(_bad_key(f"The key is of type {kty!r}, but {alg} needs an {needed} key."))
    if needed == "RSA":
        _check_rsa_size(jwk.get("n"))
    try:
        key = _KEY_CLASSES[needed].import_key(_jwk_dict(public_jwk(jwk)))
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise _Refused(_bad_key(f"The {needed} key is not a valid JWK: {exc}.")) from exc
    if not isinstance(key, RSAKey) and key.curve_name != _CURVES[alg]:
        raise _Refused(_bad_key(f"{alg} needs a {_CURVES[alg]} key, not {key.curve_name}."))
    return key


def _check_rsa_size(modulus: Any) -> None:
    """Refuse an RSA modulus outside 2048..16384 bits (before any library sees the key)."""
    try:
        if not isinstance(modulus, str):
            raise InputError("missing")
        bits = int.from_bytes(_b64decode(modulus, "RSA modulus"), "big").bit_length()
    except InputError as exc:
        raise _Refused(_bad_key("The RSA key's modulus n is missing or not base64url.")) from exc
    if bits < MIN_RSA_BITS:
        raise _Refused(
            Check.failed(
                "proof",
                f"The RSA key has {bits} bits; at least {MIN_RSA_BITS} are required.",
                Problem.CRYPTOGRAPHIC_SECURITY_ERROR,
            )
        )
    if bits > MAX_RSA_BITS:
        raise _Refused(
            _bad_key(f"The RSA key has {bits} bits; at most {MAX_RSA_BITS} are accepted.")
        )


def _bad_key(message: str) -> Check:
    return Check.failed("proof", message, Problem.INVALID_VERIFICATION_METHOD)


# --------------------------------------------------------------------------- keys


def public_jwk(jwk: Mapping[str, Any]) -> dict[str, Any]:
    """The JWK without any private or secret member."""
    return {k: v for k, v in jwk.items() if k not in PRIVATE_JWK_MEMBERS}


def has_private_members(jwk: Mapping[str, Any]) -> bool:
    return any(member in jwk for member in PRIVATE_JWK_MEMBERS)


def same_key(first: Mapping[str, Any], second: Mapping[str, Any]) -> bool:
    """True if both JWKs hold the same public key (RSA, EC or OKP).

    The RFC 7638 thumbprints are compared: they cover only the members that define the key,
    so ``kid``, ``alg``, ``use`` or private members do not make two copies of a key differ.
    A JWK that is not a usable public key is the same as nothing.
    """
    try:
        return bool(_public_key(first).thumbprint() == _public_key(second).thumbprint())
    except (JoseError, ValueError, TypeError, KeyError):
        return False


def _public_key(jwk: Mapping[str, Any]) -> RSAKey | ECKey | OKPKey:
    return _KEY_CLASSES[jwk["kty"]].import_key(_jwk_dict(public_jwk(jwk)))


def pem_public_jwk(pem: Any) -> dict[str, Any]:
    """The public JWK of a PEM public key (RSA, EC P-256/P-384 or Ed25519), or InputError."""
    if not isinstance(pem, str) or not pem.strip() or len(pem) > MAX_PEM_CHARS:
        raise InputError("there is no usable PEM public key")
    try:
        key = serialization.load_pem_public_key(pem.strip().encode("ascii"))
    except (ValueError, UnsupportedAlgorithm, UnicodeEncodeError) as exc:
        raise InputError("the text is not a PEM public key") from exc
    if isinstance(key, rsa.RSAPublicKey):
        numbers = key.public_numbers()
        return {"kty": "RSA", "n": _b64int(numbers.n), "e": _b64int(numbers.e)}
    if isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name in _PEM_CURVES:
        size, point = (key.curve.key_size + 7) // 8, key.public_numbers()
        curve = _PEM_CURVES[key.curve.name]
        return {"kty": "EC", "crv": curve, "x": _b64int(point.x, size), "y": _b64int(point.y, size)}
    if isinstance(key, ed25519.Ed25519PublicKey):
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": b64encode(raw)}
    raise InputError("the PEM holds an unsupported kind of public key")


def _b64int(value: int, size: int = 0) -> str:
    return b64encode(value.to_bytes(max(size, (value.bit_length() + 7) // 8), "big"))


def _jwk_dict(jwk: dict[str, Any]) -> dict[str, str | list[str]]:
    return cast(dict[str, str | list[str]], jwk)
