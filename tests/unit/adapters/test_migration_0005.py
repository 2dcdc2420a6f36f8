"""Migration 0005 (``credentials.search_text``) on a fresh SQLite and PostgreSQL database:
credentials that exist before it become searchable; the downgrade drops the column."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import Engine, inspect, text

from microcred.adapters.db.credentials import CredentialRepository
from microcred.adapters.db.engine import alembic_config, upgrade

NOW = datetime(2026, 11, 29, tzinfo=UTC)


def _old_credential(engine: Engine, n: int, document: object) -> None:
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO credentials (id, org_id, idempotency_key, document, revoked, "
                "suspended, issued_at) VALUES (:id, 'org', :key, :doc, false, false, :at)"
            ),
            {"id": f"c{n:04}", "key": f"k{n}", "doc": json.dumps(document), "at": NOW},
        )


def test_existing_credentials_become_searchable(fresh: Engine) -> None:
    upgrade(fresh, "0004")
    with fresh.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO organisations (id, slug, name, signing_suite, created_at) "
                "VALUES ('org', 'org', 'Org', 'eddsa-rdfc-2022', :at)"
            ),
            {"at": NOW},
        )
    subject = {"achievement": {"name": "Öffentliches Reden"}}
    for n in range(1_203):  # more than two chunks of the backfill
        _old_credential(fresh, n, {"name": f"Badge {n}", "credentialSubject": subject})
    _old_credential(fresh, 9_999, ["not", "an", "object"])
    upgrade(fresh)
    with fresh.connect() as connection:
        repository = CredentialRepository(connection)
        found, total = repository.search("org", text="badge 1202", now=NOW)
        _, everyone = repository.search("org", text="öffentliches reden", now=NOW)
        odd, _ = repository.search("org", text="c9999", now=NOW)
    assert [c.id for c in found] == ["c1202"] and total == 1
    assert everyone == 1_203
    assert [c.id for c in odd] == ["c9999"]
    with fresh.begin() as connection:
        command.downgrade(alembic_config(connection), "0004")
    columns = {c["name"] for c in inspect(fresh).get_columns("credentials")}
    assert "search_text" not in columns


def test_the_newest_revisions_go_down_and_up_again(fresh: Engine) -> None:
    upgrade(fresh)
    tables = set(inspect(fresh).get_table_names())
    assert "bulk_awards" in tables
    with fresh.begin() as connection:
        command.downgrade(alembic_config(connection), "0003")
    assert "bulk_awards" not in set(inspect(fresh).get_table_names())
    upgrade(fresh)
    assert set(inspect(fresh).get_table_names()) == tables
