"""The W3C VC-API verifier endpoints, on the specification vectors and on our own DIDs."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from microcred.core.documents import build_presentation
from microcred.core.issue import issue, issue_jwt
from microcred.core.keys import Ed25519KeyPair
from microcred.core.loader import DocumentLoader
from microcred.core.proofs import add_proof
from microcred.domain.model import Organisation, Role
from microcred.services.identity import current_key, issuer_did, signing_pair
from microcred.services.organisations import Platform
from microcred.web.context import WebOptions
from tests.conftest import load_json
from tests.unit.web.conftest import NOW, assert_problem, bearer, key_for

OB30 = "ob30-spec-test-vector/signed.json"
ED25519_2020 = "vc-di-eddsa/Ed25519Signature2020/signedEdSig.json"
#: What the VC-API verifier suite sends with every credential.
SUITE_OPTIONS = {"checks": ["proof"]}


def _verify(client: TestClient, credential: Any, options: dict[str, Any] | None = None) -> Any:
    body: dict[str, Any] = {"verifiableCredential": credential}
    if options is not None:
        body["options"] = options
    return client.post("/credentials/verify", json=body)


def _credential(issuer: str, name: str = "Learner") -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": name},
    }


def test_the_open_badges_vector_verifies(client: TestClient) -> None:
    response = _verify(client, load_json(OB30))
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["verified"] is True and result["errors"] == []
    assert {"parse", "context", "schema", "proof"} <= set(result["checks"])
    assert {r["check"] for r in result["results"]} >= {"proof", "validity", "status"}


def test_a_tampered_credential_is_a_400_with_the_same_body(client: TestClient) -> None:
    tampered = load_json(OB30)
    tampered["credentialSubject"]["achievement"]["name"] = "Something else"
    response = _verify(client, tampered)
    assert response.status_code == 400
    result = response.json()
    assert result["verified"] is False
    assert [e["title"] for e in result["errors"]] == ["proof"]
    assert result["errors"][0]["type"].startswith("https://w3id.org/security#")


def test_the_vc_api_suite_positive_case_verifies_when_only_the_proof_is_asked_for(
    client: TestClient,
) -> None:
    """The suite's Ed25519Signature2020 vector is signed by a did:key that is not its
    issuer: with ``checks: ["proof"]`` that is a warning, by default it is an error."""
    response = _verify(client, load_json(ED25519_2020), SUITE_OPTIONS)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["checks"] == ["parse", "context", "schema", "proof"]
    issuer = [w for w in result["warnings"] if w["title"] == "issuer"]
    assert issuer and "not counted" in issuer[0]["detail"]

    strict = _verify(client, load_json(ED25519_2020))
    assert strict.status_code == 400
    assert [e["title"] for e in strict.json()["errors"]] == ["issuer"]


def _without(path: str) -> Any:
    def change(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = document
        for parent in parents:
            target = target[parent]
        del target[last]

    return change


def _set(key: str, value: Any) -> Any:
    return lambda document: document.__setitem__(key, value)


@pytest.mark.parametrize(
    "change",
    [
        _without("@context"),
        _without("type"),
        _without("issuer"),
        _without("credentialSubject"),
        _without("proof"),
        _without("proof.type"),
        _without("proof.created"),
        _without("proof.verificationMethod"),
        _without("proof.proofValue"),
        _without("proof.proofPurpose"),
        _set("@context", "https://www.w3.org/ns/credentials/v2"),
        _set("@context", [10]),
        _set("type", "VerifiableCredential"),
        _set("issuer", []),
        _set("credentialSubject", "string"),
        _set("proof", []),
    ],
)
def test_what_the_vc_api_suite_breaks_is_refused(client: TestClient, change: Any) -> None:
    credential = copy.deepcopy(load_json(ED25519_2020))
    change(credential)
    response = _verify(client, credential, SUITE_OPTIONS)
    assert response.status_code == 400, response.text
    assert response.json()["verified"] is False and response.json()["errors"]


def test_bad_requests(client: TestClient) -> None:
    unknown = _verify(client, load_json(OB30), {"checks": ["proof", "astrology"]})
    assert_problem(unknown, 422, "options.checks", "'astrology'")
    missing = client.post("/credentials/verify", json={"credential": {}})
    assert_problem(missing, 422, "$.verifiableCredential")
    number = _verify(client, 42)
    assert number.status_code == 400
    assert number.json()["errors"][0]["type"].endswith("#PARSING_ERROR")


def test_a_jwt_credential_verifies(client: TestClient) -> None:
    key = Ed25519KeyPair.generate()
    token = issue_jwt(_credential(key.controller), key=key)
    response = _verify(client, token)
    assert response.status_code == 200, response.text
    assert response.json()["verified"] is True


def test_the_platforms_own_did_web_resolves_from_the_database(
    client: TestClient, platform: Platform, acme: Organisation
) -> None:
    """No network: did:web:badges.example:orgs:acme is read from the platform's tables."""
    did = issuer_did(platform.base_url, "acme")
    with platform.uow() as uow:
        pair = signing_pair(platform.vault, current_key(uow.keys.for_org(acme.id)), did)
    signed = issue(_credential(did), key=pair, now=NOW)
    response = _verify(client, signed)
    assert response.status_code == 200, response.text

    stranger = Ed25519KeyPair.generate(controller=issuer_did(platform.base_url, "nobody"))
    unknown = _verify(client, issue(_credential(stranger.controller), key=stranger, now=NOW))
    assert unknown.status_code == 400
    assert "nobody" in unknown.json()["errors"][0]["detail"]


def _presentation(holder: Ed25519KeyPair, credential: dict[str, Any], challenge: str) -> Any:
    unsigned = build_presentation(holder=holder.controller, credentials=[credential])
    return add_proof(
        unsigned,
        holder,
        loader=DocumentLoader(),
        created=NOW,
        proof_purpose="authentication",
        challenge=challenge,
        domain="verifier.example",
    )


def test_presentations_are_bound_to_the_challenge(client: TestClient) -> None:
    issuer, holder = Ed25519KeyPair.generate(), Ed25519KeyPair.generate()
    credential = issue(_credential(issuer.controller), key=issuer, now=NOW)
    presentation = _presentation(holder, credential, "c-123")
    options = {"challenge": "c-123", "domain": "verifier.example"}
    body = {"verifiablePresentation": presentation, "options": options}
    response = client.post("/presentations/verify", json=body)
    assert response.status_code == 200, response.text
    assert "credentials" in response.json()["checks"]

    replay = {"verifiablePresentation": presentation, "options": {**options, "challenge": "other"}}
    refused = client.post("/presentations/verify", json=replay)
    assert refused.status_code == 400 and refused.json()["errors"][0]["title"] == "proof"
    text = client.post("/presentations/verify", json={"verifiablePresentation": "text"})
    assert text.status_code == 400


class TestAVerifyToken:
    @pytest.fixture
    def options(self) -> WebOptions:
        return WebOptions(verify_token="v" * 32)

    def test_the_token_or_an_api_key_is_needed(
        self, client: TestClient, platform: Platform, acme: Organisation
    ) -> None:
        credential = load_json(OB30)
        body = {"verifiableCredential": credential}
        assert_problem(client.post("/credentials/verify", json=body), 401, "bearer token")
        wrong = client.post("/credentials/verify", json=body, headers=bearer("w" * 32))
        assert_problem(wrong, 401, "not valid")
        token = client.post("/credentials/verify", json=body, headers=bearer("v" * 32))
        assert token.status_code == 200
        key = bearer(key_for(platform, acme, Role.VIEWER))
        assert client.post("/credentials/verify", json=body, headers=key).status_code == 200


def test_a_credential_sent_as_json_text_is_refused(client: TestClient) -> None:
    """The EdDSA suite: a securedDocument that is not a map must be refused."""
    signed = load_json("ob30-spec-test-vector/signed.json")
    response = client.post("/credentials/verify", json={"verifiableCredential": json.dumps(signed)})
    assert response.status_code == 400
    assert response.json()["verified"] is False
