"""Multibase and multicodec helpers for the encodings Data Integrity uses.

Only ``z`` (base58btc) and ``u`` (base64url, no padding) are supported: they are the two
that the EdDSA cryptosuites, Multikey and the Bitstring Status List use.
"""

from __future__ import annotations

import base64

import base58

from microcred.core.errors import KeyFormatError

ED25519_PUB = b"\xed\x01"
ED25519_PRIV = b"\x80\x26"


def encode_base58btc(data: bytes) -> str:
    return "z" + base58.b58encode(data).decode("ascii")


def encode_base64url(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url, refusing characters outside its alphabet."""
    try:
        return base64.urlsafe_b64decode(text.encode("ascii") + b"=" * (-len(text) % 4))
    except (ValueError, UnicodeEncodeError) as exc:
        raise KeyFormatError("value is not base64url") from exc


def decode(value: str) -> bytes:
    """Decode a multibase string with prefix ``z`` or ``u``."""
    if not isinstance(value, str) or not value:
        raise KeyFormatError("multibase value must be a non-empty string")
    prefix, body = value[0], value[1:]
    if prefix == "z":
        try:
            return bytes(base58.b58decode(body.encode("ascii")))
        except (ValueError, UnicodeEncodeError) as exc:
            raise KeyFormatError("multibase value is not valid base58btc") from exc
    if prefix == "u":
        if "=" in body or "+" in body or "/" in body:
            raise KeyFormatError("multibase value is not unpadded base64url")
        return b64url_decode(body)
    raise KeyFormatError(f"unsupported multibase prefix {prefix!r}")


def decode_multicodec(value: str, codec: bytes, length: int) -> bytes:
    """Decode a multibase multicodec value and check its codec and length."""
    raw = decode(value)
    if not raw.startswith(codec) or len(raw) != len(codec) + length:
        raise KeyFormatError(f"expected a multicodec 0x{codec.hex()} value of {length} bytes")
    return raw[len(codec) :]
