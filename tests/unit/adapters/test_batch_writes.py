"""The repositories' batch statements, on SQLite and PostgreSQL: credentials inserted many
at a time (by COPY on PostgreSQL, falling back to the row-by-row statement when a key is
taken), status entries given only when free, and the lookups by many keys or positions."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, Engine, insert, select

from microcred.adapters.db import schema as t
from microcred.adapters.db.credentials import CredentialRepository
from microcred.adapters.db.status import StatusRepository
from microcred.domain.awards import StatusListRecord, StatusPurpose, StoredCredential

AT = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
ORG = "00000000-0000-4000-8000-00000000000a"
LIST = "00000000-0000-4000-8000-0000000000b1"


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.begin() as connection:
        connection.execute(
            insert(t.organisations).values(id=ORG, slug="batch", name="Batch", created_at=AT)
        )
        StatusRepository(connection).add_list(
            StatusListRecord(LIST, ORG, StatusPurpose.REVOCATION, 1_000, 0, AT, AT)
        )
    with engine.connect() as connection:
        yield connection
        connection.rollback()


def _credential(key: str) -> StoredCredential:
    # a document of a few KB, as signed credentials are
    document = {"id": key, "text": "x" * 3_000, "nested": {"ü": [1, 2.5, None]}}
    return StoredCredential(str(uuid.uuid4()), ORG, None, key, document, AT)


def _keys(connection: Connection) -> list[str]:
    query = select(t.credentials.c.idempotency_key).order_by(t.credentials.c.idempotency_key)
    return list(connection.execute(query).scalars())


def test_many_credentials_go_in_and_read_back(connection: Connection) -> None:
    repository = CredentialRepository(connection)
    batch = [_credential(f"k{i:03}") for i in range(120)]  # over 300 KB: several chunks
    assert repository.add_many(batch) == {c.id for c in batch}
    stored = repository.get(batch[77].id)
    assert stored is not None and stored.document == batch[77].document
    found = repository.ids_by_keys(ORG, [c.idempotency_key for c in batch[::3]] + ["none"])
    assert found == {c.idempotency_key: c.id for c in batch[::3]}


def test_a_key_taken_meanwhile_is_left_out_and_the_rest_inserted(
    connection: Connection,
) -> None:
    repository = CredentialRepository(connection)
    first = _credential("k2")
    assert repository.add(first)
    batch = [_credential(f"k{i}") for i in range(5)]
    inserted = repository.add_many(batch)
    assert inserted == {c.id for c in batch if c.idempotency_key != "k2"}
    assert _keys(connection) == ["k0", "k1", "k2", "k3", "k4"]
    assert repository.ids_by_keys(ORG, ["k2"]) == {"k2": first.id}


def test_used_among_names_the_positions_given(connection: Connection) -> None:
    credentials, status = CredentialRepository(connection), StatusRepository(connection)
    owner = _credential("owner")
    credentials.add_many([owner])
    status.add_entries([(LIST, p, owner.id) for p in (3, 500, 999)])
    assert status.used_among(LIST, range(0, 1_000, 3)) == {3, 999}
    assert status.used_among(LIST, []) == set()
    assert status.positions(LIST) == {3, 500, 999}


def test_a_position_given_twice_fails_the_transaction(connection: Connection) -> None:
    """add_entries is for positions found free while holding the list: one taken all the
    same is a broken invariant, never a second owner."""
    credentials, status = CredentialRepository(connection), StatusRepository(connection)
    a, b = _credential("a"), _credential("b")
    credentials.add_many([a, b])
    status.add_entries([(LIST, 7, a.id)])
    with pytest.raises(connection.dialect.loaded_dbapi.IntegrityError):
        status.add_entries([(LIST, 8, b.id), (LIST, 7, b.id)])
