"""The unit of work over SQLAlchemy: one connection, one transaction, its repositories."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine

from microcred.adapters.db.access import AccessRepository
from microcred.adapters.db.achievements import AchievementRepository
from microcred.adapters.db.audit_log import AuditLogRepository
from microcred.adapters.db.bulk_awards import BulkAwardRepository
from microcred.adapters.db.claims import ClaimRepository
from microcred.adapters.db.credentials import CredentialRepository
from microcred.adapters.db.engine import READ_ONLY
from microcred.adapters.db.images import ImageRepository
from microcred.adapters.db.insights import InsightRepository
from microcred.adapters.db.invitations import InvitationRepository
from microcred.adapters.db.jobs import JobRepository
from microcred.adapters.db.org_settings import OrganisationSettingsRepository
from microcred.adapters.db.repositories import (
    AuditRepository,
    MemberRepository,
    OrganisationRepository,
    SigningKeyRepository,
)
from microcred.adapters.db.status import StatusRepository


class SqlUnitOfWork:
    """``with uow: ...; uow.commit()`` — leaving without commit rolls everything back."""

    connection: Connection
    organisations: OrganisationRepository
    members: MemberRepository
    audit: AuditRepository
    keys: SigningKeyRepository
    jobs: JobRepository
    achievements: AchievementRepository
    credentials: CredentialRepository
    status: StatusRepository
    access: AccessRepository
    bulk_awards: BulkAwardRepository
    invitations: InvitationRepository
    insights: InsightRepository
    audit_log: AuditLogRepository
    org_settings: OrganisationSettingsRepository
    images: ImageRepository
    claims: ClaimRepository

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self._engine = engine
        self._read_only = read_only

    def __enter__(self) -> Self:
        self.connection = self._engine.connect()
        if self._read_only:  # SQLite: a reader takes no write lock (see engine.py)
            self.connection.execution_options(**{READ_ONLY: True})
        self._transaction = self.connection.begin()
        self.organisations = OrganisationRepository(self.connection)
        self.members = MemberRepository(self.connection)
        self.audit = AuditRepository(self.connection)
        self.keys = SigningKeyRepository(self.connection)
        self.jobs = JobRepository(self.connection)
        self.achievements = AchievementRepository(self.connection)
        self.credentials = CredentialRepository(self.connection)
        self.status = StatusRepository(self.connection)
        self.access = AccessRepository(self.connection)
        self.bulk_awards = BulkAwardRepository(self.connection)
        self.invitations = InvitationRepository(self.connection)
        self.insights = InsightRepository(self.connection)
        self.audit_log = AuditLogRepository(self.connection)
        self.org_settings = OrganisationSettingsRepository(self.connection)
        self.images = ImageRepository(self.connection)
        self.claims = ClaimRepository(self.connection)
        return self

    def commit(self) -> None:
        self._transaction.commit()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._transaction.is_active:
            self._transaction.rollback()
        self.connection.close()
