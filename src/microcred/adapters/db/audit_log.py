"""Reading an organisation's audit log a page at a time."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Connection, func, select

from microcred.adapters.db import schema as t
from microcred.domain.credential_search import like_pattern
from microcred.domain.model import AuditEntry

_L = t.audit_log
#: Distinct actions offered as filters (an organisation has a few dozen at most).
MAX_ACTIONS = 200


class AuditLogRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def page(
        self, org_id: str, *, action_prefix: str, offset: int, limit: int
    ) -> tuple[list[AuditEntry], int]:
        """Entries of the organisation, newest first, whose action starts with
        ``action_prefix``: ``limit`` of them from ``offset``, and how many match in all."""
        where = _L.c.org_id == org_id
        if action_prefix:
            pattern = like_pattern(action_prefix)[1:]  # "prefix%": no leading wildcard
            where &= _L.c.action.like(pattern, escape="\\")
        total = self._c.execute(select(func.count()).select_from(_L).where(where)).scalar_one()
        query = select(_L).where(where).order_by(_L.c.id.desc()).offset(offset).limit(limit)
        entries = [_entry(row) for row in self._c.execute(query).mappings()]
        return entries, int(total)

    def actions(self, org_id: str) -> list[str]:
        query = (
            select(_L.c.action)
            .where(_L.c.org_id == org_id)
            .distinct()
            .order_by(_L.c.action)
            .limit(MAX_ACTIONS)
        )
        return [str(action) for action in self._c.execute(query).scalars()]

    def user_emails(self, user_ids: Collection[str]) -> dict[str, str]:
        if not user_ids:
            return {}
        query = select(t.users.c.id, t.users.c.email).where(t.users.c.id.in_(list(user_ids)))
        return {row.id: row.email for row in self._c.execute(query)}


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(
        row["org_id"], row["actor"], row["action"], row["subject"], row["detail"], row["at"]
    )
