"""Migration 0004 on a fresh SQLite and PostgreSQL database: the index that repeated the
unique index's first column is gone (and back after a downgrade); on PostgreSQL signed
documents are compressed with lz4 where the server has it."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, inspect, text

from microcred.adapters.db.engine import alembic_config, upgrade


def _indexes(engine: Engine) -> set[str]:
    return {str(index["name"]) for index in inspect(engine).get_indexes("credentials")}


def _compression(engine: Engine) -> str | None:
    with engine.connect() as connection:
        value = connection.execute(
            text(
                "SELECT attcompression FROM pg_attribute "
                "WHERE attrelid = 'credentials'::regclass AND attname = 'document'"
            )
        ).scalar_one()
    return str(value) or None


def _lz4_available(engine: Engine) -> bool:
    with engine.connect() as connection:
        values = connection.execute(
            text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
        ).scalar_one()
    return "lz4" in values


def test_the_redundant_index_goes_and_comes_back(fresh: Engine) -> None:
    upgrade(fresh, "0003")
    assert "ix_credentials_org_id" in _indexes(fresh)
    upgrade(fresh)
    assert "ix_credentials_org_id" not in _indexes(fresh)
    with fresh.begin() as connection:
        command.downgrade(alembic_config(connection), "0003")
    assert "ix_credentials_org_id" in _indexes(fresh)


def test_documents_are_compressed_with_lz4_on_postgresql(fresh_postgres: Engine) -> None:
    fresh = fresh_postgres
    upgrade(fresh)
    expected = "l" if _lz4_available(fresh) else None
    assert _compression(fresh) == expected
    with fresh.begin() as connection:
        command.downgrade(alembic_config(connection), "0003")
    assert _compression(fresh) is None
