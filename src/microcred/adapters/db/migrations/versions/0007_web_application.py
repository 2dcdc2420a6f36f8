"""web application: uploaded images, organisation branding, member invitations

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29

Images (achievement badges, organisation logos) are stored sanitised, by organisation,
and served from ``/images/{id}``.  An organisation has a brand colour and may have a logo.
Failed sign-ins are counted per address (hashed) to slow down password guessing.
A claim link finds its credential through an index on the token's hash.
A person added to an organisation without an account gets an invitation: a one-time
token (stored hashed) that lets them choose a password.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "images",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("org_id", sa.String(length=36), nullable=False),
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name="fk_images_org_id_organisations"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_images"),
    )
    op.create_index("ix_images_org_id", "images", ["org_id"])
    # plain ADD COLUMN (no table copy): other tables' rows refer to organisations
    op.add_column("organisations", sa.Column("brand_colour", sa.String(length=7), nullable=True))
    op.add_column("organisations", sa.Column("logo_image_id", sa.String(length=36), nullable=True))
    op.create_table(
        "invitations",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("org_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_invitations_user_id_users"),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name="fk_invitations_org_id_organisations"
        ),
        sa.PrimaryKeyConstraint("token_hash", name="pk_invitations"),
    )
    op.create_index("ix_invitations_user_id", "invitations", ["user_id"])
    op.create_table(
        "sign_in_failures",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True,
            nullable=False,
        ),
        sa.Column("email_digest", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sign_in_failures"),
    )  # fmt: skip
    op.create_index("ix_sign_in_failures_email_digest", "sign_in_failures", ["email_digest"])
    # a claim link finds its credential by the token's hash
    op.create_index("ix_credentials_claim_token_hash", "credentials", ["claim_token_hash"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_failures_email_digest", table_name="sign_in_failures")
    op.drop_table("sign_in_failures")
    op.drop_index("ix_credentials_claim_token_hash", table_name="credentials")
    op.drop_index("ix_invitations_user_id", table_name="invitations")
    op.drop_table("invitations")
    op.drop_column("organisations", "logo_image_id")
    op.drop_column("organisations", "brand_colour")
    op.drop_index("ix_images_org_id", table_name="images")
    op.drop_table("images")
