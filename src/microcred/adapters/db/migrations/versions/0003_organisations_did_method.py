"""organisations.did_method: "web" (did:web, as before) or "key" (did:key of its key)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

Every organisation that exists before this revision issues as its did:web, so the column
is added with the server default ``web``.  The downgrade drops the column and refuses to
run while an organisation issues as a did:key (its credentials name a did:key issuer that
the older code would replace by a did:web).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("did_method", sa.String(length=8), nullable=False, server_default="web")
        )


def downgrade() -> None:
    with_key = (
        op.get_bind()
        .execute(sa.text("SELECT COUNT(*) FROM organisations WHERE did_method <> 'web'"))
        .scalar_one()
    )
    if with_key:
        raise RuntimeError(
            f"{with_key} organisation(s) issue as a did:key (created after revision 0003); "
            "the schema below 0003 cannot hold them: remove them before downgrading"
        )
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_column("did_method")
