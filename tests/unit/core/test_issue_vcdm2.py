"""The W3C VC Data Model 2.0 suite's inputs at the issuing API: every ``-ok`` credential
signs (both cryptosuites) and verifies; every ``-fail`` credential is refused with a
sentence that names the problem, and nothing is signed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from microcred.core.errors import MicrocredError
from microcred.core.issue import issue
from microcred.core.keys import Ed25519KeyPair
from microcred.core.loader import DocumentLoader
from microcred.core.presentations import verify_presentation
from microcred.core.proofs import add_proof
from microcred.core.timeutil import parse_datetime
from microcred.core.verify import Verifier, verify_credential
from tests.unit.core.documents.test_vcdm2_suite import (
    EXPECTED_ERRORS,
    FAIL_NAMES,
    JSONLD_LEVEL,
    OK_NAMES,
    SUITE_ISSUER,
    as_requested,
)

KEY = Ed25519KeyPair.generate()


def _ours(document: dict[str, Any]) -> dict[str, Any]:
    """The suite writes the issuer endpoint's id into the credential; ours is KEY's."""
    issuer = document.get("issuer")
    if issuer == SUITE_ISSUER:
        document["issuer"] = KEY.controller
    elif isinstance(issuer, dict) and issuer.get("id") == SUITE_ISSUER:
        issuer["id"] = KEY.controller
    return document


def _moment(document: dict[str, Any]) -> datetime:
    start = parse_datetime(document.get("validFrom"))
    end = parse_datetime(document.get("validUntil"))
    moment = start + timedelta(seconds=1) if start else datetime(2026, 1, 1, tzinfo=UTC)
    return min(moment, end - timedelta(seconds=1)) if end else moment


CREDENTIALS_OK = [n for n in OK_NAMES if n.startswith("credential-")]
PRESENTATIONS_OK = [n for n in OK_NAMES if n.startswith("presentation-")]
CREDENTIALS_FAIL = [n for n in FAIL_NAMES if n.startswith("credential-")]


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
@pytest.mark.parametrize("name", CREDENTIALS_OK)
def test_ok_inputs_sign_and_verify(name: str, suite: str) -> None:
    document = _ours(as_requested(name))
    document.pop("proof", None)
    signed = issue(document, key=KEY, suite=suite)
    moment = _moment(document)
    report = verify_credential(signed, verifier=Verifier(now=lambda: moment))
    assert report.verified, report.to_json()


@pytest.mark.parametrize("name", PRESENTATIONS_OK)
def test_ok_presentations_sign_and_verify(name: str) -> None:
    document = as_requested(name)
    if "verifiableCredential" in document:
        embedded = document["verifiableCredential"]
        embedded = embedded if isinstance(embedded, list) else [embedded]
        document["verifiableCredential"] = [_signed_if_plain(c) for c in embedded]
    key = Ed25519KeyPair.generate()
    holder = document.get("holder")
    holder_id = holder.get("id") if isinstance(holder, dict) else holder
    if isinstance(holder_id, str) and holder_id.startswith("did:key:"):
        holder_id = key.controller  # the suite's holder key is not ours: present as ourselves
        if isinstance(holder, dict):
            holder["id"] = holder_id
        else:
            document["holder"] = holder_id
    elif holder_id is not None:
        key = Ed25519KeyPair.generate(controller=holder_id, key_id=f"{holder_id}#k")
    signed = add_proof(
        document, key, loader=DocumentLoader(), proof_purpose="authentication", challenge="n-1"
    )
    report = verify_presentation(signed, challenge="n-1", now=datetime(2026, 1, 1, tzinfo=UTC))
    if "enveloped" in name:  # the suite's ES256 VC-JWT names no key: it cannot verify
        failed = [c for c in report.checks if c.outcome.value == "fail"]
        assert [c.name for c in failed] == ["credentials"], report.to_json()
        assert "names no key" in failed[0].message
        return
    assert report.verified, report.to_json()


def _signed_if_plain(credential: Any) -> Any:
    """The holder presents credentials an issuer signed (here: KEY)."""
    if not isinstance(credential, dict) or "proof" in credential or "issuer" not in credential:
        return credential
    issuer = credential["issuer"]
    if isinstance(issuer, dict):
        issuer["id"] = KEY.controller
    else:
        credential["issuer"] = KEY.controller
    return issue(credential, key=KEY)


@pytest.mark.parametrize("name", CREDENTIALS_FAIL)
def test_fail_inputs_are_refused_with_the_reason(name: str) -> None:
    document = _ours(as_requested(name))
    with pytest.raises(MicrocredError) as refused:
        issue(document, key=KEY)
    message = str(refused.value)
    if name in EXPECTED_ERRORS:
        assert EXPECTED_ERRORS[name].split("[")[0].split(".")[0] in message, message
    else:
        assert name in JSONLD_LEVEL and message, message
