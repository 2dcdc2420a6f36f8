"""Issued credentials, on the unit of work's connection."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from microcred.adapters.db import schema as t
from microcred.domain.awards import StoredCredential

_C = t.credentials


class CredentialRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, credential: StoredCredential) -> bool:
        """Insert ``credential``; False (and nothing inserted) when its idempotency key is
        already taken in its organisation, e.g. by a concurrent award that committed first."""
        try:
            with self._c.begin_nested():
                self._c.execute(insert(_C).values(**_values(credential)))
        except IntegrityError:
            if self.by_idempotency_key(credential.org_id, credential.idempotency_key) is None:
                raise
            return False
        return True

    def set_document(
        self, credential_id: str, document: Mapping[str, Any], jwt: str | None
    ) -> None:
        self._c.execute(
            update(_C).where(_C.c.id == credential_id).values(document=dict(document), jwt=jwt)
        )

    def set_status(
        self, credential_id: str, *, revoked: bool, suspended: bool, reason: str | None
    ) -> None:
        self._c.execute(
            update(_C)
            .where(_C.c.id == credential_id)
            .values(revoked=revoked, suspended=suspended, status_reason=reason)
        )

    def get(self, credential_id: str) -> StoredCredential | None:
        row = self._c.execute(select(_C).where(_C.c.id == credential_id)).mappings().first()
        return None if row is None else StoredCredential(**dict(row))

    def by_idempotency_key(self, org_id: str, key: str) -> StoredCredential | None:
        where = (_C.c.org_id == org_id) & (_C.c.idempotency_key == key)
        row = self._c.execute(select(_C).where(where)).mappings().first()
        return None if row is None else StoredCredential(**dict(row))

    def issued_since(self, org_id: str, since: datetime) -> list[StoredCredential]:
        """The organisation's credentials signed at or after ``since``, oldest first."""
        query = (
            select(_C)
            .where((_C.c.org_id == org_id) & (_C.c.issued_at >= since))
            .order_by(_C.c.issued_at, _C.c.id)
        )
        return [StoredCredential(**dict(r)) for r in self._c.execute(query).mappings()]

    def for_org(self, org_id: str, limit: int = 100) -> list[StoredCredential]:
        query = (
            select(_C)
            .where(_C.c.org_id == org_id)
            .order_by(_C.c.issued_at.desc(), _C.c.id)
            .limit(limit)
        )
        return [StoredCredential(**dict(r)) for r in self._c.execute(query).mappings()]


def _values(credential: StoredCredential) -> dict[str, Any]:
    return {
        "id": credential.id,
        "org_id": credential.org_id,
        "achievement_id": credential.achievement_id,
        "idempotency_key": credential.idempotency_key,
        "recipient_email_hash": credential.recipient_email_hash,
        "recipient_did": credential.recipient_did,
        "document": dict(credential.document),
        "jwt": credential.jwt,
        "revoked": credential.revoked,
        "suspended": credential.suspended,
        "status_reason": credential.status_reason,
        "replaces_id": credential.replaces_id,
        "claim_token_hash": credential.claim_token_hash,
        "issued_at": credential.issued_at,
        "valid_until": credential.valid_until,
    }
