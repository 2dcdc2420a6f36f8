"""credentials.achievement_id may be NULL (a credential written by the caller through
the W3C VC-API belongs to no achievement)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29

Credentials issued before this revision through the VC-API keep pointing at their
organisation's hidden placeholder achievement; they are left as they are.  The downgrade
restores ``NOT NULL`` and refuses to run while a credential has no achievement.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.alter_column("achievement_id", existing_type=sa.String(length=36), nullable=True)


def downgrade() -> None:
    without = (
        op.get_bind()
        .execute(sa.text("SELECT COUNT(*) FROM credentials WHERE achievement_id IS NULL"))
        .scalar_one()
    )
    if without:
        raise RuntimeError(
            f"{without} credential(s) belong to no achievement (issued through the VC-API "
            "after revision 0002); give them one before downgrading below 0002"
        )
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.alter_column("achievement_id", existing_type=sa.String(length=36), nullable=False)
