from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from joserfc import jws as joserfc_jws
from joserfc.jwk import ECKey, OctKey, RSAKey

from microcred.core.dids import Resolver
from microcred.core.errors import DocumentError, ProofError
from microcred.core.jose import looks_like_jwt, ob_claims, sign_jwt, sign_ob_jwt, verify_jwt
from microcred.core.jws import encode_compact
from microcred.core.keys import Ed25519KeyPair
from microcred.core.report import Check, Outcome, Problem

ISSUER_WEB = "did:web:issuer.example"
NOW = datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)


def credential(issuer: str, **extra: Any) -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example University"},
        "validFrom": "2025-01-01T00:00:00Z",
        "name": "Teamwork Badge",
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "type": ["AchievementSubject"],
            "achievement": {"id": "https://example.edu/achievements/1", "type": ["Achievement"]},
        },
        **extra,
    }


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {check.name: check for check in checks}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def segments(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    head, body, _ = token.split(".")
    return unb64(head), unb64(body)


def did_web_document(methods: list[dict[str, Any]], *, assertion: bool = True) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": ISSUER_WEB,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods] if assertion else [],
    }


def json_web_key(fragment: str, jwk: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"{ISSUER_WEB}#{fragment}",
        "type": "JsonWebKey",
        "controller": ISSUER_WEB,
        "publicKeyJwk": jwk,
    }


def dict_fetcher(documents: dict[str, dict[str, Any]]) -> Callable[[str], bytes]:
    def fetch(url: str) -> bytes:
        return json.dumps(documents[url]).encode()

    return fetch


def web_resolver(methods: list[dict[str, Any]], *, assertion: bool = True) -> Resolver:
    document = did_web_document(methods, assertion=assertion)
    fetch = dict_fetcher({"https://issuer.example/.well-known/did.json": document})
    return Resolver(fetcher=fetch, allowed_hosts=["issuer.example"])


# ------------------------------------------------------------------ EdDSA round trips


def test_vc_jose_round_trip() -> None:
    key = Ed25519KeyPair.generate()
    document = credential(key.controller)
    token = sign_jwt(document, key)
    header, payload = segments(token)
    assert header == {"alg": "EdDSA", "kid": key.id, "typ": "vc+jwt", "cty": "vc"}
    assert payload == document
    result, checks = verify_jwt(token, resolver=Resolver(), now=NOW)
    assert result == document
    assert [c.name for c in checks] == ["parse", "proof", "issuer", "claims", "validity"]
    assert all(c.outcome is Outcome.PASS for c in checks), checks


def test_open_badges_vc_jwt_round_trip() -> None:
    key = Ed25519KeyPair.generate()
    document = credential(key.controller, validUntil="2030-01-01T00:00:00Z")
    token = sign_ob_jwt(document, key)
    header, payload = segments(token)
    assert header == {"alg": "EdDSA", "typ": "JWT", "kid": key.id}
    assert payload["iss"] == key.controller
    assert payload["jti"] == document["id"]
    assert payload["sub"] == document["credentialSubject"]["id"]
    assert payload["nbf"] == int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())
    assert payload["exp"] == int(datetime(2030, 1, 1, tzinfo=UTC).timestamp())
    assert payload["name"] == "Teamwork Badge"  # the credential's members sit at the top level
    result, checks = verify_jwt(token, resolver=Resolver(), now=NOW)
    assert result == document  # the JWT claims are not part of the returned credential
    assert all(c.outcome is Outcome.PASS for c in checks), checks


def test_open_badges_vc_jwt_in_the_vc_1_1_style() -> None:
    key = Ed25519KeyPair.generate()
    document = credential(key.controller)
    token = sign_ob_jwt(document, key, vc_claim=True)
    assert segments(token)[1]["vc"] == document
    result, checks = verify_jwt(token, resolver=Resolver(), now=NOW)
    assert result == document
    assert all(c.outcome is Outcome.PASS for c in checks), checks


def test_embedded_jwk_of_a_did_key_issuer_is_tied_to_it() -> None:
    key = Ed25519KeyPair.generate()
    token = sign_ob_jwt(credential(key.controller), key, include_kid=False, embed_jwk=True)
    assert segments(token)[0]["jwk"] == key.public_key.to_jwk()
    _, checks = verify_jwt(token, resolver=Resolver(), now=NOW)
    assert all(c.outcome is Outcome.PASS for c in checks), checks


def test_embedded_jwk_of_another_issuer_is_only_self_asserted() -> None:
    key = Ed25519KeyPair.generate(controller="https://example.edu/issuers/565049")
    token = sign_ob_jwt(credential(key.controller), key, include_kid=False, embed_jwk=True)
    _, checks = verify_jwt(token, resolver=Resolver(), now=NOW)
    found = by_name(checks)
    assert found["proof"].outcome is Outcome.PASS
    assert found["issuer"].outcome is Outcome.WARNING
    assert "self-asserted" in found["issuer"].message


def test_presentation_round_trip() -> None:
    key = Ed25519KeyPair.generate()
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": key.controller,
    }
    token = sign_jwt(presentation, key, typ="vp+jwt")
    assert segments(token)[0]["cty"] == "vp"
    result, checks = verify_jwt(token, resolver=Resolver(), now=NOW)
    assert result == presentation
    assert all(c.outcome is Outcome.PASS for c in checks), checks


# ------------------------------------------------------------------ RSA and ECDSA keys


def test_rs256_token_from_a_did_web_json_web_key() -> None:
    private = RSAKey.import_key(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    resolver = web_resolver([json_web_key("rsa", private.as_dict(private=False))])
    header = {"alg": "RS256", "kid": f"{ISSUER_WEB}#rsa", "typ": "vc+jwt"}
    payload = json.dumps(credential(ISSUER_WEB))
    token = joserfc_jws.serialize_compact(header, payload, private, algorithms=["RS256"])
    result, checks = verify_jwt(token, resolver=resolver, now=NOW)
    assert result is not None and result["issuer"]["id"] == ISSUER_WEB
    assert all(c.outcome is Outcome.PASS for c in checks), checks
    assert "RS256" in by_name(checks)["proof"].message


def test_es256_token_from_a_did_web_json_web_key() -> None:
    private = ECKey.import_key(ec.generate_private_key(ec.SECP256R1()))
    methods = [json_web_key("ec", private.as_dict(private=False))]
    resolver = Resolver(documents={ISSUER_WEB: did_web_document(methods)})
    header = {"alg": "ES256", "kid": f"{ISSUER_WEB}#ec", "typ": "JWT"}
    body = {**credential(ISSUER_WEB), **ob_claims(credential(ISSUER_WEB))}
    token = joserfc_jws.serialize_compact(header, json.dumps(body), private, algorithms=["ES256"])
    _, checks = verify_jwt(token, resolver=resolver, now=NOW)
    assert all(c.outcome is Outcome.PASS for c in checks), checks


def test_es256_refuses_a_p384_key() -> None:
    private = ec.generate_private_key(ec.SECP384R1())
    methods = [json_web_key("ec", ECKey.import_key(private).as_dict(private=False))]
    resolver = Resolver(documents={ISSUER_WEB: did_web_document(methods)})
    header = {"alg": "ES256", "kid": f"{ISSUER_WEB}#ec", "typ": "vc+jwt"}
    token = encode_compact(
        header, credential(ISSUER_WEB), lambda data: private.sign(data, ec.ECDSA(hashes.SHA256()))
    )
    proof = by_name(verify_jwt(token, resolver=resolver, now=NOW)[1])["proof"]
    assert proof.outcome is Outcome.FAIL
    assert proof.problem == Problem.INVALID_VERIFICATION_METHOD
    assert "P-256" in proof.message


def test_rsa_keys_under_2048_bits_are_refused() -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    numbers = private.public_key().public_numbers()
    jwk = {"kty": "RSA", "n": b64(numbers.n.to_bytes(128, "big")), "e": b64(b"\x01\x00\x01")}
    methods = [json_web_key("rsa", jwk)]
    resolver = Resolver(documents={ISSUER_WEB: did_web_document(methods)})
    header = {"alg": "RS256", "kid": f"{ISSUER_WEB}#rsa", "typ": "vc+jwt"}
    token = encode_compact(
        header,
        credential(ISSUER_WEB),
        lambda data: private.sign(data, padding.PKCS1v15(), hashes.SHA256()),
    )
    proof = by_name(verify_jwt(token, resolver=resolver, now=NOW)[1])["proof"]
    assert proof.outcome is Outcome.FAIL
    assert proof.problem == Problem.CRYPTOGRAPHIC_SECURITY_ERROR
    assert "1024 bits" in proof.message


def test_method_not_listed_for_assertion_is_refused() -> None:
    private = RSAKey.import_key(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    resolver = web_resolver([json_web_key("rsa", private.as_dict(private=False))], assertion=False)
    header = {"alg": "RS256", "kid": f"{ISSUER_WEB}#rsa", "typ": "vc+jwt"}
    payload = json.dumps(credential(ISSUER_WEB))
    token = joserfc_jws.serialize_compact(header, payload, private, algorithms=["RS256"])
    issuer = by_name(verify_jwt(token, resolver=resolver, now=NOW)[1])["issuer"]
    assert issuer.outcome is Outcome.FAIL
    assert issuer.problem == Problem.INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD


# ------------------------------------------------------------------ forged and refused tokens


def test_tampered_payload_fails_the_proof() -> None:
    key = Ed25519KeyPair.generate()
    token = sign_jwt(credential(key.controller), key)
    head, _, signature = token.split(".")
    forged = credential(key.controller, name="Forged Badge")
    tampered = f"{head}.{b64(json.dumps(forged).encode())}.{signature}"
    result, checks = verify_jwt(tampered, resolver=Resolver(), now=NOW)
    assert result is not None and result["name"] == "Forged Badge"
    proof = by_name(checks)["proof"]
    assert proof.outcome is Outcome.FAIL
    assert proof.problem == Problem.PROOF_VERIFICATION_ERROR


def test_signature_by_another_key_fails_the_proof() -> None:
    named, other = Ed25519KeyPair.generate(), Ed25519KeyPair.generate()
    impostor = Ed25519KeyPair.from_seed(other.seed, controller=named.controller, key_id=named.id)
    token = sign_jwt(credential(named.controller), impostor)
    found = by_name(verify_jwt(token, resolver=Resolver(), now=NOW)[1])
    assert found["proof"].outcome is Outcome.FAIL
    assert found["issuer"].outcome is Outcome.PASS


def test_alg_none_is_refused() -> None:
    key = Ed25519KeyPair.generate()
    header = {"alg": "none", "kid": key.id, "typ": "vc+jwt"}
    token = encode_compact(header, credential(key.controller), lambda data: b"")
    proof = by_name(verify_jwt(token, resolver=Resolver(), now=NOW)[1])["proof"]
    assert proof.outcome is Outcome.FAIL
    assert proof.problem == Problem.CRYPTOGRAPHIC_SECURITY_ERROR
    assert "unsigned" in proof.message


def test_hs256_is_refused() -> None:
    key = Ed25519KeyPair.generate()
    secret = OctKey.generate_key(256)
    header = {"alg": "HS256", "kid": key.id, "typ": "vc+jwt"}
    payload = json.dumps(credential(key.controller))
    token = joserfc_jws.serialize_compact(header, payload, secret, algorithms=["HS256"])
    proof = by_name(verify_jwt(token, resolver=Resolver(), now=NOW)[1])["proof"]
    assert proof.outcome is Outcome.FAIL
    assert proof.problem == Problem.CRYPTOGRAPHIC_SECURITY_ERROR
    assert "shared-secret" in proof.message


def test_critical_header_is_refused() -> None:
    key = Ed25519KeyPair.generate()
    header = {"alg": "EdDSA", "kid": key.id, "typ": "vc+jwt", "crit": ["b64"], "b64": False}
    token = encode_compact(header, credential(key.controller), key.sign)
    proof = by_name(verify_jwt(token, resolver=Resolver(), now=NOW)[1])["proof"]
    assert proof.outcome is Outcome.FAIL
    assert "critical" in proof.message


def test_key_not_controlled_by_the_issuer() -> None:
    key = Ed25519KeyPair.generate()
    header = {"alg": "EdDSA", "kid": key.id, "typ": "vc+jwt"}
    token = encode_compact(header, credential(ISSUER_WEB), key.sign)
    found = by_name(verify_jwt(token, resolver=Resolver(), now=NOW)[1])
    assert found["proof"].outcome is Outcome.PASS
    assert found["issuer"].outcome is Outcome.FAIL
    assert found["issuer"].problem == Problem.INVALID_VERIFICATION_METHOD
    assert key.controller in found["issuer"].message


def test_signing_refuses_a_key_that_is_not_the_issuers() -> None:
    with pytest.raises(ProofError, match="controlled by"):
        sign_jwt(credential(ISSUER_WEB), Ed25519KeyPair.generate())


def test_iss_claim_must_match_the_issuer() -> None:
    key = Ed25519KeyPair.generate()
    body = {**credential(key.controller), **ob_claims(credential(key.controller))}
    body["iss"] = "did:example:someone-else"
    token = encode_compact({"alg": "EdDSA", "kid": key.id, "typ": "JWT"}, body, key.sign)
    issuer = by_name(verify_jwt(token, resolver=Resolver(), now=NOW)[1])["issuer"]
    assert issuer.outcome is Outcome.FAIL
    assert "iss" in issuer.message


def test_unresolvable_kid_fails_issuer_and_proof() -> None:
    key = Ed25519KeyPair.generate(controller=ISSUER_WEB, key_id=f"{ISSUER_WEB}#key-1")
    token = sign_jwt(credential(ISSUER_WEB), key)
    found = by_name(verify_jwt(token, resolver=Resolver(), now=NOW)[1])
    assert found["issuer"].outcome is Outcome.FAIL
    assert found["proof"].outcome is Outcome.FAIL
    assert found["proof"].problem == Problem.INVALID_VERIFICATION_METHOD


def test_private_key_in_the_jwk_header_fails_the_issuer_check() -> None:
    key = Ed25519KeyPair.generate()
    header = {"alg": "EdDSA", "typ": "JWT", "jwk": key.to_private_jwk()}
    body = {**credential(key.controller), **ob_claims(credential(key.controller))}
    token = encode_compact(header, body, key.sign)
    issuer = by_name(verify_jwt(token, resolver=Resolver(), now=NOW)[1])["issuer"]
    assert issuer.outcome is Outcome.FAIL
    assert "private key" in issuer.message


# ------------------------------------------------------------------ claims and validity


def test_vc_claim_in_a_vc_jwt_token_is_refused() -> None:
    key = Ed25519KeyPair.generate()
    body = {**credential(key.controller), "vc": {"smuggled": True}}
    token = encode_compact({"alg": "EdDSA", "kid": key.id, "typ": "vc+jwt"}, body, key.sign)
    claims = by_name(verify_jwt(token, resolver=Resolver(), now=NOW)[1])["claims"]
    assert claims.outcome is Outcome.FAIL
    assert claims.problem == Problem.MALFORMED_VALUE_ERROR


def test_sub_claim_must_be_the_subject() -> None:
    key = Ed25519KeyPair.generate()
    body = {**credential(key.controller), **ob_claims(credential(key.controller))}
    body["sub"] = "did:example:not-the-subject"
    token = encode_compact({"alg": "EdDSA", "kid": key.id, "typ": "JWT"}, body, key.sign)
    claims = by_name(verify_jwt(token, resolver=Resolver(), now=NOW)[1])["claims"]
    assert claims.outcome is Outcome.FAIL
    assert "sub" in claims.message


def test_missing_open_badges_claims_are_reported() -> None:
    key = Ed25519KeyPair.generate()
    header = {"alg": "EdDSA", "kid": key.id, "typ": "JWT"}
    token = encode_compact(header, credential(key.controller), key.sign)
    claims = by_name(verify_jwt(token, resolver=Resolver(), now=NOW)[1])["claims"]
    assert claims.outcome is Outcome.WARNING
    assert "iss, nbf, jti, sub" in claims.message


def test_expired_credential() -> None:
    key = Ed25519KeyPair.generate()
    token = sign_ob_jwt(credential(key.controller, validUntil="2025-06-01T00:00:00Z"), key)
    validity = by_name(verify_jwt(token, resolver=Resolver(), now=NOW)[1])["validity"]
    assert validity.outcome is Outcome.FAIL
    assert validity.problem == Problem.RANGE_ERROR
    assert "expired" in validity.message


@pytest.mark.parametrize(("seconds_ago", "outcome"), [(30, Outcome.PASS), (61, Outcome.FAIL)])
def test_token_exp_has_a_minute_of_leeway(seconds_ago: int, outcome: Outcome) -> None:
    key = Ed25519KeyPair.generate()
    body = {
        **credential(key.controller),
        "exp": int((NOW - timedelta(seconds=seconds_ago)).timestamp()),
    }
    token = encode_compact({"alg": "EdDSA", "kid": key.id, "typ": "vc+jwt"}, body, key.sign)
    assert (
        by_name(verify_jwt(token, resolver=Resolver(), now=NOW)[1])["validity"].outcome is outcome
    )


def test_token_not_valid_yet() -> None:
    key = Ed25519KeyPair.generate()
    body = {**credential(key.controller), "nbf": int((NOW + timedelta(days=1)).timestamp())}
    token = encode_compact({"alg": "EdDSA", "kid": key.id, "typ": "vc+jwt"}, body, key.sign)
    validity = by_name(verify_jwt(token, resolver=Resolver(), now=NOW)[1])["validity"]
    assert validity.outcome is Outcome.FAIL
    assert "not valid before" in validity.message


def test_open_badges_nbf_must_equal_valid_from() -> None:
    key = Ed25519KeyPair.generate()
    body = {**credential(key.controller), **ob_claims(credential(key.controller))}
    body["nbf"] -= 3600
    token = encode_compact({"alg": "EdDSA", "kid": key.id, "typ": "JWT"}, body, key.sign)
    validity = by_name(verify_jwt(token, resolver=Resolver(), now=NOW)[1])["validity"]
    assert validity.outcome is Outcome.FAIL
    assert "validFrom" in validity.message


@pytest.mark.parametrize("value", ["tomorrow", True, 1e300])
def test_malformed_numeric_date(value: Any) -> None:
    key = Ed25519KeyPair.generate()
    body = {**credential(key.controller), "exp": value}
    token = encode_compact({"alg": "EdDSA", "kid": key.id, "typ": "vc+jwt"}, body, key.sign)
    validity = by_name(verify_jwt(token, resolver=Resolver(), now=NOW)[1])["validity"]
    assert validity.outcome is Outcome.FAIL
    assert validity.problem == Problem.MALFORMED_VALUE_ERROR


# ------------------------------------------------------------------ malformed input


def _header(value: Any) -> str:
    return b64(json.dumps(value).encode())


GOOD_HEADER = _header({"alg": "EdDSA", "typ": "vc+jwt"})
GOOD_BODY = _header({"a": 1})


@pytest.mark.parametrize(
    ("token", "words"),
    [
        ("eyJhbGciOiJFZERTQSJ9", "three parts"),
        ("a.b.c.d.e", "JWE"),
        (f"{GOOD_HEADER}.{GOOD_BODY}", "three parts"),
        (f"ey$$.{GOOD_BODY}.c2ln", "base64url"),
        (f"{GOOD_HEADER}.{GOOD_BODY}=.c2ln", "base64url"),
        (f"{b64(b'not json')}.{GOOD_BODY}.c2ln", "not valid JSON"),
        (f"{GOOD_HEADER}.{_header([1, 2])}.c2ln", "not a JSON object"),
        (f"{_header({'typ': 'vc+jwt'})}.{GOOD_BODY}.c2ln", "no alg"),
        (f"{_header({'alg': 'EdDSA', 'typ': 'dpop+jwt'})}.{GOOD_BODY}.c2ln", "typ"),
        (f"{GOOD_HEADER}.{b64(b'{' * 100_000)}.c2ln", "nested"),
        (f"{GOOD_HEADER}.{'A' * 1_100_000}.c2ln", "limit"),
    ],
)
def test_malformed_tokens_fail_parsing(token: str, words: str) -> None:
    result, checks = verify_jwt(token, resolver=Resolver(), now=NOW)
    assert result is None
    assert [c.name for c in checks] == ["parse"]
    assert checks[0].outcome is Outcome.FAIL
    assert checks[0].problem == Problem.PARSING_ERROR
    assert words in checks[0].message


def test_signing_refuses_bad_input() -> None:
    key = Ed25519KeyPair.generate()
    with pytest.raises(DocumentError):
        sign_jwt({**credential(key.controller), "vc": {}}, key)
    with pytest.raises(DocumentError):
        sign_jwt(credential(key.controller), key, typ="vp+jwt")
    with pytest.raises(DocumentError):
        sign_jwt({**credential(key.controller), "n": float("nan")}, key)
    with pytest.raises(ProofError):
        sign_ob_jwt(credential(key.controller), key, include_kid=False)
    with pytest.raises(DocumentError, match="validFrom"):
        ob_claims({**credential(key.controller), "validFrom": "yesterday"})


def test_looks_like_jwt() -> None:
    key = Ed25519KeyPair.generate()
    assert looks_like_jwt(sign_jwt(credential(key.controller), key))
    assert looks_like_jwt("  " + sign_ob_jwt(credential(key.controller), key) + "\n")
    assert not looks_like_jwt(json.dumps(credential(key.controller)))
    assert not looks_like_jwt("https://example.org/assertions/1.json")
    assert not looks_like_jwt("abc.def.ghi")


def test_presentation_without_a_holder_is_a_warning() -> None:
    key = Ed25519KeyPair.generate()
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
    }
    found = by_name(
        verify_jwt(sign_jwt(presentation, key, typ="vp+jwt"), resolver=Resolver(), now=NOW)[1]
    )
    assert found["proof"].outcome is Outcome.PASS
    assert found["issuer"].outcome is Outcome.WARNING


def test_typ_must_fit_the_document() -> None:
    key = Ed25519KeyPair.generate()
    header = {"alg": "EdDSA", "kid": key.id, "typ": "vp+jwt"}
    token = encode_compact(header, credential(key.controller), key.sign)
    claims = by_name(verify_jwt(token, resolver=Resolver(), now=NOW)[1])["claims"]
    assert claims.outcome is Outcome.FAIL
    assert "presentation" in claims.message


def test_vc_1_1_jwt_is_completed_from_its_claims() -> None:
    key = Ed25519KeyPair.generate()
    nbf = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())
    wrapped: dict[str, Any] = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"degree": {"type": "BachelorDegree"}},
    }
    body = {
        "vc": wrapped,
        "iss": key.controller,
        "sub": "did:example:alice",
        "jti": "urn:uuid:1",
        "nbf": nbf,
    }
    token = encode_compact({"alg": "EdDSA", "kid": key.id, "typ": "JWT"}, body, key.sign)
    result, checks = verify_jwt(token, resolver=Resolver(), now=NOW)
    assert result == {
        **wrapped,
        "issuer": key.controller,
        "id": "urn:uuid:1",
        "credentialSubject": {"degree": {"type": "BachelorDegree"}, "id": "did:example:alice"},
        "issuanceDate": "2025-01-01T00:00:00Z",
    }
    assert all(c.outcome is Outcome.PASS for c in checks), checks
