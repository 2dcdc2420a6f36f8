from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.core import multibase
from microcred.core.errors import KeyFormatError
from microcred.core.keys import Ed25519KeyPair, Ed25519PublicKey
from tests.conftest import load_json


def test_round_trips() -> None:
    data = bytes(range(40))
    assert multibase.decode(multibase.encode_base58btc(data)) == data
    assert multibase.decode(multibase.encode_base64url(data)) == data


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "non-empty"),
        ("m1234", "unsupported multibase prefix 'm'"),
        ("z0OIl", "not valid base58btc"),
        ("uab+/", "not unpadded base64url"),
        ("uab==", "not unpadded base64url"),
        ("uabc!", "not base64url"),
    ],
)
def test_refuses_bad_multibase(value: str, message: str) -> None:
    with pytest.raises(KeyFormatError, match=message):
        multibase.decode(value)


def test_multicodec_length_and_codec_checked() -> None:
    short = multibase.encode_base58btc(multibase.ED25519_PUB + b"\x01" * 31)
    with pytest.raises(KeyFormatError, match="32 bytes"):
        Ed25519PublicKey.from_multibase(short)
    with pytest.raises(KeyFormatError, match="multicodec 0xed01"):
        Ed25519PublicKey.from_multibase(multibase.encode_base58btc(b"\x12\x00" + b"\x01" * 32))
    with pytest.raises(KeyFormatError, match="32 bytes"):
        Ed25519PublicKey(b"\x00" * 31)


def test_vector_keys_load_and_match() -> None:
    pair = load_json("vc-di-eddsa/keyPair.json")
    key = Ed25519KeyPair.from_multikey(pair)
    assert key.public_key.multibase == pair["publicKeyMultibase"]
    assert key.controller == f"did:key:{pair['publicKeyMultibase']}"
    ob = load_json("ob30-spec-test-vector/keyPair.json")
    ob_key = Ed25519KeyPair.from_multikey(ob)  # 64-byte secret (seed + public)
    assert ob_key.id == ob["id"] and ob_key.controller == ob["controller"]
    assert ob_key.seed.hex() == ob["privateKeyHex"][:64]


def test_generate_sign_verify_and_export() -> None:
    key = Ed25519KeyPair.generate()
    signature = key.sign(b"data")
    assert key.public_key.verify(signature, b"data")
    assert not key.public_key.verify(signature, b"other")
    exported = key.to_multikey(include_secret=True)
    again = Ed25519KeyPair.from_multikey(exported)
    assert again.public_key == key.public_key and again.id == key.id
    assert "secretKeyMultibase" not in key.to_multikey()
    jwk = key.to_private_jwk()
    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519" and len(jwk["d"]) == 43


def test_key_file_errors() -> None:
    with pytest.raises(KeyFormatError, match="no secretKeyMultibase"):
        Ed25519KeyPair.from_multikey({"publicKeyMultibase": "z6Mk"})
    with pytest.raises(KeyFormatError, match="not an Ed25519 secret key"):
        Ed25519KeyPair.from_multikey(
            {"secretKeyMultibase": multibase.encode_base58btc(b"\x00" * 34)}
        )
    other = Ed25519KeyPair.generate().public_key.multibase
    secret = Ed25519KeyPair.generate().to_multikey(include_secret=True)["secretKeyMultibase"]
    with pytest.raises(KeyFormatError, match="does not match"):
        Ed25519KeyPair.from_multikey({"secretKeyMultibase": secret, "publicKeyMultibase": other})
    with pytest.raises(KeyFormatError, match="32-byte seed"):
        Ed25519KeyPair.from_seed(b"\x00" * 16)
    seed = b"\x01" * 32
    with pytest.raises(KeyFormatError, match="public half"):
        Ed25519KeyPair.from_seed(seed + b"\x02" * 32)


def _reference_b58(data: bytes) -> str:
    """The textbook algorithm: one digit per division."""
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    number = int.from_bytes(data, "big")
    digits = ""
    while number:
        number, digit = divmod(number, 58)
        digits = alphabet[digit] + digits
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + digits


@settings(max_examples=500)
@given(st.binary(max_size=80))
def test_base58_matches_the_textbook_algorithm(data: bytes) -> None:
    encoded = multibase.b58encode(data)
    assert encoded == _reference_b58(data)
    assert multibase.b58decode(encoded) == data


def test_base58_known_values() -> None:
    assert multibase.b58encode(b"") == "" and multibase.b58decode("") == b""
    assert multibase.b58encode(b"\0\0\x01") == "112"
    assert multibase.b58encode(b"hello world") == "StV1DL6CwTryKyV"
