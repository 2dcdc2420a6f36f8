from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa
from joserfc import jws as joserfc_jws
from joserfc.jwk import ECKey, OKPKey, RSAKey

from microcred.core.errors import InputError
from microcred.core.jws import (
    algorithm_refusal,
    decode_compact,
    encode_compact,
    pem_public_jwk,
    same_key,
    signature_check,
)
from microcred.core.keys import Ed25519KeyPair
from microcred.core.report import Outcome, Problem

PAYLOAD = {"iss": "did:example:issuer", "name": "Ünïcode"}


def pem(public_key: Any) -> str:
    encoded = public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return str(encoded.decode())


def test_encode_and_decode_round_trip() -> None:
    key = Ed25519KeyPair.generate()
    token = encode_compact({"alg": "EdDSA", "kid": key.id}, PAYLOAD, key.sign)
    parsed = decode_compact(token)
    assert parsed.alg == "EdDSA"
    assert parsed.header["kid"] == key.id
    assert parsed.payload == PAYLOAD
    assert parsed.signing_input == token.rsplit(".", 1)[0].encode()
    assert signature_check(parsed, key.public_key.to_jwk()).outcome is Outcome.PASS


def test_fully_specified_ed25519_algorithm_is_accepted() -> None:
    key = Ed25519KeyPair.generate()
    token = encode_compact({"alg": "Ed25519"}, PAYLOAD, key.sign)
    assert signature_check(decode_compact(token), key.public_key.to_jwk()).outcome is Outcome.PASS


def test_es384_signature_made_by_joserfc() -> None:
    private = ECKey.import_key(ec.generate_private_key(ec.SECP384R1()))
    token = joserfc_jws.serialize_compact({"alg": "ES384"}, "{}", private, algorithms=["ES384"])
    check = signature_check(decode_compact(token), private.as_dict(private=False))
    assert check.outcome is Outcome.PASS


@pytest.mark.parametrize(
    ("alg", "words"),
    [
        ("none", "unsigned"),
        ("HS512", "shared-secret"),
        ("PS256", "not allowed"),
        ("RSA1_5", "not allowed"),
    ],
)
def test_refused_algorithms(alg: str, words: str) -> None:
    refusal = algorithm_refusal(alg)
    assert refusal is not None and words in refusal


@pytest.mark.parametrize("alg", ["EdDSA", "Ed25519", "RS256", "RS384", "RS512", "ES256", "ES384"])
def test_allowed_algorithms(alg: str) -> None:
    assert algorithm_refusal(alg) is None


def test_key_of_the_wrong_type() -> None:
    key = Ed25519KeyPair.generate()
    token = encode_compact({"alg": "RS256"}, PAYLOAD, key.sign)
    check = signature_check(decode_compact(token), key.public_key.to_jwk())
    assert check.outcome is Outcome.FAIL
    assert check.problem == Problem.INVALID_VERIFICATION_METHOD
    assert "RSA" in check.message


@pytest.mark.parametrize(
    "jwk",
    [
        {"kty": "OKP", "crv": "Ed25519", "x": "AAAA"},
        {"kty": "OKP", "crv": "X25519", "x": "A" * 43},
        {"kty": "RSA", "n": "not base64!", "e": "AQAB"},
        {"kty": "RSA", "e": "AQAB"},
    ],
)
def test_unusable_keys(jwk: dict[str, Any]) -> None:
    key = Ed25519KeyPair.generate()
    alg = "RS256" if jwk["kty"] == "RSA" else "EdDSA"
    check = signature_check(decode_compact(encode_compact({"alg": alg}, PAYLOAD, key.sign)), jwk)
    assert check.outcome is Outcome.FAIL
    assert check.problem == Problem.INVALID_VERIFICATION_METHOD


def test_missing_key_message() -> None:
    key = Ed25519KeyPair.generate()
    parsed = decode_compact(encode_compact({"alg": "EdDSA"}, PAYLOAD, key.sign))
    check = signature_check(parsed, None, missing_key="No key: the kid is unknown.")
    assert check.outcome is Outcome.FAIL
    assert check.message == "No key: the kid is unknown."


def test_same_key_compares_public_keys_only() -> None:
    key, other = Ed25519KeyPair.generate(), Ed25519KeyPair.generate()
    assert same_key(key.public_key.to_jwk(), key.to_private_jwk())
    assert not same_key(key.public_key.to_jwk(), other.public_key.to_jwk())
    assert not same_key(key.public_key.to_jwk(), {"kty": "nonsense"})


def test_pem_public_keys_become_jwks() -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert pem_public_jwk(pem(rsa_key.public_key())) == RSAKey.import_key(rsa_key).as_dict(
        private=False
    )
    ec_key = ec.generate_private_key(ec.SECP256R1())
    assert pem_public_jwk(pem(ec_key.public_key())) == ECKey.import_key(ec_key).as_dict(
        private=False
    )
    ed_key = ed25519.Ed25519PrivateKey.generate()
    assert pem_public_jwk(pem(ed_key.public_key())) == OKPKey.import_key(ed_key).as_dict(
        private=False
    )


def test_pem_signature_round_trip() -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    token = joserfc_jws.serialize_compact(
        {"alg": "ES256"}, "{}", ECKey.import_key(private), algorithms=["ES256"]
    )
    jwk = pem_public_jwk(pem(private.public_key()))
    assert signature_check(decode_compact(token), jwk).outcome is Outcome.PASS
    other = pem_public_jwk(pem(ec.generate_private_key(ec.SECP256R1()).public_key()))
    assert signature_check(decode_compact(token), other).outcome is Outcome.FAIL
    assert private.sign(b"x", ec.ECDSA(hashes.SHA256()))  # the key is a real signing key


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
        "x" * 20_000,
        pem(ec.generate_private_key(ec.SECP521R1()).public_key()),
        pem(dsa.generate_private_key(key_size=2048).public_key()),
    ],
)
def test_unusable_pems(value: Any) -> None:
    with pytest.raises(InputError):
        pem_public_jwk(value)
