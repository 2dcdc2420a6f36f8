"""W3C VC-API issuing (``/credentials/issue``, ``/credentials/status``) and the round trip
through ``/credentials/verify`` with the platform's own status lists and keys."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from microcred.core.documents import build_presentation
from microcred.core.issue import issue
from microcred.core.keys import Ed25519KeyPair
from microcred.core.loader import DocumentLoader
from microcred.core.proofs import add_proof
from microcred.domain.model import SYSTEM, Organisation, Role
from microcred.services.identity import current_key, issuer_did, signing_pair
from microcred.services.keys import mark_compromised
from microcred.services.organisations import Platform, create_organisation
from tests.unit.web.conftest import BASE_URL, NOW, FakeClock, assert_problem, bearer, key_for
from tests.unit.web.issuing_support import suite_credential

ACME = "did:web:badges.example:orgs:acme"
ISSUE = "/credentials/issue"
WITH_STATUS = {"credentialStatus": {"type": "BitstringStatusListEntry"}}
#: The VC 1.1 examples context the VC-API issuer suite names (it @imports ODRL).
EXAMPLES_V1 = "https://www.w3.org/2018/credentials/examples/v1"
#: The VC-API issuer suite's VC 1.1 input (its examples context, which @imports ODRL, is
#: swapped for an inline one: the platform is offline).
VC1: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/2018/credentials/v1",
        {"@vocab": "https://example.org/vocab#"},
    ],
    "type": ["VerifiableCredential", "UniversityDegreeCredential"],
    "issuer": ACME,
    "issuanceDate": "2026-02-01T00:00:00Z",
    "credentialSubject": {
        "id": "did:key:z6MktKwz7Ge1Yxzr4JHavN33wiwa8y81QdcMRLXQsrH9T53b",
        "degree": {"degreeType": "BachelorDegree", "name": "Bachelor of Science and Arts"},
    },
}


@pytest.fixture
def issuer(platform: Platform, acme: Organisation) -> dict[str, str]:
    return bearer(key_for(platform, acme, Role.ISSUER))


def _issue(
    client: TestClient, headers: dict[str, str], credential: Any, options: Any = None
) -> Any:
    body: dict[str, Any] = {"credential": credential}
    if options is not None:
        body["options"] = options
    return client.post(ISSUE, json=body, headers=headers)


def _verify(client: TestClient, credential: Any, checks: list[str] | None = None) -> Any:
    body: dict[str, Any] = {"verifiableCredential": credential}
    if checks is not None:
        body["options"] = {"checks": checks}
    return client.post("/credentials/verify", json=body)


def test_issue_answers_201_with_the_signed_credential(
    client: TestClient, issuer: dict[str, str]
) -> None:
    credential = suite_credential(ACME, id="urn:uuid:7f0e3d2a-4b1c-4d5e-8f6a-0b1c2d3e4f5a")
    response = _issue(client, issuer, credential)
    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == "application/json"
    issued = response.json()["verifiableCredential"]
    assert issued["id"] == credential["id"] and issued["issuer"] == ACME
    assert "VerifiableCredential" in issued["type"]
    assert issued["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert issued["proof"]["verificationMethod"].startswith(ACME + "#")
    assert "credentialStatus" not in issued
    served = client.get(response.headers["location"])
    assert served.status_code == 200 and served.json() == issued
    assert _verify(client, issued).status_code == 200

    object_issuer = suite_credential({"id": ACME, "name": "Acme"})
    made = _issue(client, issuer, object_issuer, {"cryptosuite": "eddsa-jcs-2022"}).json()
    document = made["verifiableCredential"]
    assert document["id"].startswith(f"{BASE_URL}/credentials/")  # given one when it has none
    assert document["issuer"]["name"] == "Acme"
    assert document["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert _verify(client, document).status_code == 200
    assert client.get(document["id"]).json() == document


def test_a_vc_1_1_credential_keeps_its_dates_and_gets_the_contexts_it_needs(
    client: TestClient, issuer: dict[str, str]
) -> None:
    response = _issue(client, issuer, VC1, WITH_STATUS)
    assert response.status_code == 201, response.text
    issued = response.json()["verifiableCredential"]
    assert issued["@context"][:2] == VC1["@context"]
    assert issued["@context"][2:] == [
        "https://w3id.org/security/data-integrity/v2",
        "https://www.w3.org/ns/credentials/status/v1",
    ]
    assert issued["issuanceDate"] == VC1["issuanceDate"] and "validFrom" not in issued
    assert {e["statusPurpose"] for e in issued["credentialStatus"]} == {"revocation", "suspension"}
    assert _verify(client, issued).status_code == 200

    undated = {k: v for k, v in VC1.items() if k != "issuanceDate"}
    dated = _issue(client, issuer, undated).json()["verifiableCredential"]
    assert dated["issuanceDate"] == "2026-03-01T12:00:00Z"
    assert dated["@context"][-1] == "https://w3id.org/security/data-integrity/v2"
    assert _verify(client, dated).status_code == 200


def _broken(change: Any) -> dict[str, Any]:
    credential = suite_credential(ACME, id="urn:uuid:0d6c1e7a-7b4f-4c2e-9a55-5b4d8f0e2c11")
    change(credential)
    return credential


BAD_CREDENTIALS = [
    lambda c: c.pop("@context"),
    lambda c: c.__setitem__("@context", 4),
    lambda c: c.__setitem__("@context", []),
    lambda c: c.__setitem__("@context", [4]),
    lambda c: c.__setitem__("@context", [False]),
    lambda c: c.__setitem__("@context", [None]),
    lambda c: c.pop("type"),
    lambda c: c.__setitem__("type", 4),
    lambda c: c.__setitem__("type", [None]),
    lambda c: c.__setitem__("type", []),
    lambda c: c.pop("issuer"),
    lambda c: c.__setitem__("issuer", None),
    lambda c: c.__setitem__("issuer", True),
    lambda c: c.__setitem__("issuer", []),
    lambda c: c.pop("credentialSubject"),
    lambda c: c.__setitem__("credentialSubject", None),
    lambda c: c.__setitem__("credentialSubject", "did:example:1234"),
    lambda c: c.__setitem__("credentialSubject", []),
    lambda c: c.__setitem__("@context", [*c["@context"], "https://unknown.example/ctx"]),
    lambda c: c.__setitem__("proof", {"type": "DataIntegrityProof"}),
]


def test_what_the_vc_api_issuer_suite_breaks_is_400(
    client: TestClient, issuer: dict[str, str]
) -> None:
    for change in BAD_CREDENTIALS:
        credential = _broken(change)
        response = _issue(client, issuer, credential)
        assert_problem(response, 400)
    renamed = client.post(
        ISSUE, json={"verifiableCredential": suite_credential(ACME)}, headers=issuer
    )
    assert_problem(renamed, 400, "needs a credential")
    assert_problem(_issue(client, issuer, "not an object"), 400, "JSON object")
    malformed = client.post(
        ISSUE, content=b'{"credential": ', headers={**issuer, "Content-Type": "application/json"}
    )
    assert_problem(malformed, 400, "JSON")
    assert_problem(_issue(client, issuer, suite_credential(ACME), []), 400, "options")
    # an issued credential can be issued again from scratch, but not under the same id
    first = _issue(client, issuer, _broken(lambda c: None))
    assert first.status_code == 201
    assert_problem(_issue(client, issuer, _broken(lambda c: None)), 409, "already issued")


def test_well_formed_requests_the_platform_will_not_sign_are_422(
    client: TestClient, issuer: dict[str, str]
) -> None:
    other = _issue(client, issuer, suite_credential("did:example:someone-else"))
    assert_problem(other, 422, "did:example:someone-else", ACME)
    globex = _issue(client, issuer, suite_credential("did:web:badges.example:orgs:globex"))
    assert_problem(globex, 422, "credential.issuer")
    suite = _issue(client, issuer, suite_credential(ACME), {"cryptosuite": "rsa"})
    assert_problem(suite, 422, "options.cryptosuite")
    status = {"credentialStatus": {"type": "StatusList2021Entry"}}
    assert_problem(_issue(client, issuer, suite_credential(ACME), status), 422, "StatusList2021")
    purpose = {"credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "x"}}
    assert_problem(_issue(client, issuer, suite_credential(ACME), purpose), 422, "statusPurpose")
    jose_v1 = _issue(client, issuer, VC1, {"cryptosuite": "jose"})
    assert_problem(jose_v1, 422, "VC 1.1")
    spoof = suite_credential(
        ACME,
        credentialStatus={
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "1",
            "statusListCredential": f"{BASE_URL}/status/someone-elses",
        },
    )
    assert_problem(_issue(client, issuer, spoof), 422, "options.credentialStatus")
    ours = suite_credential(ACME, id=f"{BASE_URL}/credentials/0b8e4a52-1111-4c2e-9a55-5b4d8f0e2c11")
    assert_problem(_issue(client, issuer, ours), 422, "credential.id")


def test_who_may_issue(
    client: TestClient, platform: Platform, acme: Organisation, globex: Organisation
) -> None:
    credential = suite_credential(ACME)
    assert_problem(_issue(client, {}, credential), 401)
    assert_problem(_issue(client, bearer("mc_0123456789ab_wrong"), credential), 401)
    viewer = bearer(key_for(platform, acme, Role.VIEWER))
    assert_problem(_issue(client, viewer, credential), 403, "issuer role")
    assert_problem(_issue(client, viewer, "not even a credential"), 403)  # 403 before 400
    globex_issuer = bearer(key_for(platform, globex, Role.ISSUER))
    assert_problem(_issue(client, globex_issuer, credential), 422, "orgs:globex")
    session = client.post(
        "/api/v1/session",
        json={"email": "owner@acme.example", "password": "correct horse battery staple"},
    ).json()["token"]
    assert_problem(_issue(client, bearer(session), credential), 403, "API key")


def test_a_vc_jose_organisation_answers_with_an_enveloped_credential(
    client: TestClient, platform: Platform
) -> None:
    create_organisation(
        platform, name="Jose", slug="jose", owner_email="o@jose.example", signing_suite="jose"
    )
    org = platform.uow
    with org() as uow:
        jose = uow.organisations.by_slug("jose")
    assert jose is not None
    headers = bearer(key_for(platform, jose, Role.ISSUER))
    did = issuer_did(BASE_URL, "jose")
    response = _issue(client, headers, suite_credential(did), WITH_STATUS)
    assert response.status_code == 201, response.text
    envelope = response.json()["verifiableCredential"]
    assert envelope["type"] == "EnvelopedVerifiableCredential"
    assert envelope["id"].startswith("data:application/vc+jwt,ey")
    assert _verify(client, envelope).status_code == 200
    token = client.get(response.headers["location"], headers={"Accept": "application/vc+jwt"})
    assert envelope["id"].endswith(token.text)
    dated = {**VC1, "issuer": did}
    v1 = _issue(client, headers, dated).json()["verifiableCredential"]
    assert v1["proof"]["cryptosuite"] == "eddsa-rdfc-2022"  # VC 1.1: Data Integrity


def _status(client: TestClient, headers: dict[str, str], credential_id: str, *items: Any) -> Any:
    body = {"credentialId": credential_id, "credentialStatus": list(items)}
    return client.post("/credentials/status", json=body, headers=headers)


def test_round_trip_issue_verify_revoke(
    client: TestClient, platform: Platform, acme: Organisation, issuer: dict[str, str]
) -> None:
    credential_id = "urn:uuid:2a1b9c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
    response = _issue(client, issuer, suite_credential(ACME, id=credential_id), WITH_STATUS)
    issued = response.json()["verifiableCredential"]
    entries = issued["credentialStatus"]
    assert [e["type"] for e in entries] == ["BitstringStatusListEntry"] * 2
    for entry in entries:
        assert set(entry) == {
            "id",
            "type",
            "statusPurpose",
            "statusListIndex",
            "statusListCredential",
        }
        assert entry["statusListIndex"].isdigit()
        listed = client.get(entry["statusListCredential"])
        assert listed.status_code == 200
        assert listed.json()["credentialSubject"]["statusPurpose"] == entry["statusPurpose"]

    verified = _verify(client, issued, ["proof", "credentialStatus"])
    assert verified.status_code == 200, verified.text
    assert "status" in verified.json()["checks"]

    suspend = {"type": "BitstringStatusListCredential", "status": "suspended"}
    changed = _status(client, issuer, credential_id, suspend)
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"credentialId": credential_id, "revoked": False, "suspended": True}
    assert _status(client, issuer, credential_id, suspend).status_code == 200  # no change
    assert _verify(client, issued).status_code == 400
    active = {"type": "BitstringStatusListCredential", "status": "active"}
    assert _status(client, issuer, credential_id, active).json()["suspended"] is False
    assert _verify(client, issued).status_code == 200

    revoked = _status(
        client,
        issuer,
        credential_id,
        {"type": "BitstringStatusListCredential", "status": "revoked"},
    )
    assert revoked.json()["revoked"] is True
    failed = _verify(client, issued, ["proof", "credentialStatus"])
    assert failed.status_code == 400
    result = failed.json()
    assert [e["title"] for e in result["errors"]] == ["status"]
    assert "revoked" in result["errors"][0]["detail"]
    assert_problem(_status(client, issuer, credential_id, active), 409, "revoked")
    # the Bitstring Status List suite's form: a statusPurpose whose bit is set
    other_id = "urn:uuid:9f8e7d6c-5b4a-4392-8a1b-0c9d8e7f6a5b"
    _issue(client, issuer, suite_credential(ACME, id=other_id), WITH_STATUS)
    by_purpose = {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}
    assert _status(client, issuer, other_id, by_purpose).json()["revoked"] is True


def test_status_requests_that_are_refused(
    client: TestClient,
    platform: Platform,
    acme: Organisation,
    globex: Organisation,
    issuer: dict[str, str],
) -> None:
    credential_id = "urn:uuid:4c3b2a19-0f8e-4d7c-9b6a-5a4b3c2d1e0f"
    _issue(client, issuer, suite_credential(ACME, id=credential_id))  # no status entry
    revoke = {"type": "BitstringStatusListCredential", "status": "revoked"}
    assert_problem(_status(client, issuer, credential_id, revoke), 409, "no revocation")
    renew = client.post(f"/api/v1/orgs/acme/credentials/{credential_id}/renew", headers=issuer)
    assert_problem(renew, 409, "VC-API")
    listed = client.get("/api/v1/orgs/acme/credentials", headers=issuer).json()["items"]
    assert [(c["credential_id"], c["achievement_id"]) for c in listed] == [(credential_id, None)]
    assert client.get("/api/v1/orgs/acme/achievements", headers=issuer).json() == []
    assert_problem(_status(client, issuer, "urn:uuid:unknown", revoke), 404)
    weird = {"type": "BitstringStatusListCredential", "status": "lost"}
    assert_problem(_status(client, issuer, credential_id, weird), 422, "'lost'")
    kind = {"type": "StatusList2021Credential", "status": "revoked"}
    assert_problem(_status(client, issuer, credential_id, kind), 422, "type")
    assert_problem(_status(client, issuer, credential_id), 422, "at least one")
    viewer = bearer(key_for(platform, acme, Role.VIEWER))
    assert_problem(_status(client, viewer, credential_id, revoke), 403)
    globex_issuer = bearer(key_for(platform, globex, Role.ISSUER))
    foreign = _status(client, globex_issuer, credential_id, revoke)
    assert_problem(foreign, 404)
    assert_problem(_status(client, {}, credential_id, revoke), 401)


def _compromise(platform: Platform, org: Organisation, clock: FakeClock, at_offset: int) -> None:
    with platform.uow() as uow:
        key = current_key(uow.keys.for_org(org.id))
    mark_compromised(platform, SYSTEM, org.id, key.id, clock.now + timedelta(seconds=at_offset))


def test_a_compromised_key_is_refused_for_what_it_signed_after(
    client: TestClient,
    platform: Platform,
    acme: Organisation,
    issuer: dict[str, str],
    clock: FakeClock,
) -> None:
    before = _issue(client, issuer, suite_credential(ACME)).json()["verifiableCredential"]
    with platform.uow() as uow:
        pair = signing_pair(platform.vault, current_key(uow.keys.for_org(acme.id)), ACME)
    clock.advance(timedelta(hours=1))
    after = _issue(client, issuer, suite_credential(ACME)).json()["verifiableCredential"]
    forged = issue(suite_credential(ACME, id="urn:uuid:forged"), key=pair, now=NOW)
    assert all(_verify(client, c).status_code == 200 for c in (before, after, forged))

    _compromise(platform, acme, clock, -60)  # from 59 minutes after "before" was issued
    assert _verify(client, before).status_code == 200
    for credential, reason in ((after, "after that"), (forged, "no record")):
        refused = _verify(client, credential)
        assert refused.status_code == 400
        errors = refused.json()["errors"]
        assert [e["title"] for e in errors] == ["issuer"]
        assert "compromised" in errors[0]["detail"] and reason in errors[0]["detail"]
    # a backdated copy of an issued credential, signed again with the stolen key
    backdated = issue(
        {k: v for k, v in copy.deepcopy(before).items() if k != "proof"} | {"name": "Changed"},
        key=pair,
        now=NOW,
    )
    assert _verify(client, backdated).status_code == 400
    # inside a presentation too
    holder = Ed25519KeyPair.generate()
    presentation = add_proof(
        build_presentation(holder=holder.controller, credentials=[after]),
        holder,
        loader=DocumentLoader(),
        created=NOW,
        proof_purpose="authentication",
        challenge="c-1",
    )
    body = {"verifiablePresentation": presentation, "options": {"challenge": "c-1"}}
    refused_vp = client.post("/presentations/verify", json=body)
    assert refused_vp.status_code == 400, refused_vp.text
    assert "Credential 1: " in refused_vp.json()["errors"][0]["detail"]
    # the replacement key signs from now on, and what it signs verifies
    fresh = _issue(client, issuer, suite_credential(ACME)).json()["verifiableCredential"]
    assert fresh["proof"]["verificationMethod"] != after["proof"]["verificationMethod"]
    assert _verify(client, fresh).status_code == 200


def test_another_organisations_status_list_does_not_count(
    client: TestClient,
    platform: Platform,
    acme: Organisation,
    globex: Organisation,
    issuer: dict[str, str],
) -> None:
    """A credential of acme pointing at a list of globex (which says "not revoked")."""
    globex_issuer = bearer(key_for(platform, globex, Role.ISSUER))
    theirs = _issue(
        client, globex_issuer, suite_credential(issuer_did(BASE_URL, "globex")), WITH_STATUS
    ).json()["verifiableCredential"]
    entry = theirs["credentialStatus"][0]
    with platform.uow() as uow:
        pair = signing_pair(platform.vault, current_key(uow.keys.for_org(acme.id)), ACME)
    sneaky = issue(suite_credential(ACME, credentialStatus=entry), key=pair, now=NOW)
    response = _verify(client, sneaky)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["title"] == "status" and "not by the credential's issuer" in error["detail"]
    elsewhere = dict(entry, statusListCredential="https://lists.example/1")
    ours = _issue(client, issuer, suite_credential(ACME), WITH_STATUS).json()
    own_entry = ours["verifiableCredential"]["credentialStatus"][0]
    both = issue(suite_credential(ACME, credentialStatus=[own_entry, elsewhere]), key=pair, now=NOW)
    offline = _verify(client, both)  # this verifier fetches nothing: not checked
    assert offline.status_code == 200, offline.text
    statuses = [r for r in offline.json()["results"] if r["check"] == "status"]
    assert [r["outcome"] for r in statuses] == ["pass", "warning"]
    assert "lists.example" in statuses[1]["message"]


def test_a_caller_written_credential_belongs_to_no_achievement(
    client: TestClient, platform: Platform, acme: Organisation, issuer: dict[str, str]
) -> None:
    answer = _issue(client, issuer, suite_credential(ACME), WITH_STATUS)
    assert answer.status_code == 201, answer.text
    with platform.uow() as uow:
        stored = uow.credentials.for_org(acme.id)
        assert [c.achievement_id for c in stored] == [None]
        assert uow.achievements.for_org(acme.id) == []  # no placeholder is made


def test_the_vc_api_issuer_suite_examples_context_is_served_offline(
    client: TestClient, issuer: dict[str, str]
) -> None:
    examples = {**VC1, "@context": [VC1["@context"][0], EXAMPLES_V1]}
    answer = _issue(client, issuer, examples, {"cryptosuite": "eddsa-rdfc-2022"})
    assert answer.status_code == 201, answer.text
    signed = answer.json()["verifiableCredential"]
    assert signed["@context"][:2] == examples["@context"]
    assert _verify(client, signed).status_code == 200
