"""Shared set-up of the issuing tests: a platform on a test database with a movable clock,
an organisation, a published achievement, and a verifier that trusts only what the
platform itself publishes (its DID document and its signed status lists)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import Engine, func, select

from microcred.adapters.db import schema
from microcred.adapters.db.uow import SqlUnitOfWork
from microcred.adapters.keyvault import AesGcmVault
from microcred.core.dids import Resolver
from microcred.core.loader import DocumentLoader
from microcred.core.report import VerificationReport
from microcred.core.status_list import BitstringStatusChecker
from microcred.core.verify import Verifier, verify_credential
from microcred.domain.achievements import AchievementFields, AlignmentSpec, Validity
from microcred.domain.awards import StoredCredential
from microcred.domain.model import SYSTEM, Actor, Organisation, Role
from microcred.services.achievements import create_achievement, publish_achievement
from microcred.services.identity import did_document, issuer_did
from microcred.services.organisations import Platform, create_organisation
from microcred.services.status import status_list_credential

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
BASE = "https://badges.example:8443"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def make_platform(engine: Engine, clock: Clock) -> Platform:
    return Platform(
        uow=lambda: SqlUnitOfWork(engine),
        vault=AesGcmVault.from_secret("test secret"),
        clock=clock,
        base_url=BASE,
        passwords=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
    )


def fields(**changes: Any) -> AchievementFields:
    base = AchievementFields(
        name="Data Literacy",
        description="Reads, questions and explains data.",
        criteria_narrative="Completed the **four** modules and the final project.",
        achievement_type="Badge",
        alignments=(
            AlignmentSpec(
                "Interpret data",
                "https://framework.example/skills/interpret",
                target_framework="Skills",
                target_code="D1",
                target_type="ceasn:Competency",
            ),
        ),
        tags=("data", "literacy"),
        credits_available=1.5,
        validity=Validity(months=12),
    )
    return replace(base, **changes)


@dataclass
class World:
    platform: Platform
    clock: Clock
    org: Organisation
    achievement_id: str
    loader: DocumentLoader

    @property
    def did(self) -> str:
        return issuer_did(self.platform.base_url, self.org.slug)

    def viewer(self) -> Actor:
        return Actor("user", "viewer-1", self.org.id, Role.VIEWER)

    def issuer(self) -> Actor:
        return Actor("user", "issuer-1", self.org.id, Role.ISSUER)


def make_world(
    engine: Engine, loader: DocumentLoader, suite: str = "eddsa-rdfc-2022", slug: str = "acme"
) -> World:
    clock = Clock()
    platform = make_platform(engine, clock)
    org = create_organisation(
        platform, name="Acme Academy", slug=slug, owner_email="o@acme.example", signing_suite=suite
    )
    draft = create_achievement(platform, SYSTEM, org.id, fields())
    publish_achievement(platform, SYSTEM, draft.id)
    return World(platform, clock, org, draft.id, loader)


def verifier(world: World) -> Verifier:
    """Resolves the org's did:web from the keys in the database; checks status against the
    platform's own signed lists (whose proofs it verifies too)."""
    with world.platform.uow() as uow:
        document = did_document(world.did, uow.keys.for_org(world.org.id))
    base = Verifier(
        loader=world.loader,
        resolver=Resolver(documents={world.did: document}),
        now=world.clock,
    )

    def fetch_list(url: str) -> dict[str, Any]:
        return status_list_credential(world.platform, url.rsplit("/", 1)[1], loader=world.loader)

    checker = BitstringStatusChecker(
        fetch_list=fetch_list, verify_list=lambda doc: verify_credential(doc, verifier=base)
    )
    return replace(base, status_checker=checker)


def verify(world: World, credential: StoredCredential) -> VerificationReport:
    subject: Any = credential.jwt or credential.document
    return verify_credential(subject, verifier=verifier(world), now=world.clock())


def status_messages(report: VerificationReport) -> list[str]:
    return [c.message for c in report.checks if c.name == "status"]


def count(engine: Engine, table: Any) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def counts(engine: Engine) -> dict[str, int]:
    return {
        name: count(engine, getattr(schema, name))
        for name in ("credentials", "status_entries", "jobs")
    }
