"""BulkInsert writes rows that read back exactly as SQLAlchemy's own INSERT writes them,
skips conflicting rows without failing the transaction, and returns what was inserted."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import DataError

from microcred.adapters.db import schema as t
from microcred.adapters.db.bulk import BulkInsert

AT = datetime(2026, 11, 29, 12, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
ORG = "00000000-0000-4000-8000-000000000001"


def _org(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(t.organisations).values(id=ORG, slug="acme", name="Acme", created_at=AT)
        )


def _credential(key: str, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {c.name: None for c in t.credentials.columns}
    row.update(
        id=str(uuid.uuid4()),
        org_id=ORG,
        idempotency_key=key,
        document={"name": "Ünïcode ✓", "n": [1, 2.5, True, None], "big": 2**70},
        revoked=False,
        suspended=True,
        issued_at=AT,
    )
    row.update(changes)
    return row


def _read(engine: Engine, ids: list[str]) -> list[dict[str, Any]]:
    query = select(t.credentials).where(t.credentials.c.id.in_(ids)).order_by(t.credentials.c.id)
    with engine.connect() as connection:
        return [dict(r) for r in connection.execute(query).mappings()]


def test_rows_read_back_as_sqlalchemy_writes_them(engine: Engine) -> None:
    _org(engine)
    ours, theirs = _credential("ours"), _credential("theirs", jwt="a.b.c")
    ours["jwt"] = "a.b.c"
    columns = tuple(c.name for c in t.credentials.columns)
    with engine.begin() as connection:
        BulkInsert(t.credentials, columns).run(connection, [ours])
        connection.execute(insert(t.credentials), [theirs])
    mine, reference = sorted(
        _read(engine, [ours["id"], theirs["id"]]), key=lambda r: r["idempotency_key"]
    )
    for row in (mine, reference):
        del row["id"], row["idempotency_key"]
    assert mine == reference
    assert mine["issued_at"] == AT and mine["issued_at"].tzinfo == UTC
    assert mine["document"]["big"] == 2**70 and mine["document"]["name"] == "Ünïcode ✓"


def test_conflicting_rows_are_skipped_and_the_rest_returned(engine: Engine) -> None:
    _org(engine)
    statement = BulkInsert(
        t.credentials,
        tuple(c.name for c in t.credentials.columns),
        conflict=("org_id", "idempotency_key"),
        returning=("id", "idempotency_key"),
    )
    first = [_credential(f"k{i}") for i in range(3)]
    second = [_credential("k1"), _credential("k9"), _credential("k2")]
    with engine.begin() as connection:
        returned = statement.run(connection, first)
        again = statement.run(connection, second)
        assert statement.run(connection, []) == []
    assert sorted(returned) == sorted((r["id"], r["idempotency_key"]) for r in first)
    assert again == [(second[1]["id"], "k9")]
    assert len(_read(engine, [r["id"] for r in first + second])) == 4


def test_rows_without_returning(engine: Engine) -> None:
    _org(engine)
    audit = BulkInsert(t.audit_log, ("org_id", "actor", "action", "subject", "detail", "at"))
    rows = [
        {
            "org_id": ORG,
            "actor": "a",
            "action": "x",
            "subject": str(i),
            "detail": {"i": i},
            "at": AT,
        }
        for i in range(5)
    ]
    with engine.begin() as connection:
        assert audit.run(connection, rows) == []
        stored = connection.execute(select(t.audit_log.c.detail, t.audit_log.c.at)).all()
    assert sorted(d["i"] for d, _ in stored) == [0, 1, 2, 3, 4]
    assert {at for _, at in stored} == {AT}


def test_the_statement_has_one_placeholder_per_column(engine: Engine) -> None:
    statement = BulkInsert(t.status_entries, ("list_id", "position"), ("list_id", "position"))
    mark = "%s" if engine.dialect.name == "postgresql" else "?"
    assert statement.sql(engine.dialect) == (
        f"INSERT INTO status_entries (list_id, position) VALUES ({mark}, {mark}) "
        "ON CONFLICT (list_id, position) DO NOTHING"
    )


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    _org(engine)
    statement = BulkInsert(t.credentials, tuple(c.name for c in t.credentials.columns))
    with engine.begin() as connection, pytest.raises(ValueError, match="naive"):
        statement.run(connection, [_credential("naive", issued_at=datetime(2026, 1, 1))])


def test_values_with_tabs_newlines_and_backslashes_arrive_unchanged(engine: Engine) -> None:
    """On PostgreSQL rows without conflict or returning go in by COPY, whose text format
    escapes these: they must read back as given."""
    jobs = BulkInsert(t.jobs, ("kind", "payload", "state", "attempts", "run_at"))
    payload = {"text": "a\tb\nc\\d\r\u0000e ✓", "list": ["\\N", None, 1.5]}
    with engine.begin() as connection:
        jobs.run(
            connection,
            [{"kind": "k\t1", "payload": payload, "state": "queued", "attempts": 0, "run_at": AT}],
        )
        kind, stored = connection.execute(select(t.jobs.c.kind, t.jobs.c.payload)).one()
    assert kind == "k\t1" and stored == payload


@pytest.mark.parametrize("returning", [("id",), ()])
def test_a_long_batch_goes_in_whole_with_its_conflicts_skipped(
    engine: Engine, returning: tuple[str, ...]
) -> None:
    """Rows of a few KB each, several hundred KB in all (PostgreSQL sends them in chunks)."""
    _org(engine)
    statement = BulkInsert(
        t.credentials,
        tuple(c.name for c in t.credentials.columns),
        conflict=("org_id", "idempotency_key"),
        returning=returning,
    )
    big = {"text": "y" * 4_000}
    taken = _credential("k037", document=big)
    rows = [_credential(f"k{i:03}", document=big) for i in range(150)]
    with engine.begin() as connection:
        statement.run(connection, [taken])
        returned = statement.run(connection, rows)
    expected = [r["id"] for r in rows if r["idempotency_key"] != "k037"]
    if returning:
        assert sorted(r[0] for r in returned) == sorted(expected)
    else:
        assert returned == []
    stored = _read(engine, [*expected, taken["id"]])
    assert len(stored) == 150 and all(r["document"] == big for r in stored)


def test_a_nul_character_in_text_is_refused_on_both_databases(engine: Engine) -> None:
    """PostgreSQL cannot store it; SQLite could, and refuses it alike (engine.py)."""
    _org(engine)
    audit = BulkInsert(t.audit_log, ("org_id", "actor", "action", "subject", "detail", "at"))
    row = {"org_id": ORG, "actor": "a\x00", "action": "x", "subject": "s", "detail": {}, "at": AT}
    with engine.begin() as connection:
        refused = (DataError, connection.dialect.loaded_dbapi.DataError)
        with pytest.raises(refused):
            audit.run(connection, [row])
        connection.rollback()
    with engine.connect() as connection:
        assert connection.execute(select(t.audit_log.c.id)).all() == []
