"""API keys and login sessions (tables ``api_keys`` and ``sessions``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from microcred.adapters.db import schema as t
from microcred.domain.model import Role, User
from microcred.services.ports import ApiKey, LoginSession


class AccessRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    # ------------------------------------------------------------------ API keys
    def add_key(self, key: ApiKey) -> None:
        self._c.execute(
            insert(t.api_keys).values(
                id=key.id,
                org_id=key.org_id,
                name=key.name,
                role=key.role.value,
                prefix=key.prefix,
                secret_hash=key.secret_hash,
                created_at=key.created_at,
                revoked_at=key.revoked_at,
            )
        )

    def key_by_prefix(self, prefix: str) -> ApiKey | None:
        row = self._c.execute(select(t.api_keys).where(t.api_keys.c.prefix == prefix))
        return _api_key(row.mappings().first())

    def keys_for_org(self, org_id: str) -> list[ApiKey]:
        query = (
            select(t.api_keys)
            .where(t.api_keys.c.org_id == org_id)
            .order_by(t.api_keys.c.created_at, t.api_keys.c.id)
        )
        return [k for k in map(_api_key, self._c.execute(query).mappings()) if k is not None]

    def revoke_key(self, key_id: str, at: datetime) -> None:
        self._c.execute(
            update(t.api_keys)
            .where((t.api_keys.c.id == key_id) & t.api_keys.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    # ------------------------------------------------------------------ sessions
    def add_session(self, session: LoginSession) -> None:
        self._c.execute(
            insert(t.sessions).values(
                token_hash=session.token_hash,
                user_id=session.user_id,
                created_at=session.created_at,
                expires_at=session.expires_at,
            )
        )

    def session_user(self, token_hash: str, now: datetime) -> User | None:
        """The user of an unexpired session, or None."""
        query = (
            select(t.users)
            .join(t.sessions, t.sessions.c.user_id == t.users.c.id)
            .where((t.sessions.c.token_hash == token_hash) & (t.sessions.c.expires_at > now))
        )
        row = self._c.execute(query).mappings().first()
        if row is None:
            return None
        return User(row["id"], row["email"], row["name"], row["password_hash"])

    def delete_session(self, token_hash: str) -> None:
        self._c.execute(delete(t.sessions).where(t.sessions.c.token_hash == token_hash))

    def delete_expired_sessions(self, user_id: str, now: datetime) -> int:
        result = self._c.execute(
            delete(t.sessions).where(
                (t.sessions.c.user_id == user_id) & (t.sessions.c.expires_at <= now)
            )
        )
        return int(result.rowcount)

    # ------------------------------------------------------------------ failed sign-ins
    def failures_since(self, email_digest: str, since: datetime) -> int:
        f = t.sign_in_failures
        query = select(func.count()).where((f.c.email_digest == email_digest) & (f.c.at > since))
        return int(self._c.execute(query).scalar_one())

    def add_failure(self, email_digest: str, at: datetime, forget_before: datetime) -> None:
        f = t.sign_in_failures
        self._c.execute(
            delete(f).where((f.c.email_digest == email_digest) & (f.c.at <= forget_before))
        )
        self._c.execute(insert(f).values(email_digest=email_digest, at=at))

    def clear_failures(self, email_digest: str) -> None:
        f = t.sign_in_failures
        self._c.execute(delete(f).where(f.c.email_digest == email_digest))


def _api_key(row: Any) -> ApiKey | None:
    if row is None:
        return None
    return ApiKey(
        id=row["id"],
        org_id=row["org_id"],
        name=row["name"],
        role=Role(row["role"]),
        prefix=row["prefix"],
        secret_hash=row["secret_hash"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )
