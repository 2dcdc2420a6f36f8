"""Verification end to end: the happy path and every way a credential must be refused.

Each negative case ends in ``verified: false`` with the named check failing and a clear
sentence, never an exception.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from microcred.core.baking import bake_png, bake_svg
from microcred.core.dids import Resolver
from microcred.core.inputs import verify_input
from microcred.core.issue import issue, issue_jwt
from microcred.core.keys import Ed25519KeyPair
from microcred.core.loader import DocumentLoader
from microcred.core.proofs import add_proof
from microcred.core.report import Outcome, VerificationReport
from microcred.core.status_list import (
    Bitstring,
    BitstringStatusChecker,
    build_status_list_credential,
    build_status_list_entry,
)
from microcred.core.verify import Verifier, verify_credential
from tests.unit.core.pngs import tiny_png

NOW = datetime(2026, 6, 1, tzinfo=UTC)
LISTS = "https://issuer.example/status"


class Issuer:
    """A did:key issuer with a revocation and a suspension list served from memory."""

    def __init__(self) -> None:
        self.key = Ed25519KeyPair.generate()
        self.revoked = Bitstring()
        self.suspended = Bitstring()
        self.lists: dict[str, dict[str, Any]] = {}
        self.publish()

    def publish(self) -> None:
        for purpose, bits in (("revocation", self.revoked), ("suspension", self.suspended)):
            url = f"{LISTS}/{purpose}"
            unsigned = build_status_list_credential(
                list_id=url,
                issuer=self.key.controller,
                status_purpose=purpose,
                bitstring=bits,
                valid_from=NOW - timedelta(days=30),
            )
            self.lists[url] = issue(unsigned, key=self.key, now=NOW - timedelta(days=1))

    def credential(self, **changes: Any) -> dict[str, Any]:
        document: dict[str, Any] = {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            ],
            "id": "urn:uuid:0b5d8e6c-59f6-4f0b-8c5d-0c6a0a6a0a01",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": "First Aid",
            "issuer": {"id": self.key.controller, "type": ["Profile"], "name": "Red Cross Demo"},
            "validFrom": "2026-01-01T00:00:00Z",
            "validUntil": "2027-01-01T00:00:00Z",
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "id": "did:example:learner-1",
                "achievement": {
                    "id": "https://issuer.example/achievements/first-aid",
                    "type": ["Achievement"],
                    "name": "First Aid",
                    "description": "Provides first aid.",
                    "criteria": {"narrative": "Passed the practical assessment."},
                },
            },
            "credentialStatus": [
                build_status_list_entry(
                    list_id=f"{LISTS}/revocation", index=42, status_purpose="revocation"
                ),
                build_status_list_entry(
                    list_id=f"{LISTS}/suspension", index=42, status_purpose="suspension"
                ),
            ],
        }
        document.update(changes)
        return issue(document, key=self.key, now=NOW - timedelta(days=1))

    def verifier(self, **changes: Any) -> Verifier:
        base = Verifier(now=lambda: NOW)

        def fetch(url: str) -> Mapping[str, Any]:
            return self.lists[url]

        checker = BitstringStatusChecker(
            fetch_list=fetch, verify_list=lambda d: verify_credential(d, verifier=base)
        )
        return Verifier(now=lambda: NOW, status_checker=checker, **changes)


@pytest.fixture(scope="module")
def issuer() -> Issuer:
    return Issuer()


def outcome(report: VerificationReport, name: str) -> Outcome:
    found = [c.outcome for c in report.checks if c.name == name]
    assert found, f"no {name} check in {report.checks}"
    return Outcome.FAIL if Outcome.FAIL in found else found[0]


def refused(report: VerificationReport, check: str, words: str) -> None:
    assert report.verified is False
    failing = [c for c in report.checks if c.name == check and c.outcome is Outcome.FAIL]
    assert failing, f"{check} did not fail: {report.to_json()}"
    assert words.lower() in failing[0].message.lower(), failing[0].message


def test_valid_credential_passes_every_check(issuer: Issuer) -> None:
    report = verify_credential(issuer.credential(), verifier=issuer.verifier())
    assert report.verified, report.to_json()
    names = [c.name for c in report.checks]
    assert names[:4] == ["parse", "context", "schema", "proof"]
    for name in ("issuer", "validity", "status"):
        assert outcome(report, name) is Outcome.PASS
    assert all(c.outcome is Outcome.PASS for c in report.checks), report.to_json()


def test_jcs_and_jwt_credentials_verify(issuer: Issuer) -> None:
    credential = issuer.credential()
    credential.pop("proof")
    jcs = issue(credential, key=issuer.key, suite="eddsa-jcs-2022", now=NOW)
    assert verify_credential(jcs, verifier=issuer.verifier()).verified
    token = issue_jwt(credential, key=issuer.key)
    report = verify_credential(token, verifier=issuer.verifier())
    assert report.verified, report.to_json()


def test_tampered_value(issuer: Issuer) -> None:
    credential = issuer.credential()
    credential["credentialSubject"]["achievement"]["name"] = "Brain Surgery"
    refused(
        verify_credential(credential, verifier=issuer.verifier()), "proof", "changed after signing"
    )


def test_proof_moved_to_another_credential(issuer: Issuer) -> None:
    donor = issuer.credential()
    other = issuer.credential(name="Another badge")
    other["proof"] = donor["proof"]
    refused(verify_credential(other, verifier=issuer.verifier()), "proof", "changed after signing")


def test_wrong_key(issuer: Issuer) -> None:
    credential = issuer.credential()
    stranger = Ed25519KeyPair.generate()
    credential["proof"]["verificationMethod"] = stranger.id
    report = verify_credential(credential, verifier=issuer.verifier())
    refused(report, "proof", "a different key signed it")


def test_key_not_controlled_by_issuer(issuer: Issuer) -> None:
    credential = issuer.credential()
    credential.pop("proof")
    impostor = Ed25519KeyPair.generate()
    signed = add_proof(credential, impostor, loader=DocumentLoader(), created=NOW)
    report = verify_credential(signed, verifier=issuer.verifier())
    assert outcome(report, "proof") is Outcome.PASS
    refused(report, "issuer", "which is not the issuer")


def test_wrong_proof_purpose(issuer: Issuer) -> None:
    credential = issuer.credential()
    credential.pop("proof")
    signed = add_proof(
        credential, issuer.key, loader=DocumentLoader(), created=NOW, proof_purpose="authentication"
    )
    refused(
        verify_credential(signed, verifier=issuer.verifier()), "proof", "needs 'assertionMethod'"
    )


def test_unknown_cryptosuite(issuer: Issuer) -> None:
    credential = issuer.credential()
    credential["proof"]["cryptosuite"] = "ecdsa-sd-2099"
    refused(
        verify_credential(credential, verifier=issuer.verifier()),
        "proof",
        "unknown cryptosuite 'ecdsa-sd-2099'",
    )


def test_expired(issuer: Issuer) -> None:
    report = verify_credential(
        issuer.credential(), verifier=issuer.verifier(), now=NOW + timedelta(days=400)
    )
    refused(report, "validity", "expired on 2027-01-01T00:00:00Z")


def test_not_yet_valid(issuer: Issuer) -> None:
    credential = issuer.credential(validFrom="2026-12-01T00:00:00Z")
    refused(verify_credential(credential, verifier=issuer.verifier()), "validity", "not valid yet")


def test_revoked_and_suspended(issuer: Issuer) -> None:
    credential = issuer.credential()
    local = Issuer.__new__(Issuer)
    local.__dict__.update(copy.copy(issuer.__dict__))
    local.revoked = Bitstring()
    local.suspended = Bitstring()
    local.lists = {}
    local.revoked.set(42, 1)
    local.publish()
    refused(verify_credential(credential, verifier=local.verifier()), "status", "revoked")
    local.revoked = Bitstring()
    local.suspended.set(42, 1)
    local.publish()
    refused(verify_credential(credential, verifier=local.verifier()), "status", "suspended")


def _raw_context_document(
    issuer: Issuer, context: list[Any], suite: str = "eddsa-jcs-2022"
) -> dict[str, Any]:
    credential = issuer.credential()
    credential.pop("proof")
    credential["@context"] = context
    return add_proof(credential, issuer.key, loader=DocumentLoader(), suite=suite, created=NOW)


def test_unknown_context(issuer: Issuer) -> None:
    context = [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://unknown.example/context.jsonld",
    ]
    credential = issuer.credential()
    credential["@context"] = context
    report = verify_credential(credential, verifier=issuer.verifier())
    refused(report, "context", "unknown.example/context.jsonld is unusable")


def test_remote_context_without_allow_list(issuer: Issuer) -> None:
    fetched: list[str] = []

    def fetcher(url: str) -> bytes:
        fetched.append(url)
        return b'{"@context": {}}'

    verifier = issuer.verifier(loader=DocumentLoader(fetcher=fetcher, allowed_hosts=["ok.example"]))
    credential = issuer.credential()
    credential["@context"] = [*credential["@context"], "https://evil.example/c.jsonld"]
    refused(verify_credential(credential, verifier=verifier), "context", "not on the allow-list")
    assert fetched == []


def _with_undefined(issuer: Issuer, suite: str, where: str) -> dict[str, Any]:
    credential = issuer.credential()
    credential.pop("proof")
    if where == "property":
        credential["credentialSubject"]["favouriteColour"] = "green"
    else:
        credential["credentialSubject"]["achievement"]["type"] = ["Achievement", "SecretType"]
    return add_proof(credential, issuer.key, loader=DocumentLoader(), suite=suite, created=NOW)


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
@pytest.mark.parametrize(
    ("where", "term"), [("property", "favouriteColour"), ("type", "SecretType")]
)
def test_undefined_property_or_type(issuer: Issuer, suite: str, where: str, term: str) -> None:
    if suite == "eddsa-rdfc-2022":
        with pytest.raises(Exception, match=term):  # refusing to sign it is right too
            _with_undefined(issuer, suite, where)
        credential = issuer.credential()
        target = credential["credentialSubject"]
        if where == "property":
            target["favouriteColour"] = "green"
        else:
            target["achievement"]["type"] = ["Achievement", "SecretType"]
    else:
        credential = _with_undefined(issuer, suite, where)
    report = verify_credential(credential, verifier=issuer.verifier())
    refused(report, "context", term)


def test_issuing_refuses_undefined_terms(issuer: Issuer) -> None:
    credential = issuer.credential()
    credential.pop("proof")
    credential["credentialSubject"]["favouriteColour"] = "green"
    with pytest.raises(Exception, match="favouriteColour"):
        issue(credential, key=issuer.key)


def test_input_over_one_megabyte(issuer: Issuer) -> None:
    credential = issuer.credential(description="x" * 1_000_100)
    text = json.dumps(credential).encode()
    refused(
        verify_credential(text, verifier=issuer.verifier()), "parse", "limit is 1,000,000 bytes"
    )
    refused(verify_credential(credential, verifier=issuer.verifier()), "parse", "larger than")


def test_nesting_deeper_than_64(issuer: Issuer) -> None:
    text = '{"a": ' + "[" * 70 + "]" * 70 + "}"
    refused(verify_credential(text, verifier=issuer.verifier()), "parse", "deeper than 64")
    nested: Any = 1
    for _ in range(70):
        nested = [nested]
    refused(verify_credential({"a": nested}, verifier=issuer.verifier()), "parse", "deeper than 64")


def test_invalid_utf8(issuer: Issuer) -> None:
    refused(
        verify_credential(b'{"name": "\xc3\x28"}', verifier=issuer.verifier()),
        "parse",
        "not valid UTF-8",
    )


def test_not_an_object(issuer: Issuer) -> None:
    refused(verify_credential(b"[1, 2]", verifier=issuer.verifier()), "parse", "not a JSON object")


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: tiny_png(), "PNG"),
        (lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>', "SVG"),
    ],
)
def test_image_without_credential(issuer: Issuer, make: Callable[[], bytes], words: str) -> None:
    report = verify_input(make(), verifier=issuer.verifier())
    refused(report, "parse", f"no credential could be read from the {words}")


def test_baked_images_verify(issuer: Issuer) -> None:
    credential = issuer.credential()
    png = bake_png(tiny_png(), credential)
    svg = bake_svg(b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>', credential)
    for image in (png, svg):
        report = verify_input(image, verifier=issuer.verifier())
        assert report.verified, report.to_json()


def test_trust_list(issuer: Issuer) -> None:
    credential = issuer.credential()
    trusted = verify_credential(
        credential, verifier=issuer.verifier(trusted_issuers=[issuer.key.controller])
    )
    assert trusted.verified
    report = verify_credential(
        credential, verifier=issuer.verifier(trusted_issuers=["did:web:other.example"])
    )
    refused(report, "issuer", "not on the verifier's trust list")


def test_missing_status_list_source_is_a_warning(issuer: Issuer) -> None:
    report = verify_credential(issuer.credential(), verifier=Verifier(now=lambda: NOW))
    assert report.verified
    assert outcome(report, "status") is Outcome.WARNING


def test_no_proof(issuer: Issuer) -> None:
    credential = issuer.credential()
    credential.pop("proof")
    refused(verify_credential(credential, verifier=issuer.verifier()), "proof", "has no proof")


def test_report_json_shape(issuer: Issuer) -> None:
    data = verify_credential(issuer.credential(), verifier=issuer.verifier()).to_json()
    assert data["verified"] is True and data["kind"] == "credential"
    assert {"check", "outcome", "message", "problem"} == set(data["checks"][0])


def test_resolver_is_injected(issuer: Issuer) -> None:
    credential = issuer.credential()
    verifier = issuer.verifier(resolver=Resolver())
    assert verify_credential(credential, verifier=verifier).verified
