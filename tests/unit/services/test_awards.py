"""Awarding, verifying, revoking and suspending, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from microcred.adapters.db import schema
from microcred.core.documents import matches_identity
from microcred.core.loader import DocumentLoader
from microcred.domain.achievements import Validity
from microcred.domain.awards import StatusListRecord, StatusPurpose, StoredCredential
from microcred.domain.model import SYSTEM, Actor, PermissionDenied
from microcred.services.achievements import (
    create_achievement,
    publish_achievement,
    retire_achievement,
)
from microcred.services.awards import award
from microcred.services.errors import Conflict, InvalidInput, NotFound
from microcred.services.status import open_list, reinstate, revoke, suspend
from tests.unit.services.issuing_support import (
    T0,
    World,
    count,
    counts,
    fields,
    make_world,
    status_messages,
    verify,
)


@pytest.fixture
def world(engine: Engine, loader: DocumentLoader) -> World:
    return make_world(engine, loader)


def test_award_verify_revoke(world: World, engine: Engine) -> None:
    issued = award(
        world.platform,
        world.issuer(),
        world.org.id,
        world.achievement_id,
        "Learner@Example.org",
        recipient_name="Ada Lovelace",
        recipient_did="did:example:ada",
        evidence_url="https://portfolio.example/ada",
        narrative="Built a dashboard.",
        idempotency_key="k-1",
    )
    credential = issued.credential
    assert issued.created
    document = credential.document
    assert document["id"] == f"{world.platform.base_url}/credentials/{credential.id}"
    assert document["issuer"]["id"] == world.did and document["issuer"]["name"] == "Acme Academy"
    assert document["validFrom"] == "2026-03-01T12:00:00Z"
    assert document["validUntil"] == "2027-03-01T12:00:00Z"  # the 12-month policy
    subject = document["credentialSubject"]
    assert subject["id"] == "did:example:ada"
    email_id, name_id = subject["identifier"]
    assert matches_identity(email_id, "learner@example.org") and email_id["salt"]
    assert name_id == {
        "type": "IdentityObject",
        "identityHash": "Ada Lovelace",
        "identityType": "name",
        "hashed": False,
    }
    achievement_url = f"{world.platform.base_url}/orgs/acme/achievements/{world.achievement_id}"
    assert subject["achievement"]["id"] == achievement_url
    assert document["evidence"][0]["id"] == "https://portfolio.example/ada"
    assert [s["statusPurpose"] for s in document["credentialStatus"]] == [
        "revocation",
        "suspension",
    ]
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    report = verify(world, credential)
    assert report.verified, report.to_json()
    assert all("Not" in m for m in status_messages(report))

    with world.platform.uow() as uow:
        job = uow.jobs.claim(world.clock(), timedelta(minutes=1), ("email.award",))
        actions = [e.action for e in uow.audit.for_org(world.org.id)]
    assert job is not None and job.payload["credential_id"] == credential.id
    assert job.payload["email"] == "learner@example.org"
    token = str(job.payload["claim_token"])
    assert credential.claim_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert "credential.award" in actions

    world.clock.advance(days=1)
    revoked = revoke(world.platform, world.issuer(), credential.id, "issued in error")
    assert revoked.revoked and revoked.status_reason == "issued in error"
    report = verify(world, credential)
    assert not report.verified
    assert any("revoked" in m for m in status_messages(report))
    with pytest.raises(Conflict, match="permanent"):
        reinstate(world.platform, world.issuer(), credential.id, "oops")
    with world.platform.uow() as uow:
        last = uow.audit.for_org(world.org.id, limit=1)[0]
    assert (last.action, last.detail) == ("credential.revoke", {"reason": "issued in error"})
    assert count(engine, schema.credentials) == 1


def test_suspend_and_reinstate(world: World) -> None:
    credential = _issue(world, "s@example.org", "k-s")
    suspend(world.platform, world.issuer(), credential.id, "under review")
    report = verify(world, credential)
    assert not report.verified and any("suspended" in m for m in status_messages(report))
    with pytest.raises(Conflict, match="already suspended"):
        suspend(world.platform, world.issuer(), credential.id, "again")
    url = str(credential.document["id"])
    back = reinstate(world.platform, world.issuer(), url, "review passed")  # by its URL too
    assert not back.suspended and not back.revoked
    assert verify(world, credential).verified
    with pytest.raises(InvalidInput, match="reason"):
        suspend(world.platform, world.issuer(), credential.id, "  ")
    with pytest.raises(NotFound):
        revoke(world.platform, world.issuer(), "no-such-credential", "x")


def _issue(world: World, email: str, key: str) -> StoredCredential:
    return award(
        world.platform,
        world.issuer(),
        world.org.id,
        world.achievement_id,
        email,
        idempotency_key=key,
    ).credential


def test_the_same_idempotency_key_issues_once(world: World, engine: Engine) -> None:
    first = award(
        world.platform,
        world.issuer(),
        world.org.id,
        world.achievement_id,
        "a@example.org",
        idempotency_key="same",
    )
    before = counts(engine)
    again = award(
        world.platform,
        world.issuer(),
        world.org.id,
        world.achievement_id,
        "other@example.org",
        idempotency_key="same",
    )
    assert first.created and not again.created
    assert again.credential == first.credential
    assert counts(engine) == before == {"credentials": 1, "status_entries": 2, "jobs": 1}


def test_only_issuers_award_only_published_achievements(world: World, engine: Engine) -> None:
    with pytest.raises(PermissionDenied):
        award(
            world.platform,
            world.viewer(),
            world.org.id,
            world.achievement_id,
            "a@example.org",
            idempotency_key="v",
        )
    draft = create_achievement(world.platform, SYSTEM, world.org.id, fields(name="Draft"))
    with pytest.raises(Conflict, match="only a published achievement"):
        award(world.platform, SYSTEM, world.org.id, draft.id, "a@example.org", idempotency_key="d")
    retire_achievement(world.platform, SYSTEM, world.achievement_id)
    with pytest.raises(Conflict, match="retired"):
        award(
            world.platform,
            SYSTEM,
            world.org.id,
            world.achievement_id,
            "a@example.org",
            idempotency_key="r",
        )
    with pytest.raises(NotFound):
        award(world.platform, SYSTEM, world.org.id, "missing", "a@example.org", idempotency_key="m")
    assert counts(engine) == {"credentials": 0, "status_entries": 0, "jobs": 0}
    credential = _issue_as(world, SYSTEM)
    with pytest.raises(PermissionDenied):
        revoke(world.platform, world.viewer(), credential.id, "not mine to revoke")


def _issue_as(world: World, actor: Actor) -> StoredCredential:
    publish = create_achievement(world.platform, actor, world.org.id, fields(name="Other"))
    publish_achievement(world.platform, actor, publish.id)
    return award(
        world.platform, actor, world.org.id, publish.id, "a@example.org", idempotency_key="ok"
    ).credential


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"recipient_email": "x@"}, 'email: "x@" is not an email address'),
        ({"recipient_did": "ada"}, 'identifier: "ada" is not a DID'),
        ({"evidence_url": "ftp://x"}, "evidence_url"),
        ({"issued_on": T0 + timedelta(days=2)}, "issued_on: 2026-03-03T12:00:00Z is in the future"),
        ({"idempotency_key": ""}, "idempotency_key"),
    ],
)
def test_bad_requests_issue_nothing(
    world: World, engine: Engine, changes: dict[str, object], words: str
) -> None:
    arguments: dict[str, object] = {"recipient_email": "a@example.org", "idempotency_key": "k"}
    arguments.update(changes)
    with pytest.raises(InvalidInput, match=words):
        award(world.platform, SYSTEM, world.org.id, world.achievement_id, **arguments)  # type: ignore[arg-type]
    assert counts(engine)["credentials"] == 0


def test_backdated_awards_take_their_validity_from_the_issue_date(world: World) -> None:
    issued = award(
        world.platform,
        SYSTEM,
        world.org.id,
        world.achievement_id,
        "b@example.org",
        issued_on=T0 - timedelta(days=400),
        idempotency_key="old",
    )
    document = issued.credential.document
    assert document["validFrom"] == "2025-01-25T12:00:00Z"
    assert document["validUntil"] == "2026-01-25T12:00:00Z"
    report = verify(world, issued.credential)
    assert not report.verified and report.get("validity") is not None
    assert issued.credential.issued_at == T0


@pytest.mark.parametrize("suite", ["eddsa-jcs-2022", "jose"])
def test_other_signing_suites(engine: Engine, loader: DocumentLoader, suite: str) -> None:
    world = make_world(engine, loader, suite=suite)
    credential = _issue(world, "j@example.org", "k")
    if suite == "jose":
        assert credential.jwt is not None and credential.jwt.count(".") == 2
        assert "proof" not in credential.document
    else:
        assert credential.document["proof"]["cryptosuite"] == suite
    assert verify(world, credential).verified
    revoke(world.platform, SYSTEM, credential.id, "test")
    assert not verify(world, credential).verified


def test_status_positions_are_unique_and_lists_rotate(world: World, engine: Engine) -> None:
    for purpose in StatusPurpose:
        open_list(world.platform, SYSTEM, world.org.id, purpose, length=100)
    for n in range(300):
        _issue(world, f"learner{n}@example.org", f"k{n}")
    with engine.connect() as connection:
        rows = connection.execute(
            select(schema.status_entries.c.list_id, schema.status_entries.c.position)
        ).all()
    lists = [(r.purpose.value, r.length, r.used) for r in lists_of(world)]
    assert len(rows) == 600 and len(set(rows)) == 600
    small = {r.id for r in lists_of(world) if r.length == 100}
    assert all(position < 100 for list_id, position in rows if list_id in small)
    assert sorted(lists) == [
        ("revocation", 100, 100),
        ("revocation", 131_072, 200),
        ("suspension", 100, 100),
        ("suspension", 131_072, 200),
    ]


def lists_of(world: World) -> list[StatusListRecord]:
    with world.platform.uow() as uow:
        return uow.status.lists_for_org(world.org.id)


def test_concurrent_awards_share_nothing(world: World, engine: Engine) -> None:
    for purpose in StatusPurpose:
        open_list(world.platform, SYSTEM, world.org.id, purpose, length=16)

    def work(thread: int) -> list[bool]:
        made = [_issue(world, f"t{thread}-{n}@example.org", f"t{thread}-{n}") for n in range(5)]
        same = award(
            world.platform,
            SYSTEM,
            world.org.id,
            world.achievement_id,
            "same@example.org",
            idempotency_key="same",
        )
        return [bool(made), same.created]

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(work, range(4)))
    assert sum(created for _, created in results) == 1  # one thread issued "same"
    with engine.connect() as connection:
        rows = connection.execute(
            select(schema.status_entries.c.list_id, schema.status_entries.c.position)
        ).all()
    assert len(rows) == len(set(rows)) == 2 * 21
    assert sorted((r.length, r.used) for r in lists_of(world)) == [
        (16, 16),
        (16, 16),
        (131_072, 5),
        (131_072, 5),
    ]


def test_a_small_list_fills_every_position_before_the_next(world: World, engine: Engine) -> None:
    small = open_list(world.platform, SYSTEM, world.org.id, StatusPurpose.REVOCATION, length=8)
    for n in range(10):
        _issue(world, f"l{n}@example.org", f"k{n}")
    with engine.connect() as connection:
        positions = connection.execute(
            select(schema.status_entries.c.position).where(
                schema.status_entries.c.list_id == small.id
            )
        ).scalars()
        assert sorted(positions) == list(range(8))
    with pytest.raises(InvalidInput, match="length"):
        open_list(world.platform, SYSTEM, world.org.id, StatusPurpose.REVOCATION, length=4)
    with pytest.raises(PermissionDenied):
        open_list(world.platform, world.issuer(), world.org.id, StatusPurpose.REVOCATION)


def test_a_taken_position_is_refused_and_the_transaction_goes_on(world: World) -> None:
    first = _issue(world, "a@example.org", "a")
    with world.platform.uow() as uow:
        entry = uow.status.entries_for(first.id)[0]
        assert not uow.status.add_entry(entry.list_id, entry.position, first.id)
        assert uow.status.add_entry(entry.list_id, (entry.position + 1) % 131_072, first.id)
        uow.commit()
    with world.platform.uow() as uow:
        assert len(uow.status.positions(entry.list_id)) == 2


def test_validity_in_days(world: World) -> None:
    draft = create_achievement(
        world.platform, SYSTEM, world.org.id, fields(validity=Validity(days=30))
    )
    publish_achievement(world.platform, SYSTEM, draft.id)
    issued = award(
        world.platform, SYSTEM, world.org.id, draft.id, "d@example.org", idempotency_key="d"
    )
    assert issued.credential.document["validUntil"] == "2026-03-31T12:00:00Z"
    assert issued.credential.valid_until == T0 + timedelta(days=30)
