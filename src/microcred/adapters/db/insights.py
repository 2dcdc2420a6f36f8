"""The dashboard's counts, made by the database (the same SQL on SQLite and PostgreSQL:
weeks are told apart with ``CASE`` over bound moments, not with date functions)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, case, false, func, select, true

from microcred.adapters.db import schema as t
from microcred.services.ports import CredentialCounts, ExpiringCredential

_C = t.credentials
_A = t.achievements


def _tally(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _expiring(now: datetime, until: datetime) -> ColumnElement[bool]:
    return (
        (_C.c.revoked == false())
        & _C.c.valid_until.is_not(None)
        & (_C.c.valid_until > now)
        & (_C.c.valid_until <= until)
    )


class InsightRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def credential_counts(
        self, org_id: str, *, recent_since: datetime, now: datetime, expiring_until: datetime
    ) -> CredentialCounts:
        query = select(
            func.count(),
            _tally(_C.c.issued_at >= recent_since),
            _tally(_C.c.revoked == true()),
            _tally((_C.c.revoked == false()) & (_C.c.suspended == true())),
            _tally(_expiring(now, expiring_until)),
        ).where(_C.c.org_id == org_id)
        row = self._c.execute(query).one()
        return CredentialCounts(*(int(value) for value in row))

    def issued_per_week(self, org_id: str, starts: Sequence[datetime], end: datetime) -> list[int]:
        """How many credentials were issued in each week ``starts[i] .. starts[i+1]`` (the
        last one ends at ``end``); only the rows of the window are read."""
        if not starts:
            return []
        newest_first = [(_C.c.issued_at >= s, i) for i, s in reversed(list(enumerate(starts)))]
        window = (_C.c.org_id == org_id) & (_C.c.issued_at >= starts[0]) & (_C.c.issued_at < end)
        weeks = select(case(*newest_first, else_=0).label("week")).where(window).subquery()
        query = select(weeks.c.week, func.count()).group_by(weeks.c.week)
        counts = [0] * len(starts)
        for week, count in self._c.execute(query):
            counts[int(week)] = int(count)
        return counts

    def expiring(
        self, org_id: str, now: datetime, until: datetime, limit: int
    ) -> list[ExpiringCredential]:
        """The unrevoked credentials whose validity ends after ``now`` and by ``until``,
        soonest first."""
        query = (
            select(_C.c.id, _C.c.document, _C.c.valid_until)
            .where((_C.c.org_id == org_id) & _expiring(now, until))
            .order_by(_C.c.valid_until, _C.c.id)
            .limit(limit)
        )
        return [
            ExpiringCredential(row.id, _name(row.document), row.valid_until)
            for row in self._c.execute(query)
        ]

    def achievement_counts(self, org_id: str, hidden_id: str) -> tuple[int, int]:
        """How many achievements the organisation has (all versions of one count once),
        and how many of them are published."""
        query = select(
            func.count(func.distinct(_A.c.lineage_id)), _tally(_A.c.state == "published")
        ).where((_A.c.org_id == org_id) & (_A.c.id != hidden_id))
        every, published = self._c.execute(query).one()
        return int(every), int(published)


def _name(document: Any) -> str | None:
    name = document.get("name") if isinstance(document, dict) else None
    return name if isinstance(name, str) else None
