"""Tables of the platform.  Alembic migrations (``migrations/``) create them; this module
is what the code reads and writes through.  Every table that holds tenant data carries
``org_id`` so that each query can be scoped to one organisation.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (naive storage) as on
    PostgreSQL (timestamptz).  A naive datetime is a programming error and refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: give a timezone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)


def _at(name: str, *, nullable: bool = False) -> Column[object]:
    return Column(name, UtcDateTime(), nullable=nullable)


organisations = Table(
    "organisations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("slug", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("url", String(500)),
    Column("email", String(320)),
    Column("description", Text),
    Column("signing_suite", String(32), nullable=False, default="eddsa-rdfc-2022"),
    _at("created_at"),
    # "web" or "key" (see domain.model.DID_METHODS); fixed at creation
    Column("did_method", String(8), nullable=False, server_default="web"),
    # "#rrggbb" of the organisation's pages and generated badges; None: the default
    Column("brand_colour", String(7)),
    Column("logo_image_id", String(36)),
)

users = Table(
    "users",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("name", String(200)),
    Column("password_hash", String(200)),
    _at("created_at"),
)

memberships = Table(
    "memberships",
    metadata,
    Column("org_id", String(36), ForeignKey("organisations.id"), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id"), primary_key=True),
    Column("role", String(16), nullable=False),
    _at("created_at"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id"), nullable=False),
    _at("created_at"),
    _at("expires_at"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("org_id", String(36), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("prefix", String(16), nullable=False, unique=True),
    Column("secret_hash", String(200), nullable=False),
    _at("created_at"),
    _at("revoked_at", nullable=True),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("org_id", String(36), index=True),
    Column("actor", String(200), nullable=False),
    Column("action", String(64), nullable=False),
    Column("subject", String(500)),
    Column("detail", JSON, nullable=False, default=dict),
    _at("at"),
)

signing_keys = Table(
    "signing_keys",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("org_id", String(36), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("fragment", String(100), nullable=False),
    Column("public_key_multibase", String(100), nullable=False),
    Column("encrypted_seed", LargeBinary, nullable=False),
    _at("created_at"),
    _at("retired_at", nullable=True),
    _at("compromised_at", nullable=True),
    UniqueConstraint("org_id", "fragment"),
)

achievements = Table(
    "achievements",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("org_id", String(36), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("lineage_id", String(36), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    Column("data", JSON, nullable=False),
    _at("created_at"),
    UniqueConstraint("lineage_id", "version"),
)

credentials = Table(
    "credentials",
    metadata,
    Column("id", String(36), primary_key=True),
    # queries by organisation use the unique index on (org_id, idempotency_key) below
    Column("org_id", String(36), ForeignKey("organisations.id"), nullable=False),
    # NULL for a credential the caller wrote (W3C VC-API): it belongs to no achievement.
    Column("achievement_id", String(36), ForeignKey("achievements.id"), nullable=True),
    Column("idempotency_key", String(200), nullable=False),
    Column("recipient_email_hash", String(100)),
    Column("recipient_did", String(500)),
    Column("document", JSON, nullable=False),
    Column("jwt", Text),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("suspended", Boolean, nullable=False, default=False),
    Column("status_reason", Text),
    Column("replaces_id", String(36)),
    Column("claim_token_hash", String(64), index=True),
    _at("issued_at"),
    _at("valid_until", nullable=True),
    # lower-case record id and names of the document (domain.credential_search), searched
    Column("search_text", Text),
    UniqueConstraint("org_id", "idempotency_key"),
)

status_lists = Table(
    "status_lists",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("org_id", String(36), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("purpose", String(16), nullable=False),
    Column("length", Integer, nullable=False),
    Column("used", Integer, nullable=False, default=0),
    Column("document", JSON),
    _at("created_at"),
    _at("updated_at"),
)

status_entries = Table(
    "status_entries",
    metadata,
    Column("list_id", String(36), ForeignKey("status_lists.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("credential_id", String(36), ForeignKey("credentials.id"), nullable=False),
    Column("value", Integer, nullable=False, default=0),
    Index("ix_status_entries_credential", "credential_id"),
)

jobs = Table(
    "jobs",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("kind", String(64), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("state", String(16), nullable=False, default="queued"),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    _at("run_at"),
    _at("locked_until", nullable=True),
    Index("ix_jobs_ready", "state", "run_at"),
)

bulk_awards = Table(
    "bulk_awards",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("org_id", String(36), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("achievement_id", String(36), nullable=False),
    Column("actor_kind", String(16), nullable=False),
    Column("actor_id", String(200), nullable=False),
    Column("actor_role", String(16), nullable=False),
    Column("skip_bad_rows", Boolean, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("job_id", BigInteger().with_variant(Integer, "sqlite"), nullable=False),
    Column("done", Integer, nullable=False, default=0),
    Column("total", Integer, nullable=False, default=0),
    Column("result", JSON),
    _at("created_at"),
    _at("updated_at"),
)


images = Table(
    "images",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("org_id", String(36), ForeignKey("organisations.id"), nullable=False, index=True),
    # image/png or image/svg+xml, sanitised before it is stored
    Column("media_type", String(32), nullable=False),
    Column("data", LargeBinary, nullable=False),
    _at("created_at"),
)

invitations = Table(
    "invitations",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id"), nullable=False, index=True),
    Column("org_id", String(36), ForeignKey("organisations.id"), nullable=False),
    _at("created_at"),
    _at("expires_at"),
)

sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    # SHA-256 of the lower-case address: who failed, without keeping the address
    Column("email_digest", String(64), nullable=False, index=True),
    _at("at"),
)
