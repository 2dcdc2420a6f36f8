"""credentials: drop ix_credentials_org_id; documents compressed with lz4 on PostgreSQL

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

``ix_credentials_org_id`` repeats the first column of the unique index on
``(org_id, idempotency_key)``, which answers every query by organisation as well.  Worse,
while it existed PostgreSQL's planner could pick it for the bulk award's lookup of
idempotency keys and read every credential of the organisation to find a hundred keys
(a cost that grows with the organisation; measured at 6 ms a batch after 3,000
credentials).  Without it the lookup is one probe of the unique index per key.

On PostgreSQL 14 and later built with lz4, signed documents (2 to 4 KB, over the
threshold at which the server compresses a value) are compressed with lz4 rather than the
default pglz: about a third less server CPU per inserted credential, for slightly larger
rows.  Values already stored keep their compression; both read back the same.  Servers
without lz4 keep pglz.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.drop_index("ix_credentials_org_id")
    bind = op.get_bind()
    if bind.dialect.name == "postgresql" and _has_lz4(bind):
        op.execute("ALTER TABLE credentials ALTER COLUMN document SET COMPRESSION lz4")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql" and _has_lz4(bind):
        op.execute("ALTER TABLE credentials ALTER COLUMN document SET COMPRESSION default")
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.create_index("ix_credentials_org_id", ["org_id"], unique=False)


def _has_lz4(bind: sa.Connection) -> bool:
    """Whether the server can compress values with lz4 (PostgreSQL 14+, built with it)."""
    if int(bind.execute(sa.text("SHOW server_version_num")).scalar_one()) < 140000:
        return False
    values = bind.execute(
        sa.text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
    ).scalar_one_or_none()
    return values is not None and "lz4" in values
