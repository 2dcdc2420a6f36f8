"""Migration 0003 (``organisations.did_method``) on a fresh SQLite and PostgreSQL database:
existing organisations become did:web ones; the downgrade refuses to drop did:key ones."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import Engine, insert, select, text

from microcred.adapters.db import schema
from microcred.adapters.db.engine import alembic_config, upgrade

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _add_org(engine: Engine, org_id: str, **extra: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(schema.organisations).values(
                id=org_id,
                slug=org_id,
                name=org_id.title(),
                signing_suite="eddsa-rdfc-2022",
                created_at=NOW,
                **extra,
            )
        )


def _downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def test_existing_organisations_issue_as_did_web(fresh: Engine) -> None:
    upgrade(fresh, "0002")
    with fresh.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO organisations (id, slug, name, signing_suite, created_at) "
                "VALUES ('old', 'old', 'Old', 'eddsa-rdfc-2022', :at)"
            ),
            {"at": NOW},
        )
    upgrade(fresh)
    _add_org(fresh, "keyed", did_method="key")
    with fresh.connect() as connection:
        rows = connection.execute(
            select(schema.organisations.c.slug, schema.organisations.c.did_method).order_by(
                schema.organisations.c.slug
            )
        ).all()
    assert [tuple(r) for r in rows] == [("keyed", "key"), ("old", "web")]


def test_the_downgrade_keeps_did_web_organisations_and_refuses_did_key_ones(
    fresh: Engine,
) -> None:
    upgrade(fresh)
    _add_org(fresh, "web")
    _add_org(fresh, "keyed", did_method="key")
    with pytest.raises(RuntimeError, match="1 organisation"):
        _downgrade(fresh, "0002")
    with fresh.begin() as connection:
        connection.execute(
            schema.organisations.delete().where(schema.organisations.c.id == "keyed")
        )
    _downgrade(fresh, "0002")
    with fresh.connect() as connection:
        names = connection.execute(text("SELECT name FROM organisations")).scalars().all()
        columns = connection.execute(text("SELECT * FROM organisations")).keys()
    assert names == ["Web"] and "did_method" not in columns
