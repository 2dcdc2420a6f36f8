"""Creating organisations, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select

from microcred.adapters.db import schema
from microcred.adapters.db.uow import SqlUnitOfWork
from microcred.adapters.keyvault import AesGcmVault, VaultError
from microcred.core.dids import Resolver
from microcred.core.issue import issue
from microcred.core.verify import Verifier, verify_credential
from microcred.domain.model import Role
from microcred.services.errors import Conflict, InvalidInput
from microcred.services.identity import current_key, did_document, issuer_did, signing_pair
from microcred.services.organisations import Platform, create_organisation

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def platform(engine: Engine) -> Platform:
    return Platform(
        uow=lambda: SqlUnitOfWork(engine),
        vault=AesGcmVault.from_secret("test secret"),
        clock=lambda: NOW,
        base_url="https://badges.example:8443",
        passwords=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
    )


def test_creates_org_owner_key_and_audit(platform: Platform) -> None:
    org = create_organisation(
        platform,
        name="Acme Academy",
        slug="acme",
        owner_email="Owner@Acme.example",
        owner_password="pw",
    )
    with platform.uow() as uow:
        assert uow.organisations.by_slug("acme") == org
        user = uow.members.user_by_email("owner@acme.example")
        assert user is not None and user.password_hash and user.password_hash.startswith("$argon2")
        assert uow.members.role(org.id, user.id) is Role.OWNER
        keys = uow.keys.for_org(org.id)
        actions = [e.action for e in uow.audit.for_org(org.id)]
    assert len(keys) == 1 and keys[0].encrypted_seed[:1] == b"\x01"
    assert sorted(actions) == ["key.create", "member.role", "organisation.create"]


def test_the_org_signs_with_its_did_web_key(platform: Platform) -> None:
    org = create_organisation(platform, name="Acme", slug="acme", owner_email="o@acme.example")
    did = issuer_did(platform.base_url, org.slug)
    assert did == "did:web:badges.example%3A8443:orgs:acme"
    with platform.uow() as uow:
        keys = uow.keys.for_org(org.id)
    pair = signing_pair(platform.vault, current_key(keys), did)
    document = did_document(did, keys)
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": did,
        "credentialSubject": {"id": "did:example:learner", "name": "Learner"},
    }
    signed = issue(credential, key=pair)
    verifier = Verifier(resolver=Resolver(documents={did: document}))
    assert verify_credential(signed, verifier=verifier).verified
    assert json.dumps(document)  # serialisable as served


def test_sealed_keys_open_only_in_place(platform: Platform, engine: Engine) -> None:
    org = create_organisation(platform, name="Acme", slug="acme", owner_email="o@acme.example")
    with engine.connect() as connection:
        sealed = connection.execute(select(schema.signing_keys.c.encrypted_seed)).scalar_one()
    with platform.uow() as uow:
        key = uow.keys.for_org(org.id)[0]
    assert len(platform.vault.open(sealed, f"{org.id}/{key.id}".encode())) == 32
    with pytest.raises(VaultError):
        platform.vault.open(sealed, f"{org.id}/another-key".encode())
    with pytest.raises(VaultError):
        AesGcmVault.from_secret("other secret").open(sealed, f"{org.id}/{key.id}".encode())


@pytest.mark.parametrize(
    ("slug", "email", "suite", "words"),
    [
        ("Bad Slug", "o@x.example", "eddsa-rdfc-2022", "slug 'Bad Slug'"),
        ("ok", "no-at-sign", "eddsa-rdfc-2022", "not an email address"),
        ("ok", "o@x.example", "rsa", "signing suite 'rsa'"),
    ],
)
def test_bad_input_changes_nothing(
    platform: Platform, slug: str, email: str, suite: str, words: str
) -> None:
    with pytest.raises(InvalidInput, match=words):
        create_organisation(platform, name="X", slug=slug, owner_email=email, signing_suite=suite)
    with platform.uow() as uow:
        assert uow.organisations.list() == []


def test_taken_slug_is_a_conflict_and_rolls_back(platform: Platform) -> None:
    create_organisation(platform, name="A", slug="acme", owner_email="a@x.example")
    with pytest.raises(Conflict, match="taken"):
        create_organisation(platform, name="B", slug="acme", owner_email="b@x.example")
    with platform.uow() as uow:
        assert [o.name for o in uow.organisations.list()] == ["A"]
        assert uow.members.user_by_email("b@x.example") is None


def test_key_file_vault(tmp_path: Path) -> None:
    path = tmp_path / "data" / "vault.key"
    vault = AesGcmVault.from_key_file(path)
    assert (path.stat().st_mode & 0o777) == 0o600
    sealed = vault.seal(b"secret", b"ctx")
    assert AesGcmVault.from_key_file(path).open(sealed, b"ctx") == b"secret"
    with pytest.raises(VaultError, match="not a sealed value"):
        vault.open(b"junk", b"ctx")
    with pytest.raises(ValueError, match="32 bytes"):
        AesGcmVault(b"short")
