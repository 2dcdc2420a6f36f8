"""credentials.search_text: the text an organisation's credential search looks in

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

Searching credentials used to load the organisation's newest 5,000 credentials and match
them in Python, so older ones were never found.  Each credential now keeps a short
lower-case text (its record id and the names in its document: see
``microcred.domain.credential_search``) that the database searches, over all of them.
The upgrade fills it in for the credentials that exist, 500 at a time, with the rules
of this revision (copied here so that the migration does not change with the code).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_CHUNK = 500
_MAX = 2_000


def upgrade() -> None:
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=True))
    bind = op.get_bind()
    credentials = sa.table(
        "credentials",
        sa.column("id", sa.String),
        sa.column("document", sa.JSON),
        sa.column("search_text", sa.Text),
    )
    last = ""
    while True:
        rows = bind.execute(
            sa.select(credentials.c.id, credentials.c.document)
            .where(credentials.c.id > last)
            .order_by(credentials.c.id)
            .limit(_CHUNK)
        ).all()
        if not rows:
            return
        bind.execute(
            credentials.update()
            .where(credentials.c.id == sa.bindparam("b_id"))
            .values(search_text=sa.bindparam("b_text")),
            [{"b_id": row.id, "b_text": _text(row.id, row.document)} for row in rows],
        )
        last = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.drop_column("search_text")


def _text(record_id: str, document: Any) -> str:
    if isinstance(document, str):  # a JSON column read without its type
        document = json.loads(document)
    values = [record_id, *_names(document if isinstance(document, Mapping) else {})]
    return "\n".join(value.lower() for value in values)[:_MAX]


def _names(document: Mapping[str, Any]) -> list[str]:
    found = [document.get("id"), document.get("name")]
    subject = document.get("credentialSubject")
    if isinstance(subject, Mapping):
        achievement = subject.get("achievement")
        if isinstance(achievement, Mapping):
            found.append(achievement.get("name"))
        identifiers = subject.get("identifier")
        for item in identifiers if isinstance(identifiers, list) else []:
            if isinstance(item, Mapping) and item.get("identityType") == "name":
                found.append(item.get("identityHash"))
        found.append(subject.get("name"))
    return [value for value in found if isinstance(value, str)]
