"""Multibase and multicodec helpers for the encodings Data Integrity uses.

Only ``z`` (base58btc) and ``u`` (base64url, no padding) are supported: they are the two
that the EdDSA cryptosuites, Multikey and the Bitstring Status List use.
"""

from __future__ import annotations

import base64

from microcred.core.errors import KeyFormatError

# Base58btc by hand: the ``base58`` package converts one digit per big-integer division;
# working in pairs of digits (58**2 = 3,364 strings) halves the time of encoding an
# Ed25519 signature, which every proof pays.  Tested against a plain reference.
_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_PAIRS = [a + b for a in _ALPHABET for b in _ALPHABET]
_PAIR_VALUES = {pair: i for i, pair in enumerate(_PAIRS)}
_DIGIT_VALUES = {c: i for i, c in enumerate(_ALPHABET)}
_FIVE_PAIRS = 58**10

ED25519_PUB = b"\xed\x01"
ED25519_PRIV = b"\x80\x26"


def b58encode(data: bytes) -> str:
    """Base58 (Bitcoin alphabet) of ``data``; each leading zero byte becomes ``1``."""
    body = data.lstrip(b"\0")
    number = int.from_bytes(body, "big")
    pairs: list[str] = []
    while number:
        number, chunk = divmod(number, _FIVE_PAIRS)
        for _ in range(5):
            chunk, pair = divmod(chunk, 3364)
            pairs.append(_PAIRS[pair])
    return "1" * (len(data) - len(body)) + "".join(reversed(pairs)).lstrip("1")


def b58decode(text: str) -> bytes:
    """The bytes of a base58 string; :class:`KeyFormatError` for a foreign character."""
    body = text.lstrip("1")
    try:
        number = _DIGIT_VALUES[body[0]] if len(body) % 2 else 0
        for i in range(len(body) % 2, len(body), 2):
            number = number * 3364 + _PAIR_VALUES[body[i : i + 2]]
    except KeyError as exc:
        raise KeyFormatError("multibase value is not valid base58btc") from exc
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(body)) + raw


def encode_base58btc(data: bytes) -> str:
    return "z" + b58encode(data)


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
        return b58decode(body)
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
