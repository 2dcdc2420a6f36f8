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
    b64encode,
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


def test_same_key_ignores_members_that_do_not_define_the_key() -> None:
    key = Ed25519KeyPair.generate()
    jwk = key.public_key.to_jwk()
    labelled = {**jwk, "kid": key.id, "alg": "EdDSA", "use": "sig", "key_ops": ["verify"]}
    assert same_key(jwk, labelled)  # RFC 7638: only crv, kty and x make an OKP key
    rsa_key = RSAKey.import_key(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    rsa_jwk = rsa_key.as_dict(private=False)
    assert same_key({**rsa_jwk, "kid": "rsa-1"}, rsa_key.as_dict(private=True))
    assert not same_key(rsa_jwk, jwk)


@pytest.mark.parametrize(
    "jwk",
    [
        {},
        {"kty": "OKP"},
        {"kty": "OKP", "crv": "Ed25519"},
        {"kty": "oct", "k": "c2VjcmV0"},
        {"kty": ["OKP"]},
        {"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"},
    ],
)
def test_same_key_is_false_for_what_is_no_public_key(jwk: dict[str, Any]) -> None:
    # Two copies of an incomplete or unknown JWK do not hold "the same key": they hold none.
    assert not same_key(jwk, dict(jwk))


def test_header_longer_than_the_limit_is_refused() -> None:
    key = Ed25519KeyPair.generate()
    token = encode_compact({"alg": "EdDSA", "x": "a" * 12_000}, PAYLOAD, key.sign)
    with pytest.raises(InputError, match="header is longer than 16,000 characters"):
        decode_compact(token)


def test_signature_longer_than_the_limit_is_refused() -> None:
    token = encode_compact({"alg": "RS256"}, PAYLOAD, lambda data: b"\x01" * 2049)
    with pytest.raises(InputError, match="signature is longer than 2048 bytes"):
        decode_compact(token)
    # 2048 bytes (a 16384-bit RSA signature) is still read.
    assert (
        len(
            decode_compact(
                encode_compact({"alg": "RS256"}, PAYLOAD, lambda d: b"\x01" * 2048)
            ).signature
        )
        == 2048
    )


def test_rsa_keys_over_16384_bits_are_refused_before_import() -> None:
    modulus = b64encode(b"\x80" + b"\x00" * 2048)  # 16392 bits, not a real key
    jwk = {"kty": "RSA", "n": modulus, "e": "AQAB"}
    token = encode_compact({"alg": "RS256"}, PAYLOAD, lambda data: b"\x01" * 256)
    check = signature_check(decode_compact(token), jwk)
    assert check.outcome is Outcome.FAIL
    assert check.problem == Problem.INVALID_VERIFICATION_METHOD
    assert "16392 bits; at most 16384 are accepted" in check.message


def test_key_whose_key_ops_exclude_verify_does_not_verify() -> None:
    key = Ed25519KeyPair.generate()
    parsed = decode_compact(encode_compact({"alg": "EdDSA"}, PAYLOAD, key.sign))
    assert signature_check(parsed, key.public_key.to_jwk()).outcome is Outcome.PASS
    for key_ops in (["sign"], ["encrypt", "decrypt"]):
        check = signature_check(parsed, {**key.public_key.to_jwk(), "key_ops": key_ops})
        assert check.outcome is Outcome.FAIL
        assert check.problem == Problem.PROOF_VERIFICATION_ERROR
        assert "does not match" in check.message
