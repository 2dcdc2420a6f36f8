"""VC-JOSE / Open Badges VC-JWT: signing refusals and each way a check can fail or warn."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from microcred.core.dids import Resolver, VerificationMethod
from microcred.core.errors import DocumentError, ProofError
from microcred.core.jose import ob_claims, sign_jwt, sign_ob_jwt, verify_jwt
from microcred.core.jws import encode_compact
from microcred.core.keys import Ed25519KeyPair
from microcred.core.report import Check, Outcome, Problem
from tests.unit.core.test_jose import ISSUER_WEB, NOW, by_name, credential, segments

VC1 = "https://www.w3.org/2018/credentials/v1"


def verify(header: dict[str, Any], body: dict[str, Any], key: Ed25519KeyPair) -> dict[str, Check]:
    token = encode_compact(header, body, key.sign)
    result, checks = verify_jwt(token, resolver=Resolver(), now=NOW)
    assert result is not None
    return by_name(checks)


def expect(check: Check, outcome: Outcome, *words: str, problem: str | None = None) -> None:
    assert check.outcome is outcome, check
    for word in words:
        assert word in check.message, check.message
    if problem is not None:
        assert check.problem == problem


def without(document: dict[str, Any], *members: str) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in members}


# ------------------------------------------------------------------ signing refusals


def test_sign_jwt_refuses_a_typ_it_does_not_make() -> None:
    key = Ed25519KeyPair.generate()
    with pytest.raises(ProofError, match="typ must be 'vc\\+jwt' or 'vp\\+jwt', not 'JWT'"):
        sign_jwt(credential(key.controller), key, typ="JWT")


def test_sign_jwt_refuses_a_credential_without_issuer() -> None:
    key = Ed25519KeyPair.generate()
    with pytest.raises(DocumentError, match="names no issuer"):
        sign_jwt(without(credential(key.controller), "issuer"), key)


def test_sign_ob_jwt_needs_the_issuers_key() -> None:
    key = Ed25519KeyPair.generate()
    with pytest.raises(DocumentError, match="names no issuer"):
        sign_ob_jwt({**credential(key.controller), "issuer": {"name": "No id"}}, key)
    with pytest.raises(ProofError, match=f"not by the issuer {ISSUER_WEB}"):
        sign_ob_jwt(credential(ISSUER_WEB), key)


def test_ob_claims_refuses_what_cannot_become_claims() -> None:
    document = credential(ISSUER_WEB)
    with pytest.raises(DocumentError, match="no issuer \\(the iss claim\\)"):
        ob_claims(without(document, "issuer"))
    with pytest.raises(DocumentError, match="validUntil is not a valid date"):
        ob_claims({**document, "validUntil": "next year"})


def test_ob_claims_leave_out_jti_and_sub_when_they_are_not_one_value() -> None:
    document = {
        **without(credential(ISSUER_WEB), "id"),
        "credentialSubject": [{"id": "did:example:alice"}, {"id": "did:example:bob"}],
        "validFrom": "2025-01-01T00:00:00Z",
    }
    assert ob_claims(document) == {
        "iss": ISSUER_WEB,
        "nbf": int(datetime(2025, 1, 1, tzinfo=UTC).timestamp()),
    }


def test_ob_claims_of_a_vc_1_1_credential() -> None:
    document = {
        **without(credential(ISSUER_WEB), "validFrom"),
        "issuanceDate": "2025-01-01T00:00:00",  # VC 1.1 allows a date without a time zone
        "expirationDate": "2030-01-01T00:00:00Z",
    }
    claims = ob_claims(document)
    assert claims["nbf"] == int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())
    assert claims["exp"] == int(datetime(2030, 1, 1, tzinfo=UTC).timestamp())


# ------------------------------------------------------------------ parse


@pytest.mark.parametrize(
    ("typ", "profile"),
    [(None, "JWT"), ("application/vc+ld+json+jwt", "VC-JOSE"), ("VP+JWT", "VC-JOSE")],
)
def test_the_typ_chooses_the_profile(typ: str | None, profile: str) -> None:
    key = Ed25519KeyPair.generate()
    header = {"alg": "EdDSA", "kid": key.id} | ({"typ": typ} if typ else {})
    document: dict[str, Any] = credential(key.controller)
    if typ == "VP+JWT":
        document = {"@context": document["@context"], "type": "VerifiablePresentation"}
    found = verify(header, document, key)
    expect(found["parse"], Outcome.PASS, f"a well-formed {profile} compact JWS")


def test_a_typ_that_is_not_a_string_fails_parsing() -> None:
    key = Ed25519KeyPair.generate()
    token = encode_compact({"alg": "EdDSA", "typ": ["JWT"]}, credential(key.controller), key.sign)
    result, checks = verify_jwt(token, resolver=Resolver(), now=NOW)
    assert result is None
    assert [c.name for c in checks] == ["parse"]
    expect(
        checks[0], Outcome.FAIL, "The JWS header's typ is not a string.", problem="PARSING_ERROR"
    )


# ------------------------------------------------------------------ issuer and key


@pytest.mark.parametrize(
    ("key_members", "words"),
    [
        ({"kid": 7}, "kid is not a string"),
        ({"jwk": "z6Mk"}, "jwk is not a JSON object"),
        ({}, "names no key: it has neither kid nor jwk"),
    ],
)
def test_a_header_without_a_usable_key_reference(key_members: dict[str, Any], words: str) -> None:
    key = Ed25519KeyPair.generate()
    header = {"alg": "EdDSA", "typ": "vc+jwt", **key_members}
    found = verify(header, credential(key.controller), key)
    expect(found["issuer"], Outcome.FAIL, words, problem=Problem.INVALID_VERIFICATION_METHOD)
    # The proof cannot be checked, and says why.
    expect(found["proof"], Outcome.FAIL, "without a key", words)


def test_kid_and_a_jwk_of_another_key() -> None:
    key, other = Ed25519KeyPair.generate(), Ed25519KeyPair.generate()
    header = {"alg": "EdDSA", "kid": key.id, "jwk": other.public_key.to_jwk(), "typ": "vc+jwt"}
    found = verify(header, credential(key.controller), key)
    expect(found["issuer"], Outcome.FAIL, "is not the key", key.id)
    expect(found["proof"], Outcome.PASS)  # the key the kid names did sign it


def test_kid_and_a_jwk_of_the_same_key_with_extra_members() -> None:
    # kid, alg and use do not make another key (RFC 7638 thumbprints ignore them).
    key = Ed25519KeyPair.generate()
    jwk = {**key.public_key.to_jwk(), "kid": key.id, "alg": "EdDSA", "use": "sig"}
    found = verify(
        {"alg": "EdDSA", "kid": key.id, "jwk": jwk, "typ": "vc+jwt"},
        credential(key.controller),
        key,
    )
    assert all(c.outcome is Outcome.PASS for c in found.values()), found


def test_embedded_jwk_with_extra_members_is_still_the_did_key_issuers() -> None:
    key = Ed25519KeyPair.generate()
    jwk = {**key.public_key.to_jwk(), "kid": key.id}
    document = credential(key.controller)
    found = verify(
        {"alg": "EdDSA", "jwk": jwk, "typ": "JWT"}, {**document, **ob_claims(document)}, key
    )
    expect(found["issuer"], Outcome.PASS, f"the issuer's {key.controller}")


def test_kid_for_a_credential_without_issuer() -> None:
    key = Ed25519KeyPair.generate()
    header = {"alg": "EdDSA", "kid": key.id, "typ": "vc+jwt"}
    found = verify(header, without(credential(key.controller), "issuer"), key)
    expect(found["issuer"], Outcome.FAIL, "names no issuer, so the key cannot be tied to it")


def test_key_read_from_the_url_convention_is_a_warning() -> None:
    issuer = "https://example.edu/issuers/565049"
    probe = Ed25519KeyPair.generate()
    key = Ed25519KeyPair.from_seed(
        probe.seed, controller=issuer, key_id=f"{issuer}#{probe.public_key.multibase}"
    )
    found = verify({"alg": "EdDSA", "kid": key.id, "typ": "vc+jwt"}, credential(issuer), key)
    expect(found["proof"], Outcome.PASS)
    expect(found["issuer"], Outcome.WARNING, "read from its URL", f"the issuer {issuer} authorises")


@pytest.mark.parametrize(
    ("issuer", "who"),
    [
        ("did:key:zNotAKey", "the issuer did:key:zNotAKey"),  # cannot be resolved
        ("another did:key", "the issuer did:key:z6Mk"),  # resolves, but to another key
        (None, "any issuer"),
    ],
)
def test_embedded_jwk_that_is_not_the_issuers_is_self_asserted(
    issuer: str | None, who: str
) -> None:
    signer, other = Ed25519KeyPair.generate(), Ed25519KeyPair.generate()
    document = credential(other.controller if issuer == "another did:key" else str(issuer))
    if issuer is None:
        document = without(document, "issuer")
    header = {"alg": "EdDSA", "jwk": signer.public_key.to_jwk(), "typ": "vc+jwt"}
    found = verify(header, document, signer)
    expect(found["proof"], Outcome.PASS)
    expect(found["issuer"], Outcome.WARNING, "self-asserted", f"nothing shows that {who}")


class KeylessResolver(Resolver):
    """A stand-in resolver (e.g. a caching one) whose method carries no key material."""

    def resolve(self, vm_id: str) -> VerificationMethod:
        return VerificationMethod(vm_id, "Multikey", ISSUER_WEB, None)


def test_a_resolved_method_without_a_key() -> None:
    key = Ed25519KeyPair.generate(controller=ISSUER_WEB, key_id=f"{ISSUER_WEB}#key-1")
    token = sign_jwt(credential(ISSUER_WEB), key)
    result, checks = verify_jwt(token, resolver=KeylessResolver(), now=NOW)
    found = by_name(checks)
    assert result is not None
    expect(found["issuer"], Outcome.FAIL, f"{ISSUER_WEB}#key-1 holds no usable public key")
    expect(found["proof"], Outcome.FAIL, "without a key", "no usable public key")


# ------------------------------------------------------------------ claims


def test_vc_typ_on_a_presentation() -> None:
    key = Ed25519KeyPair.generate()
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": key.controller,
    }
    found = verify({"alg": "EdDSA", "kid": key.id, "typ": "vc+jwt"}, presentation, key)
    expect(
        found["claims"],
        Outcome.FAIL,
        "The typ 'vc+jwt' announces a credential, but it is a presentation.",
        problem=Problem.MALFORMED_VALUE_ERROR,
    )


def test_jti_claim_must_be_the_id() -> None:
    key = Ed25519KeyPair.generate()
    document = credential(key.controller)
    body = {**document, **ob_claims(document), "jti": "urn:uuid:other"}
    found = verify({"alg": "EdDSA", "kid": key.id, "typ": "JWT"}, body, key)
    expect(
        found["claims"],
        Outcome.FAIL,
        "The jti claim 'urn:uuid:other' is not the document's id",
        document["id"],
    )


def test_missing_claims_are_only_those_the_credential_calls_for() -> None:
    key = Ed25519KeyPair.generate()
    document = {**without(credential(key.controller), "id"), "credentialSubject": {"name": "x"}}
    found = verify({"alg": "EdDSA", "kid": key.id, "typ": "JWT"}, document, key)
    expect(found["claims"], Outcome.WARNING, "lacks the iss, nbf claim(s)")


# ------------------------------------------------------------------ validity


@pytest.mark.parametrize(
    ("members", "problem", "words"),
    [
        ({"validFrom": "2026-02-01T00:00:00Z"}, Problem.RANGE_ERROR, "valid on 2026-02-01"),
        ({"validUntil": "2026-01-01T00:00:00Z"}, Problem.RANGE_ERROR, "credential expired on"),
        ({"validFrom": "tomorrow"}, Problem.MALFORMED_VALUE_ERROR, "validFrom is not a valid"),
        ({"validFrom": "2025-01-01T00:00:00"}, Problem.MALFORMED_VALUE_ERROR, "not a valid"),
        # Dates whose UTC time falls outside years 1..9999 (they used to raise OverflowError).
        (
            {"validFrom": "0001-01-01T00:00:00+01:00"},
            Problem.MALFORMED_VALUE_ERROR,
            "validFrom '0001-01-01T00:00:00+01:00' is out of range in UTC",
        ),
        (
            {"validUntil": "9999-12-31T23:59:59-01:00"},
            Problem.MALFORMED_VALUE_ERROR,
            "validUntil '9999-12-31T23:59:59-01:00' is out of range",
        ),
        (
            {"expirationDate": "0001-01-01T00:00:00+01:00"},
            Problem.MALFORMED_VALUE_ERROR,
            "expirationDate '0001-01-01T00:00:00+01:00' is out of range",
        ),
    ],
)
@pytest.mark.parametrize("typ", ["vc+jwt", "JWT"])
def test_credential_dates(members: dict[str, Any], problem: Problem, words: str, typ: str) -> None:
    key = Ed25519KeyPair.generate()
    found = verify(
        {"alg": "EdDSA", "kid": key.id, "typ": typ}, credential(key.controller, **members), key
    )
    expect(found["validity"], Outcome.FAIL, words, problem=problem)


@pytest.mark.parametrize(
    ("claims", "words"),
    [
        ({"nbf": "2025-01-01"}, "The nbf claim is not a NumericDate"),
        ({"exp": -1}, "The exp claim -1 is out of range."),
        ({"exp": 253_402_300_800}, "The exp claim 253402300800 is out of range."),
    ],
)
def test_malformed_claims_name_the_claim(claims: dict[str, Any], words: str) -> None:
    key = Ed25519KeyPair.generate()
    body = {**credential(key.controller), **claims}
    found = verify({"alg": "EdDSA", "kid": key.id, "typ": "vc+jwt"}, body, key)
    expect(found["validity"], Outcome.FAIL, words, problem=Problem.MALFORMED_VALUE_ERROR)


def test_vc_1_1_token_with_a_malformed_nbf_is_not_completed_from_it() -> None:
    key = Ed25519KeyPair.generate()
    wrapped = {"@context": [VC1], "type": ["VerifiableCredential"], "credentialSubject": {}}
    body = {"vc": wrapped, "iss": key.controller, "nbf": "yesterday"}
    token = encode_compact({"alg": "EdDSA", "kid": key.id, "typ": "JWT"}, body, key.sign)
    result, checks = verify_jwt(token, resolver=Resolver(), now=NOW)
    assert result == {**wrapped, "issuer": key.controller}  # no issuanceDate from a bad nbf
    expect(by_name(checks)["validity"], Outcome.FAIL, "nbf claim is not a NumericDate")


def test_validity_message_states_the_period() -> None:
    key = Ed25519KeyPair.generate()
    token = sign_jwt(credential(key.controller, validUntil="2030-01-01T00:00:00Z"), key)
    assert segments(token)[1]["validUntil"] == "2030-01-01T00:00:00Z"
    validity = by_name(verify_jwt(token, resolver=Resolver(), now=NOW)[1])["validity"]
    expect(
        validity,
        Outcome.PASS,
        "valid since 2025-01-01T00:00:00Z until 2030-01-01T00:00:00Z",
    )
