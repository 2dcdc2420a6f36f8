"""Issued credentials, on the unit of work's connection."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    bindparam,
    false,
    func,
    insert,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.exc import IntegrityError

from microcred.adapters.db import schema as t
from microcred.adapters.db.bulk import BulkInsert
from microcred.adapters.db.jobs import QUEUED
from microcred.domain.awards import StoredCredential
from microcred.domain.credential_search import CredentialState, like_pattern, search_text
from microcred.domain.model import AuditEntry

_C = t.credentials
#: The columns a StoredCredential is read from (all but the search text).
_READ = tuple(c for c in _C.columns if c.name != "search_text")
#: Statements of the batched writes, built once (executed with a list of dicts).
_BY_KEYS = select(_C.c.idempotency_key, _C.c.id).where(
    (_C.c.org_id == bindparam("org_id"))
    & _C.c.idempotency_key.in_(bindparam("keys", expanding=True))
)
#: The same on PostgreSQL: one probe of the unique index per key (a correlated scalar
#: subquery, which the planner cannot turn into a join), whatever it believes of the
#: table.  With an ``IN`` list, or a join, it may read every credential of the
#: organisation instead (measured: while its statistics still describe a small table).
_BY_KEYS_PG = text(
    "SELECT key AS idempotency_key, id FROM (SELECT k.key, (SELECT c.id FROM credentials c "
    "WHERE c.org_id = :org_id AND c.idempotency_key = k.key) AS id "
    "FROM unnest(CAST(:keys AS text[])) AS k(key)) AS found WHERE id IS NOT NULL"
)
_SET_DOCUMENT = (
    update(_C)
    .where(_C.c.id == bindparam("b_id"))
    .values(
        document=bindparam("b_document"), jwt=bindparam("b_jwt"), search_text=bindparam("b_text")
    )
)
#: Every column is given (no SQLAlchemy column defaults apply to a BulkInsert).
_COLUMNS = tuple(c.name for c in _C.columns)
_INSERT_NEW = BulkInsert(_C, _COLUMNS, conflict=("org_id", "idempotency_key"), returning=("id",))
_COPY_NEW = BulkInsert(_C, _COLUMNS)
_AUDIT = BulkInsert(t.audit_log, ("org_id", "actor", "action", "subject", "detail", "at"))
_JOB = BulkInsert(t.jobs, ("kind", "payload", "state", "attempts", "run_at"))


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

    def ids_by_keys(self, org_id: str, keys: Iterable[str]) -> dict[str, str]:
        """The ids of the organisation's credentials issued under ``keys``, by key."""
        wanted = sorted(set(keys))
        if not wanted:
            return {}
        query = _BY_KEYS_PG if self._c.dialect.name == "postgresql" else _BY_KEYS
        rows = self._c.execute(query, {"org_id": org_id, "keys": wanted})
        return {row.idempotency_key: row.id for row in rows}

    def add_many(self, credentials: Sequence[StoredCredential]) -> set[str]:
        """Insert ``credentials`` (one statement); the ids of those inserted.  One whose
        idempotency key is already taken in its organisation (e.g. by a concurrent award)
        is left out, without failing the transaction.  They are inserted in the order of
        their keys, so that concurrent batches wait for each other instead of deadlocking."""
        if not credentials:
            return set()
        rows = [_values(c) for c in sorted(credentials, key=lambda c: c.idempotency_key)]
        if self._c.dialect.name == "postgresql" and self._copied(rows):
            return {row["id"] for row in rows}
        return {row[0] for row in _INSERT_NEW.run(self._c, rows)}

    def _copied(self, rows: list[dict[str, Any]]) -> bool:
        """PostgreSQL: all ``rows`` in by COPY (the cheapest way, for client and server),
        under a savepoint; False, with none inserted, when a key is taken (a concurrent
        award issued it since the batch looked), for the row-by-row statement to sort out."""
        integrity_error = self._c.dialect.loaded_dbapi.IntegrityError
        try:
            with self._c.begin_nested():
                _COPY_NEW.run(self._c, rows)
        except integrity_error:
            return False
        return True

    def set_documents(self, documents: Sequence[tuple[str, Mapping[str, Any], str | None]]) -> None:
        """Store signed documents: ``(credential id, document, jwt)`` each."""
        if documents:
            self._c.execute(
                _SET_DOCUMENT,
                [
                    {"b_id": i, "b_document": dict(d), "b_jwt": j, "b_text": search_text(i, d)}
                    for i, d, j in documents
                ],
            )

    def add_award_records(
        self,
        entries: Sequence[AuditEntry],
        jobs: Sequence[tuple[str, Mapping[str, object], datetime]],
    ) -> None:
        """What a batch of awards writes beside the credentials, one statement each: their
        audit entries (as :meth:`AuditRepository.append` writes them) and their queued
        jobs ``(kind, payload, run_at)`` (as :meth:`JobRepository.enqueue` does)."""
        if entries:
            _AUDIT.run(
                self._c,
                [
                    {
                        "org_id": e.org_id,
                        "actor": e.actor,
                        "action": e.action,
                        "subject": e.subject,
                        "detail": dict(e.detail),
                        "at": e.at,
                    }
                    for e in entries
                ],
            )
        if jobs:
            _JOB.run(
                self._c,
                [
                    {
                        "kind": kind,
                        "payload": dict(payload),
                        "state": QUEUED,
                        "attempts": 0,
                        "run_at": run_at,
                    }
                    for kind, payload, run_at in jobs
                ],
            )

    def set_document(
        self, credential_id: str, document: Mapping[str, Any], jwt: str | None
    ) -> None:
        self._c.execute(
            update(_C)
            .where(_C.c.id == credential_id)
            .values(
                document=dict(document), jwt=jwt, search_text=search_text(credential_id, document)
            )
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
        row = self._c.execute(select(*_READ).where(_C.c.id == credential_id)).mappings().first()
        return None if row is None else StoredCredential(**dict(row))

    def by_idempotency_key(self, org_id: str, key: str) -> StoredCredential | None:
        where = (_C.c.org_id == org_id) & (_C.c.idempotency_key == key)
        row = self._c.execute(select(*_READ).where(where)).mappings().first()
        return None if row is None else StoredCredential(**dict(row))

    def issued_since(self, org_id: str, since: datetime) -> list[StoredCredential]:
        """The organisation's credentials signed at or after ``since``, oldest first."""
        query = (
            select(*_READ)
            .where((_C.c.org_id == org_id) & (_C.c.issued_at >= since))
            .order_by(_C.c.issued_at, _C.c.id)
        )
        return [StoredCredential(**dict(r)) for r in self._c.execute(query).mappings()]

    def for_org(self, org_id: str, limit: int = 100) -> list[StoredCredential]:
        query = (
            select(*_READ)
            .where(_C.c.org_id == org_id)
            .order_by(_C.c.issued_at.desc(), _C.c.id)
            .limit(limit)
        )
        return [StoredCredential(**dict(r)) for r in self._c.execute(query).mappings()]

    def search(
        self,
        org_id: str,
        *,
        text: str = "",
        email_hash: str | None = None,
        state: CredentialState | None = None,
        now: datetime,
        offset: int = 0,
        limit: int = 25,
    ) -> tuple[list[StoredCredential], int]:
        """The organisation's credentials, newest first, whose search text or recipient DID
        contains ``text`` (lower case) or whose recipient has ``email_hash``, in ``state``
        at ``now``: ``limit`` of them from ``offset``, and how many match in all."""
        where = (_C.c.org_id == org_id) & _in_state(state, now)
        if text:
            pattern = like_pattern(text)
            found: list[ColumnElement[bool]] = [
                _C.c.search_text.like(pattern, escape="\\"),
                func.lower(_C.c.recipient_did).like(pattern, escape="\\"),
            ]
            if email_hash is not None:
                found.append(_C.c.recipient_email_hash == email_hash)
            where &= or_(*found)
        total = self._c.execute(select(func.count()).select_from(_C).where(where)).scalar_one()
        query = (
            select(*_READ)
            .where(where)
            .order_by(_C.c.issued_at.desc(), _C.c.id)
            .offset(offset)
            .limit(limit)
        )
        rows = self._c.execute(query).mappings()
        return [StoredCredential(**dict(r)) for r in rows], int(total)


def _in_state(state: CredentialState | None, now: datetime) -> ColumnElement[bool]:
    """Credentials in ``state`` at ``now`` (as :func:`state_of` says)."""
    if state is None:
        return true()
    if state is CredentialState.REVOKED:
        return _C.c.revoked == true()
    if state is CredentialState.SUSPENDED:
        return (_C.c.revoked == false()) & (_C.c.suspended == true())
    unrevoked = (_C.c.revoked == false()) & (_C.c.suspended == false())
    expired = _C.c.valid_until.is_not(None) & (_C.c.valid_until < now)
    return unrevoked & (expired if state is CredentialState.EXPIRED else ~expired)


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
        "search_text": search_text(credential.id, credential.document),
    }
