"""Status lists and the credentials' positions in them, on the unit of work's connection.

The primary key ``(list_id, position)`` of ``status_entries`` is what makes a position
impossible to hand out twice; :meth:`StatusRepository.add_entry` reports a collision
(a concurrent award that drew the same random position) instead of failing the
transaction, by inserting under a savepoint.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from microcred.adapters.db import schema as t
from microcred.adapters.db.bulk import BulkInsert
from microcred.domain.awards import StatusEntryRecord, StatusListRecord, StatusPurpose

_L = t.status_lists
_E = t.status_entries
#: Statements of the batched allocation, built once.
_USED_AMONG = select(_E.c.position).where(
    (_E.c.list_id == bindparam("list_id"))
    & _E.c.position.in_(bindparam("positions", expanding=True))
)
_TAKE_SLOTS = (
    update(_L)
    .where((_L.c.id == bindparam("list_id")) & (_L.c.used + bindparam("n") <= _L.c.length))
    .values(used=_L.c.used + bindparam("n"))
)


_CURRENT = (
    select(*(c for c in _L.columns if c.name != "document"))
    .where((_L.c.org_id == bindparam("org_id")) & (_L.c.purpose == bindparam("purpose")))
    .where(_L.c.used < _L.c.length)
    .order_by(_L.c.created_at.desc(), _L.c.id.desc())
    .limit(1)
)
#: The same on PostgreSQL: one statement whatever the number of positions, and one probe
#: of the primary key per position (a correlated scalar subquery, never made a join:
#: with ``IN`` or ``EXISTS`` the planner may read the whole list instead).
_USED_AMONG_PG = text(
    "SELECT p.position FROM unnest(CAST(:positions AS integer[])) AS p(position) "
    "WHERE (SELECT true FROM status_entries e "
    "WHERE e.list_id = :list_id AND e.position = p.position)"
)
#: No conflict clause: the caller holds the list and left out the positions taken, so a
#: collision is a broken invariant and fails the transaction (COPY on PostgreSQL).
_INSERT_ENTRIES = BulkInsert(_E, ("list_id", "position", "credential_id", "value"))


class StatusRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add_list(self, record: StatusListRecord) -> None:
        self._c.execute(
            insert(_L).values(
                id=record.id,
                org_id=record.org_id,
                purpose=record.purpose.value,
                length=record.length,
                used=record.used,
                document=None if record.document is None else dict(record.document),
                created_at=record.created_at,
                updated_at=record.updated_at,
            )
        )

    def get_list(self, list_id: str) -> StatusListRecord | None:
        row = self._c.execute(select(_L).where(_L.c.id == list_id)).mappings().first()
        return None if row is None else _list(row)

    def lock_list(self, list_id: str) -> None:
        """Hold the list until commit, so that two changes to it are made one after the
        other (SQLite's write lock already serialises every writer)."""
        if self._c.dialect.name == "postgresql":
            self._c.execute(select(_L.c.id).where(_L.c.id == list_id).with_for_update())

    def lock_new_lists(self, org_id: str, purpose: StatusPurpose) -> None:
        """Until commit, be the only one making a list of ``purpose`` for the organisation
        (so that concurrent awards finding the list full open one new list, not several)."""
        if self._c.dialect.name == "postgresql":
            key = f"microcred.status_lists.{org_id}.{purpose.value}"
            self._c.execute(select(func.pg_advisory_xact_lock(func.hashtext(key))))

    def lists_for_org(self, org_id: str) -> list[StatusListRecord]:
        query = select(_L).where(_L.c.org_id == org_id).order_by(_L.c.created_at, _L.c.id)
        return [_list(r) for r in self._c.execute(query).mappings()]

    def current_list(self, org_id: str, purpose: StatusPurpose) -> StatusListRecord | None:
        """The newest list of ``purpose`` that still has room (without its document:
        allocating needs its counters only, and a list's signed document grows with it)."""
        found = self._c.execute(_CURRENT, {"org_id": org_id, "purpose": purpose.value})
        row = found.mappings().first()
        return None if row is None else _list(row)

    def take_slot(self, list_id: str) -> bool:
        """Count one more position as used; False when the list is full."""
        result = self._c.execute(
            update(_L)
            .where((_L.c.id == list_id) & (_L.c.used < _L.c.length))
            .values(used=_L.c.used + 1)
        )
        return result.rowcount == 1

    def take_slots(self, list_id: str, n: int) -> bool:
        """Count ``n`` more positions as used, all or none; False when they do not fit.
        On PostgreSQL the list's row stays locked until commit (as with :meth:`take_slot`)."""
        result = self._c.execute(_TAKE_SLOTS, {"list_id": list_id, "n": n})
        return result.rowcount == 1

    def used_among(self, list_id: str, positions: Iterable[int]) -> set[int]:
        """Which of ``positions`` of the list are already given to a credential."""
        wanted = sorted(set(positions))
        if not wanted:
            return set()
        if self._c.dialect.name == "postgresql":  # an array literal: no per-item dumping
            literal = "{" + ",".join(str(int(p)) for p in wanted) + "}"
            rows = self._c.execute(_USED_AMONG_PG, {"list_id": list_id, "positions": literal})
        else:
            rows = self._c.execute(_USED_AMONG, {"list_id": list_id, "positions": wanted})
        return set(rows.scalars())

    def add_entries(self, entries: Sequence[tuple[str, int, str]]) -> None:
        """Give free positions to credentials, ``(list id, position, credential id)`` each,
        in one statement.  The caller holds each list (:meth:`take_slots`, in this
        transaction) and left out the positions :meth:`used_among` found taken: every
        writer of entries holds their list, so none can be taken meanwhile.  A position
        taken all the same fails the transaction (IntegrityError) rather than being given
        twice."""
        rows = [
            {"list_id": list_id, "position": position, "credential_id": cid, "value": 0}
            for list_id, position, cid in sorted(entries)
        ]
        _INSERT_ENTRIES.run(self._c, rows)

    def add_entry(self, list_id: str, position: int, credential_id: str) -> bool:
        """Give ``position`` of the list to the credential; False if it is taken."""
        try:
            with self._c.begin_nested():
                self._c.execute(
                    insert(_E).values(
                        list_id=list_id, position=position, credential_id=credential_id, value=0
                    )
                )
        except IntegrityError:
            return False
        return True

    def positions(self, list_id: str) -> set[int]:
        """Every position of the list given to a credential."""
        query = select(_E.c.position).where(_E.c.list_id == list_id)
        return set(self._c.execute(query).scalars())

    def set_positions(self, list_id: str) -> list[int]:
        """The positions whose value is not 0 (revoked, or suspended)."""
        query = select(_E.c.position).where((_E.c.list_id == list_id) & (_E.c.value != 0))
        return sorted(self._c.execute(query).scalars())

    def entries_for(self, credential_id: str) -> list[StatusEntryRecord]:
        query = (
            select(_E, _L.c.purpose)
            .join(_L, _L.c.id == _E.c.list_id)
            .where(_E.c.credential_id == credential_id)
            .order_by(_L.c.purpose)
        )
        return [
            StatusEntryRecord(
                r["list_id"],
                r["position"],
                r["credential_id"],
                StatusPurpose(r["purpose"]),
                r["value"],
            )
            for r in self._c.execute(query).mappings()
        ]

    def set_value(self, list_id: str, position: int, value: int) -> None:
        where = (_E.c.list_id == list_id) & (_E.c.position == position)
        self._c.execute(update(_E).where(where).values(value=value))

    def save_document(self, list_id: str, document: Mapping[str, Any], at: datetime) -> None:
        self._c.execute(
            update(_L).where(_L.c.id == list_id).values(document=dict(document), updated_at=at)
        )


def _list(row: Any) -> StatusListRecord:
    return StatusListRecord(
        id=row["id"],
        org_id=row["org_id"],
        purpose=StatusPurpose(row["purpose"]),
        length=row["length"],
        used=row["used"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        document=row.get("document"),
    )
