"""Organisations that issue as the did:key of their one key, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from microcred.core.dids import Resolver
from microcred.core.keys import Ed25519PublicKey
from microcred.core.loader import DocumentLoader
from microcred.domain.awards import StoredCredential
from microcred.domain.model import SYSTEM
from microcred.services.achievements import create_achievement, publish_achievement
from microcred.services.awards import award
from microcred.services.bulk_awards import bulk_award
from microcred.services.errors import Conflict, InvalidInput
from microcred.services.keys import did_of, mark_compromised, rotate_key, signing_method
from microcred.services.organisations import create_organisation
from microcred.services.status import revoke, status_list_credential
from tests.unit.services.issuing_support import (
    Clock,
    World,
    fields,
    make_platform,
    status_messages,
    verify,
)


@dataclass
class KeyWorld(World):
    """A world whose organisation issues as a did:key (read once: ``did`` is read inside
    units of work)."""

    key_did: str = ""

    @property
    def did(self) -> str:
        return self.key_did


def make_key_world(engine: Engine, loader: DocumentLoader, suite: str) -> KeyWorld:
    clock = Clock()
    platform = make_platform(engine, clock)
    org = create_organisation(
        platform,
        name="Keyed Academy",
        slug="keyed",
        owner_email="o@keyed.example",
        signing_suite=suite,
        did_method="key",
    )
    draft = create_achievement(platform, SYSTEM, org.id, fields())
    publish_achievement(platform, SYSTEM, draft.id)
    return KeyWorld(platform, clock, org, draft.id, loader, did_of(platform, org))


@pytest.fixture
def world(engine: Engine, loader: DocumentLoader) -> KeyWorld:
    return make_key_world(engine, loader, "eddsa-rdfc-2022")


def _issue(world: World, email: str) -> StoredCredential:
    return award(
        world.platform, SYSTEM, world.org.id, world.achievement_id, email, idempotency_key=email
    ).credential


def test_the_did_is_the_did_key_of_its_only_key(world: KeyWorld) -> None:
    with world.platform.uow() as uow:
        assert uow.organisations.get(world.org.id) == world.org
        keys = uow.keys.for_org(world.org.id)
        created = next(e for e in uow.audit.for_org(world.org.id) if e.subject == world.org.id)
    assert world.org.did_method == "key" and len(keys) == 1
    multikey = keys[0].public_key_multibase
    assert Ed25519PublicKey.from_multibase(multikey).multibase == multikey
    assert keys[0].fragment == multikey
    assert world.did == f"did:key:{multikey}"
    assert created.detail["did_method"] == "key"


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022", "jose"])
def test_it_issues_as_its_did_key_and_verifies_offline(
    engine: Engine, loader: DocumentLoader, suite: str
) -> None:
    world = make_key_world(engine, loader, suite)
    credential = _issue(world, "a@example.org")
    did = world.did
    method = f"{did}#{did.removeprefix('did:key:')}"
    assert credential.document["issuer"]["id"] == did
    assert signing_method(credential) == method
    # the core resolver needs no document for a did:key
    assert Resolver().resolve(method).controller == did
    report = verify(world, credential)
    assert report.verified, report.checks
    list_id = credential.document["credentialStatus"][0]["statusListCredential"].rsplit("/", 1)[1]
    status_list = status_list_credential(world.platform, list_id, loader=loader)
    assert status_list["issuer"] == did
    assert status_list["proof"]["verificationMethod"] == method

    revoke(world.platform, SYSTEM, credential.id, "mistake")
    revoked = verify(world, credential)
    assert not revoked.verified and any("revoked" in m for m in status_messages(revoked))


def test_bulk_awards_are_issued_as_the_did_key(world: KeyWorld) -> None:
    data = b"email,name\na@example.org,Ann\nb@example.org,Bob\n"
    result = bulk_award(world.platform, SYSTEM, world.org.id, world.achievement_id, data)
    assert len(result.issued) == 2
    with world.platform.uow() as uow:
        credentials = [uow.credentials.get(i) for i in result.issued]
    for credential in credentials:
        assert credential is not None and credential.document["issuer"]["id"] == world.did
        assert verify(world, credential).verified


def test_rotation_and_compromise_are_refused(world: KeyWorld) -> None:
    credential = _issue(world, "a@example.org")
    with world.platform.uow() as uow:
        key = uow.keys.for_org(world.org.id)[0]
    with pytest.raises(Conflict, match=r"did:key, whose identifier is its key: rotating"):
        rotate_key(world.platform, SYSTEM, world.org.id)
    at = world.clock.advance(hours=1) - timedelta(minutes=30)
    with pytest.raises(Conflict, match="marking its key compromised"):
        mark_compromised(world.platform, SYSTEM, world.org.id, key.id, at)
    with world.platform.uow() as uow:
        assert uow.keys.for_org(world.org.id) == [key]
        actions = {e.action for e in uow.audit.for_org(world.org.id)}
    assert not actions & {"key.rotate", "key.compromised"}
    assert verify(world, credential).verified
    assert signing_method(_issue(world, "b@example.org")) == signing_method(credential)


@pytest.mark.parametrize("method", ["KEY", "peer", "", "web "])
def test_an_unknown_did_method_changes_nothing(world: KeyWorld, method: str) -> None:
    with pytest.raises(InvalidInput, match=r"choose web .* or key"):
        create_organisation(
            world.platform, name="X", slug="x", owner_email="o@x.example", did_method=method
        )
    with world.platform.uow() as uow:
        assert [o.slug for o in uow.organisations.list()] == ["keyed"]


def test_did_web_organisations_are_unchanged(engine: Engine, world: KeyWorld) -> None:
    web = create_organisation(world.platform, name="W", slug="web", owner_email="o@w.example")
    assert web.did_method == "web"
    assert did_of(world.platform, web) == "did:web:badges.example%3A8443:orgs:web"
    with world.platform.uow() as uow:
        (key,) = uow.keys.for_org(web.id)
    assert key.fragment.startswith("key-")
