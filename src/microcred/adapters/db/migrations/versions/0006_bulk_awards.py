"""bulk_awards: CSV files awarded in the background by a worker

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29

A bulk award sent with ``background=true`` is kept here (the file, who sent it, its
progress and outcome) and run by ``microcred worker`` through the job queue.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bulk_awards",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("org_id", sa.String(length=36), nullable=False),
        sa.Column("achievement_id", sa.String(length=36), nullable=False),
        sa.Column("actor_kind", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=200), nullable=False),
        sa.Column("actor_role", sa.String(length=16), nullable=False),
        sa.Column("skip_bad_rows", sa.Boolean(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("job_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name="fk_bulk_awards_org_id_organisations"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_bulk_awards"),
    )
    op.create_index("ix_bulk_awards_org_id", "bulk_awards", ["org_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_bulk_awards_org_id", table_name="bulk_awards")
    op.drop_table("bulk_awards")
