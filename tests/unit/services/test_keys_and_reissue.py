"""Key rotation and compromise; renewing and correcting credentials."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine

from microcred.core.loader import DocumentLoader
from microcred.domain.awards import StoredCredential
from microcred.domain.model import SYSTEM, PermissionDenied
from microcred.services.achievements import edit_achievement, publish_achievement
from microcred.services.awards import award
from microcred.services.errors import Conflict, InvalidInput, NotFound
from microcred.services.keys import mark_compromised, rotate_key, signing_method, trusted_at
from microcred.services.reissue import correct, renew
from microcred.services.status import revoke
from tests.unit.services.issuing_support import (
    World,
    fields,
    make_world,
    status_messages,
    verify,
)


@pytest.fixture
def world(engine: Engine, loader: DocumentLoader) -> World:
    return make_world(engine, loader)


def _issue(world: World, email: str, key: str) -> StoredCredential:
    return award(
        world.platform, SYSTEM, world.org.id, world.achievement_id, email, idempotency_key=key
    ).credential


def test_rotation_keeps_old_credentials_verifiable(world: World) -> None:
    old = _issue(world, "a@example.org", "a")
    world.clock.advance(seconds=1)
    with pytest.raises(PermissionDenied):
        rotate_key(world.platform, world.issuer(), world.org.id)
    new_key = rotate_key(world.platform, SYSTEM, world.org.id)
    new = _issue(world, "b@example.org", "b")
    assert signing_method(new) == f"{world.did}#{new_key.fragment}"
    assert signing_method(old) != signing_method(new)
    with world.platform.uow() as uow:
        keys = uow.keys.for_org(world.org.id)
    assert [k.retired_at is not None for k in keys] == [True, False]
    assert verify(world, old).verified and verify(world, new).verified
    # the status list of both is now re-signed by the new key; the old one still checks
    revoke(world.platform, SYSTEM, new.id, "test")
    assert verify(world, old).verified
    assert not verify(world, new).verified


def test_a_compromised_key_is_replaced_and_what_it_signed_after_is_listed(
    world: World,
) -> None:
    before = _issue(world, "a@example.org", "a")
    t1 = world.clock.advance(hours=1)
    after = _issue(world, "b@example.org", "b")
    world.clock.advance(hours=1)
    with world.platform.uow() as uow:
        key = uow.keys.for_org(world.org.id)[0]
    with pytest.raises(InvalidInput, match="future"):
        mark_compromised(world.platform, SYSTEM, world.org.id, key.id, t1 + timedelta(days=1))
    report = mark_compromised(world.platform, SYSTEM, world.org.id, key.id, t1)
    assert report.affected == [after.id]
    assert report.replacement is not None and report.key.id == key.id
    with pytest.raises(Conflict, match="already"):
        mark_compromised(world.platform, SYSTEM, world.org.id, key.id, t1)
    with pytest.raises(NotFound):
        mark_compromised(world.platform, SYSTEM, world.org.id, "nope", t1)
    with world.platform.uow() as uow:
        marked = next(k for k in uow.keys.for_org(world.org.id) if k.id == key.id)
        actions = [e.action for e in uow.audit.for_org(world.org.id, limit=2)]
    assert marked.compromised_at == t1
    assert actions == ["key.compromised", "key.create"]
    assert trusted_at(marked, before.issued_at) and not trusted_at(marked, after.issued_at)
    replaced = _issue(world, "c@example.org", "c")
    assert signing_method(replaced) == f"{world.did}#{report.replacement.fragment}"
    assert verify(world, before).verified and verify(world, replaced).verified


def test_renewal_links_to_the_credential_it_replaces(world: World) -> None:
    old = award(
        world.platform,
        SYSTEM,
        world.org.id,
        world.achievement_id,
        "r@example.org",
        recipient_name="Ren",
        idempotency_key="r",
    ).credential
    world.clock.advance(days=300)
    new_version = edit_achievement(world.platform, SYSTEM, world.achievement_id, fields())
    publish_achievement(world.platform, SYSTEM, new_version.id)
    with pytest.raises(InvalidInput, match="recipient_email"):
        renew(world.platform, SYSTEM, old.id, recipient_email="someone@else.org")
    renewed = renew(world.platform, SYSTEM, old.id, recipient_email="R@example.org")
    credential = renewed.credential
    assert renewed.created and credential.replaces_id == old.id
    assert credential.achievement_id == new_version.id
    subject, old_subject = (c.document["credentialSubject"] for c in (credential, old))
    assert subject["identifier"] == old_subject["identifier"]
    assert credential.document["validFrom"] == "2026-12-26T12:00:00Z"
    assert verify(world, credential).verified and verify(world, old).verified
    again = renew(world.platform, SYSTEM, old.id)
    assert not again.created and again.credential.id == credential.id
    with world.platform.uow() as uow:
        jobs = uow.jobs.counts()
    assert jobs == {"queued": 2}  # the award's email, and the renewal's


def test_correction_reissues_and_revokes_the_old_one(world: World) -> None:
    old = award(
        world.platform,
        SYSTEM,
        world.org.id,
        world.achievement_id,
        "c@example.org",
        recipient_name="Jon",
        narrative="Old text.",
        idempotency_key="c",
    ).credential
    world.clock.advance(minutes=5)
    with pytest.raises(InvalidInput, match="evidence_url"):
        correct(world.platform, SYSTEM, old.id, reason="typo", evidence_url="nope")
    fixed = correct(world.platform, SYSTEM, old.id, reason="name misspelt", recipient_name="John")
    credential = fixed.credential
    assert credential.replaces_id == old.id
    identifiers = credential.document["credentialSubject"]["identifier"]
    assert [i["identityHash"] for i in identifiers][1] == "John"
    assert identifiers[0] == old.document["credentialSubject"]["identifier"][0]
    assert credential.document["evidence"][0]["narrative"] == "Old text."
    assert credential.document["validFrom"] == old.document["validFrom"]
    assert verify(world, credential).verified
    report = verify(world, old)
    assert any("revoked" in m for m in status_messages(report))
    with world.platform.uow() as uow:
        stored = uow.credentials.get(old.id)
    assert stored is not None and stored.status_reason == "corrected: name misspelt"
    with pytest.raises(Conflict, match="revoked"):
        correct(world.platform, SYSTEM, old.id, reason="again")
    with pytest.raises(Conflict, match="cannot be renewed"):
        renew(world.platform, SYSTEM, old.id)
    with pytest.raises(InvalidInput, match="reason"):
        correct(world.platform, SYSTEM, credential.id, reason=" ")
