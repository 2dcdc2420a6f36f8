"""Repositories: typed reads and writes of one aggregate each, on the caller's connection."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from microcred.adapters.db import schema as t
from microcred.domain.model import AuditEntry, Organisation, Role, StoredKey, User


class OrganisationRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, org: Organisation) -> None:
        self._c.execute(
            insert(t.organisations).values(
                id=org.id,
                slug=org.slug,
                name=org.name,
                url=org.url,
                email=org.email,
                description=org.description,
                signing_suite=org.signing_suite,
                created_at=org.created_at,
                did_method=org.did_method,
            )
        )

    def get(self, org_id: str) -> Organisation | None:
        row = self._c.execute(select(t.organisations).where(t.organisations.c.id == org_id))
        return _organisation(row.mappings().first())

    def by_slug(self, slug: str) -> Organisation | None:
        row = self._c.execute(select(t.organisations).where(t.organisations.c.slug == slug))
        return _organisation(row.mappings().first())

    def list(self) -> list[Organisation]:
        rows = self._c.execute(select(t.organisations).order_by(t.organisations.c.slug))
        return [o for o in (_organisation(r) for r in rows.mappings()) if o is not None]


def _organisation(row: Any) -> Organisation | None:
    if row is None:
        return None
    return Organisation(
        id=row["id"],
        slug=row["slug"],
        name=row["name"],
        created_at=row["created_at"],
        signing_suite=row["signing_suite"],
        url=row["url"],
        email=row["email"],
        description=row["description"],
        did_method=row["did_method"],
        brand_colour=row["brand_colour"],
        logo_image_id=row["logo_image_id"],
    )


class MemberRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add_user(self, user: User, created_at: datetime) -> None:
        self._c.execute(
            insert(t.users).values(
                id=user.id,
                email=user.email,
                name=user.name,
                password_hash=user.password_hash,
                created_at=created_at,
            )
        )

    def user_by_email(self, email: str) -> User | None:
        row = self._c.execute(select(t.users).where(t.users.c.email == email)).mappings().first()
        if row is None:
            return None
        return User(row["id"], row["email"], row["name"], row["password_hash"])

    def set_role(self, org_id: str, user_id: str, role: Role, at: datetime) -> None:
        found = self.role(org_id, user_id)
        if found is None:
            self._c.execute(
                insert(t.memberships).values(
                    org_id=org_id, user_id=user_id, role=role.value, created_at=at
                )
            )
        else:
            where = (t.memberships.c.org_id == org_id) & (t.memberships.c.user_id == user_id)
            self._c.execute(update(t.memberships).where(where).values(role=role.value))

    def role(self, org_id: str, user_id: str) -> Role | None:
        where = (t.memberships.c.org_id == org_id) & (t.memberships.c.user_id == user_id)
        value = self._c.execute(select(t.memberships.c.role).where(where)).scalar()
        return Role(value) if value is not None else None

    def memberships(self, user_id: str) -> list[tuple[Organisation, Role]]:
        query = (
            select(t.organisations, t.memberships.c.role)
            .join(t.memberships, t.memberships.c.org_id == t.organisations.c.id)
            .where(t.memberships.c.user_id == user_id)
            .order_by(t.organisations.c.name, t.organisations.c.slug)
        )
        rows = self._c.execute(query).mappings()
        return [(_required(_organisation(row)), Role(row["role"])) for row in rows]

    def members_of(self, org_id: str) -> list[tuple[User, Role]]:
        query = (
            select(t.users, t.memberships.c.role)
            .join(t.memberships, t.memberships.c.user_id == t.users.c.id)
            .where(t.memberships.c.org_id == org_id)
            .order_by(t.users.c.email)
        )
        rows = self._c.execute(query).mappings()
        return [(_user(row), Role(row["role"])) for row in rows]

    def remove(self, org_id: str, user_id: str) -> None:
        where = (t.memberships.c.org_id == org_id) & (t.memberships.c.user_id == user_id)
        self._c.execute(delete(t.memberships).where(where))

    def set_password(self, user_id: str, password_hash: str, name: str | None) -> None:
        values: dict[str, Any] = {"password_hash": password_hash}
        if name is not None:
            values["name"] = name
        self._c.execute(update(t.users).where(t.users.c.id == user_id).values(**values))


def _required(org: Organisation | None) -> Organisation:
    if org is None:  # an inner join always yields the row
        raise LookupError("organisation row missing")
    return org


def _user(row: Any) -> User:
    return User(row["id"], row["email"], row["name"], row["password_hash"])


class AuditRepository:
    """Append-only: there is no update or delete here, by design."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def append(self, entry: AuditEntry) -> None:
        self._c.execute(
            insert(t.audit_log).values(
                org_id=entry.org_id,
                actor=entry.actor,
                action=entry.action,
                subject=entry.subject,
                detail=dict(entry.detail),
                at=entry.at,
            )
        )

    def for_org(self, org_id: str, limit: int = 100) -> list[AuditEntry]:
        query = (
            select(t.audit_log)
            .where(t.audit_log.c.org_id == org_id)
            .order_by(t.audit_log.c.id.desc())
            .limit(limit)
        )
        return [
            AuditEntry(r["org_id"], r["actor"], r["action"], r["subject"], r["detail"], r["at"])
            for r in self._c.execute(query).mappings()
        ]


class SigningKeyRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, key: StoredKey) -> None:
        self._c.execute(
            insert(t.signing_keys).values(
                id=key.id,
                org_id=key.org_id,
                fragment=key.fragment,
                public_key_multibase=key.public_key_multibase,
                encrypted_seed=key.encrypted_seed,
                created_at=key.created_at,
            )
        )

    def for_org(self, org_id: str) -> list[StoredKey]:
        query = (
            select(t.signing_keys)
            .where(t.signing_keys.c.org_id == org_id)
            .order_by(t.signing_keys.c.created_at, t.signing_keys.c.id)
        )
        return [StoredKey(**dict(r)) for r in self._c.execute(query).mappings()]

    def retire(self, key_id: str, at: datetime) -> None:
        self._c.execute(
            update(t.signing_keys).where(t.signing_keys.c.id == key_id).values(retired_at=at)
        )

    def mark_compromised(self, key_id: str, at: datetime) -> None:
        self._c.execute(
            update(t.signing_keys).where(t.signing_keys.c.id == key_id).values(compromised_at=at)
        )
