"""VC-API exchanges with DID Authentication (the Learner Credential Wallet)

Revision ID: 0016
Revises: 0013
Create Date: 2026-12-03 06:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vcapi_exchanges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exchange_id", sa.String(length=32), nullable=False),
        sa.Column("sig_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("challenge_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("holder_did", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.ForeignKeyConstraint(["sig_id"], ["sigs.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("challenge_hash"),
        sa.UniqueConstraint("exchange_id"),
    )
    op.create_index("ix_vcapi_exchanges_member_id", "vcapi_exchanges", ["member_id"])


def downgrade() -> None:
    op.drop_index("ix_vcapi_exchanges_member_id", table_name="vcapi_exchanges")
    op.drop_table("vcapi_exchanges")
