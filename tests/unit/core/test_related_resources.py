"""relatedResource digests (VC Data Model 2.0 section 5.3) through the Verifier.

The verifier digests the exact bytes its loader holds (a bundled context as shipped, or
what an allowed fetch returned): a mismatch or a malformed digest fails the
``relatedResource`` check, a resource it cannot retrieve is only a warning.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from microcred.core.documents.integrity import check_related_resources
from microcred.core.issue import issue, issue_jwt
from microcred.core.keys import Ed25519KeyPair
from microcred.core.loader import DocumentLoader
from microcred.core.multibase import encode_base58btc, encode_base64url
from microcred.core.report import Check, Outcome, Problem, VerificationReport
from microcred.core.verify import Verifier

NOW = datetime(2026, 6, 1, tzinfo=UTC)
V2 = "https://www.w3.org/ns/credentials/v2"
V2_BYTES = DocumentLoader().load_bytes(V2)
KEY = Ed25519KeyPair.generate()
#: What the W3C VC DM 2.0 suite sends (digests of the July 2024 w3.org v2 context).
SUITE_SRI = "sha384-NSOcNpmdIVUxIJGvGUoe22FjTWrXiaXlsZ8q6912LdnR3KraQO2n75Ica4wK4Qeg"
SUITE_WRONG_SRI = "sha384-_rCVIV7fSXXTNIvpiq26jRDyj8JG8TDjij-tD0ewLk4JpnXEz6a5AeeY_1qQ0d0P"
SUITE_WRONG_MULTIBASE = "uM4RgWQc3RUDtjJCSgTJtTfvpZ7SPEg_LNO0ESlovQC0"


def sri(algorithm: str, content: bytes = V2_BYTES) -> str:
    return f"{algorithm}-{base64.b64encode(hashlib.new(algorithm, content).digest()).decode()}"


def multihash(code: int, algorithm: str, content: bytes = V2_BYTES) -> bytes:
    digest = hashlib.new(algorithm, content).digest()
    return bytes([code, len(digest)]) + digest


SHA2_256 = encode_base64url(multihash(0x12, "sha256"))


def credential(related: Any) -> dict[str, Any]:
    return {
        "@context": [V2],
        "type": ["VerifiableCredential"],
        "issuer": KEY.controller,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": "Alice"},
        "relatedResource": related,
    }


def verify(related: Any, loader: DocumentLoader | None = None) -> VerificationReport:
    signed = issue(credential(related), key=KEY, now=NOW - timedelta(days=1))
    loader = loader or DocumentLoader(accept_ob_validator_context=True)
    verifier = Verifier(loader=loader, now=lambda: NOW)
    return verifier.verify_credential(signed)


def named(report: VerificationReport, name: str) -> Check:
    check = report.get(name)
    assert check is not None, report.to_json()
    return check


def related_check(report: VerificationReport) -> Check:
    return named(report, "relatedResource")


@pytest.mark.parametrize(
    ("digests", "names"),
    [
        ({"digestSRI": sri("sha384")}, "sha384"),
        ({"digestSRI": sri("sha256")}, "sha256"),
        ({"digestSRI": sri("sha512").replace("+", "-").replace("/", "_")}, "sha512"),
        ({"digestSRI": f"  {sri('sha384')}?ct=application/ld+json  "}, "sha384"),
        ({"digestMultibase": SHA2_256}, "sha2-256"),
        ({"digestMultibase": encode_base58btc(multihash(0x20, "sha384"))}, "sha2-384"),
        ({"digestMultibase": [SHA2_256, encode_base64url(multihash(0x15, "sha3_384"))]}, ""),
        ({"digestSRI": sri("sha384"), "digestMultibase": SHA2_256, "mediaType": "a/b"}, ""),
    ],
)
def test_correct_digests_of_the_bundled_v2_context_pass(
    digests: dict[str, Any], names: str
) -> None:
    report = verify({"id": V2, **digests})
    assert report.verified, report.to_json()
    check = related_check(report)
    assert check.outcome is Outcome.PASS
    assert f"{V2} (" in check.message and names in check.message


def test_the_vc_data_model_example_digest_of_the_examples_context_passes() -> None:
    # VC Data Model 2.0 (REC), example 26: a sha2-256 Multihash of what w3.org serves.
    examples = "https://www.w3.org/ns/credentials/examples/v2"
    given = "uEiBXOT-8adbvubm13Jy2uYgLCUQ2Cr_i6vRZyeWM8iedfA"
    report = verify({"id": examples, "digestMultibase": given})
    assert related_check(report).outcome is Outcome.PASS, report.to_json()


#: sha384 of the bytes https://www.w3.org/ns/credentials/v2 serves (w3c/vc-data-model
#: 08b83e46): the same JSON as the bundled file, other bytes.
SERVED_V2_SHA384 = bytes.fromhex(
    "97f1eb8e5042356c805fdd61afa2c557663785e0794dcafa21e138fd38def18c"
    "b360133c221aa31d6896a6bf3e65b614"
)


@pytest.mark.parametrize(
    "digests",
    [
        {"digestSRI": "sha384-" + base64.b64encode(SERVED_V2_SHA384).decode()},
        {"digestMultibase": encode_base58btc(bytes([0x20, 48]) + SERVED_V2_SHA384)},
    ],
)
def test_a_digest_of_what_w3_org_serves_for_v2_passes_too(digests: dict[str, Any]) -> None:
    assert hashlib.sha384(V2_BYTES).digest() != SERVED_V2_SHA384  # other bytes, same JSON
    report = verify({"id": V2, **digests})
    assert related_check(report).outcome is Outcome.PASS, report.to_json()
    assert DocumentLoader().served_digests(V2)["sha384"] == SERVED_V2_SHA384


def test_served_digests_are_only_for_bundled_contexts() -> None:
    loader = DocumentLoader(extra={V2: {"@context": {}}})
    assert loader.served_digests(V2) == {}
    assert DocumentLoader().served_digests("https://example.org/other") == {}


def test_sri_lets_the_strongest_algorithm_decide() -> None:
    wrong_sha256 = sri("sha256", b"another version")
    passing = verify({"id": V2, "digestSRI": f"{wrong_sha256} {sri('sha384')}"})
    assert passing.verified, passing.to_json()
    another = sri("sha384", b"another version")
    either = verify({"id": V2, "digestSRI": f"{another} {sri('sha384')}"})
    assert either.verified, either.to_json()
    failing = verify({"id": V2, "digestSRI": f"{sri('sha256')} {another}"})
    assert not failing.verified
    assert "its sha384 digest is" in related_check(failing).message


@pytest.mark.parametrize(
    ("digests", "words"),
    [
        ({"digestSRI": sri("sha384", b"tampered")}, "digestSRI does not match"),
        ({"digestSRI": SUITE_WRONG_SRI}, "its sha384 digest is"),
        ({"digestSRI": SUITE_SRI}, "as this verifier holds it"),
        ({"digestMultibase": encode_base64url(multihash(0x12, "sha256", b"x"))}, "sha2-256"),
        ({"digestMultibase": [SHA2_256, encode_base58btc(multihash(0x16, "sha3_256", b"x"))]}, ""),
        (
            {
                "digestSRI": sri("sha384"),
                "digestMultibase": encode_base64url(multihash(0x13, "sha512", b"x")),
            },
            "digestMultibase",
        ),
    ],
)
def test_a_wrong_digest_fails_the_verification(digests: dict[str, Any], words: str) -> None:
    report = verify({"id": V2, **digests})
    assert not report.verified
    check = related_check(report)
    assert check.outcome is Outcome.FAIL
    assert check.problem == Problem.CRYPTOGRAPHIC_SECURITY_ERROR
    assert f"does not match {V2}" in check.message and words in check.message
    assert named(report, "proof").outcome is Outcome.PASS


def test_a_wrong_digest_fails_a_vc_jose_credential_too() -> None:
    token = issue_jwt(credential({"id": V2, "digestSRI": SUITE_WRONG_SRI}), key=KEY)
    report = Verifier().verify_credential(token)
    assert not report.verified
    assert related_check(report).outcome is Outcome.FAIL


@pytest.mark.parametrize(
    ("digests", "words"),
    [
        ({"digestSRI": "md5-1B2M2Y8AsgTpgAmY7PhCfg=="}, "does not name sha256, sha384 or sha512"),
        ({"digestSRI": "sha-384-abc"}, "does not name sha256"),
        ({"digestSRI": "sha384-"}, "not base64"),
        ({"digestSRI": "sha384-abc*def"}, "not base64"),
        ({"digestSRI": "sha384-" + "A" * 65}, "not base64"),
        ({"digestSRI": "sha384-" + sri("sha256")[7:]}, "has 32 bytes instead of 48"),
        ({"digestSRI": "   "}, "SRI metadata such as sha384-<base64>"),
        ({"digestSRI": 42}, "not the number 42"),
        ({"digestSRI": f"{sri('sha384')} sha1-abc"}, "does not name"),
        ({"digestMultibase": "uJKGMkOmFbVJhEfKTduMC2XCyvRAYLjOVmZWwIH1wQ7k"}, "bare digest"),
        ({"digestMultibase": "m" + SHA2_256[1:]}, "unsupported multibase prefix"),
        ({"digestMultibase": SHA2_256 + "="}, "not base64url"),
        ({"digestMultibase": "u" + "A" * 45}, "value is not base64url"),
        ({"digestMultibase": "z0OIl"}, "not valid base58btc"),
        ({"digestMultibase": ""}, "non-empty string"),
        ({"digestMultibase": "uEiA"}, "not a Multihash"),
        ({"digestMultibase": encode_base64url(multihash(0x12, "sha256")[:-1])}, "does not have 32"),
        ({"digestMultibase": encode_base64url(b"\x12\x30" + bytes(48))}, "does not have 32"),
        ({"digestMultibase": []}, "empty list"),
        ({"digestMultibase": [SHA2_256, None]}, "a Multibase string, not null"),
    ],
)
def test_a_malformed_digest_fails(digests: dict[str, Any], words: str) -> None:
    report = verify({"id": V2, **digests})
    assert not report.verified
    check = related_check(report)
    assert check.outcome is Outcome.FAIL
    assert check.problem == Problem.MALFORMED_VALUE_ERROR
    assert "is malformed" in check.message and words in check.message, check.message


def test_a_malformed_digest_is_not_compared() -> None:
    report = verify({"id": V2, "digestSRI": "sha1-abc", "digestMultibase": "uEiA"})
    message = related_check(report).message
    assert "digestSRI is malformed" in message and "digestMultibase is malformed" in message
    assert "does not match" not in message


def test_a_resource_the_verifier_cannot_retrieve_is_a_warning() -> None:
    report = verify({"id": "https://example.org/terms", "digestSRI": sri("sha384")})
    assert report.verified, report.to_json()
    check = related_check(report)
    assert check.outcome is Outcome.WARNING and check.problem is None
    assert "the digest of https://example.org/terms was not checked" in check.message
    assert "not bundled and fetching is not enabled" in check.message


def test_a_document_given_as_parsed_json_has_no_bytes_to_digest() -> None:
    loader = DocumentLoader(accept_ob_validator_context=True, extra={V2: {"@context": {}}})
    result = check_related_resources(
        credential({"id": V2, "digestSRI": sri("sha384")}), loader.load_bytes
    )
    assert result.checked == []
    assert [i.severity for i in result.issues] == ["warning"]
    assert "given as parsed JSON" in result.issues[0].message


def test_an_allowed_fetch_is_digested_over_the_bytes_it_returned() -> None:
    image = b"\x89PNG\r\n\x1a\n not really an image"
    calls: list[str] = []

    def fetcher(url: str) -> bytes:
        calls.append(url)
        return image

    loader = DocumentLoader(
        fetcher=fetcher, allowed_hosts=["issuer.example"], accept_ob_validator_context=True
    )
    url = "https://issuer.example/badge.png"
    good = [{"id": url, "digestSRI": sri("sha384", image)}, {"id": V2, "digestSRI": sri("sha384")}]
    report = verify(good, loader)
    assert report.verified, report.to_json()
    assert f"{url} (sha384); {V2} (sha384)" in related_check(report).message
    bad = verify({"id": url, "digestMultibase": SHA2_256}, loader)
    assert f"does not match {url}" in related_check(bad).message
    assert calls == [url]


def test_entries_without_an_id_or_a_digest_are_left_to_the_schema_check() -> None:
    report = verify_unsigned(["https://example.org/x", {"id": V2}, {"digestSRI": "sha1-x"}])
    assert related_check(report).outcome is Outcome.SKIPPED
    assert named(report, "schema").outcome is Outcome.FAIL


def test_no_check_without_related_resources() -> None:
    document = credential(None)
    del document["relatedResource"]
    signed = issue(document, key=KEY, now=NOW - timedelta(days=1))
    report = Verifier(now=lambda: NOW).verify_credential(signed)
    assert report.verified and report.get("relatedResource") is None


def verify_unsigned(related: Any) -> VerificationReport:
    return Verifier(now=lambda: NOW).verify_credential(credential(related))
