"""Many-row INSERTs (a batch of awards) straight through the database driver.

Written here rather than left to SQLAlchemy's ``execute(insert(...), rows)`` because of
what that costs on PostgreSQL: for an ``INSERT ... RETURNING`` of many rows SQLAlchemy
renders one statement with a placeholder for every value ("insertmanyvalues"), which
psycopg then parses again, in Python, on every batch (a few thousand placeholders each
time).  Measured on a batch of credentials that is four times the client CPU of psycopg's
own ``executemany`` of one short prepared statement (``bench/e2e.py`` shows the effect).

The values still go through the columns' SQLAlchemy types (aware datetimes to UTC, the
dialect's date format on SQLite), so a row reads back exactly as if SQLAlchemy had written
it; JSON columns are serialised with orjson, which is what the speed needs (their values
are JSON documents the platform built: signed credentials, audit details, job payloads).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import JSON, Connection, Table
from sqlalchemy.engine import Dialect

from microcred.adapters.db.engine import refuse_nul

Convert = Callable[[Any], Any]


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    try:
        return orjson.dumps(value).decode("utf-8")
    except TypeError:  # integers beyond 64 bits and the like: the standard library's way
        return json.dumps(value, allow_nan=False)


@dataclass(frozen=True)
class BulkInsert:
    """``INSERT INTO table (columns) VALUES (...) [ON CONFLICT (conflict) DO NOTHING]
    [RETURNING returning]`` for many rows, in the connection's transaction."""

    table: Table
    columns: tuple[str, ...]
    conflict: tuple[str, ...] = ()
    returning: tuple[str, ...] = ()
    _cache: dict[str, list[tuple[int, Convert]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def run(
        self, connection: Connection, rows: Sequence[Mapping[str, Any]]
    ) -> list[tuple[Any, ...]]:
        """Insert ``rows`` (a mapping of every column each); the ``returning`` values of
        the rows inserted (rows skipped by the conflict clause return nothing)."""
        if not rows:
            return []
        dialect = connection.dialect
        converters = self._converters(dialect)
        params = []
        for row in rows:
            values = [row[name] for name in self.columns]
            for index, convert in converters:
                values[index] = convert(values[index])
            params.append(tuple(values))
        text = self.sql(dialect)
        if dialect.name == "sqlite":  # as SQLAlchemy's statements are checked (engine.py)
            refuse_nul(text, params, True)
        cursor = connection.connection.cursor()  # the DBAPI cursor, in the same transaction
        try:
            if dialect.name == "postgresql":
                return self._postgresql(cursor, text, params)
            return self._one_by_one(cursor, text, params)
        finally:
            cursor.close()

    def _converters(self, dialect: Dialect) -> list[tuple[int, Convert]]:
        """The columns whose values need converting, by position, and how (once per
        dialect: the statements are module constants)."""
        known = self._cache.get(dialect.name)
        if known is None:
            known = self._cache[dialect.name] = [
                (index, convert)
                for index, name in enumerate(self.columns)
                if (convert := self._converter(name, dialect)) is not None
            ]
        return known

    def _converter(self, name: str, dialect: Dialect) -> Convert | None:
        column_type = self.table.c[name].type
        if isinstance(column_type, JSON):
            return _json_text
        return column_type.dialect_impl(dialect).bind_processor(dialect)

    def sql(self, dialect: Dialect) -> str:
        quote = dialect.identifier_preparer.quote
        mark = "%s" if dialect.name == "postgresql" else "?"
        # Names from the schema (quoted by the dialect), values as parameters: no input here.
        names = ", ".join(quote(c) for c in self.columns)
        marks = ", ".join(mark for _ in self.columns)
        text = f"INSERT INTO {quote(self.table.name)} ({names}) VALUES ({marks})"  # noqa: S608
        if self.conflict:
            text += f" ON CONFLICT ({', '.join(quote(c) for c in self.conflict)}) DO NOTHING"
        if self.returning:
            text += f" RETURNING {', '.join(quote(c) for c in self.returning)}"
        return text

    def _postgresql(
        self, cursor: Any, text: str, params: list[tuple[Any, ...]]
    ) -> list[tuple[Any, ...]]:
        """psycopg's ``executemany``: one prepared statement, the rows pipelined (in
        chunks, see :data:`_CHUNK_BYTES`)."""
        if not self.returning and not self.conflict:
            self._copy(cursor, params)
            return []
        out: list[tuple[Any, ...]] = []
        for chunk in _chunks(params):
            cursor.executemany(text, chunk, returning=bool(self.returning))
            while self.returning:
                out.extend(tuple(r) for r in cursor.fetchall())
                if not cursor.nextset():
                    break
        return out

    def _copy(self, cursor: Any, params: list[tuple[Any, ...]]) -> None:
        """Rows that cannot conflict and return nothing: ``COPY ... FROM STDIN``, the
        server's cheapest way in (psycopg writes the rows in C)."""
        table = self.table.name
        with cursor.copy(f"COPY {table} ({', '.join(self.columns)}) FROM STDIN") as copy:
            for values in params:
                copy.write_row(values)

    def _one_by_one(
        self, cursor: Any, text: str, params: list[tuple[Any, ...]]
    ) -> list[tuple[Any, ...]]:
        """SQLite: the module's ``executemany`` drops RETURNING rows, and a statement
        executed in process costs a few microseconds, so one at a time."""
        if not self.returning:
            cursor.executemany(text, params)
            return []
        out: list[tuple[Any, ...]] = []
        for values in params:
            cursor.execute(text, values)
            out.extend(tuple(r) for r in cursor.fetchall())
        return out


#: Bytes of text values pipelined before waiting for the server's answers.  A pipeline
#: much longer than a new connection's TCP receive window can stall: measured on the
#: loopback interface (64 KB MTU), a batch of 100 signed credentials (about 300 KB) sent
#: at once on a fresh connection waited 200 ms (TCP's persist timer) for the window to
#: reopen.  Chunks below the window never do, for a round trip each.
_CHUNK_BYTES = 48_000


def _chunks(params: list[tuple[Any, ...]]) -> list[list[tuple[Any, ...]]]:
    """``params`` cut into runs of about :data:`_CHUNK_BYTES` of text each."""
    chunks: list[list[tuple[Any, ...]]] = [[]]
    size = 0
    for values in params:
        weight = sum(len(v) for v in values if isinstance(v, str))
        if chunks[-1] and size + weight > _CHUNK_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(values)
        size += weight
    return chunks
