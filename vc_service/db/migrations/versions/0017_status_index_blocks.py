"""status indexes handed out in blocks claimed per controller

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 06:00:00

Every block that holds an index handed out before is marked claimed, so no block given out from
now on holds a used index.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

BLOCK_SIZE = 128  # status/models.py INDEX_BLOCK_SIZE, as it was when these blocks were marked


def upgrade() -> None:
    op.create_table(
        "status_index_blocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sig_id", sa.Integer(), nullable=False),
        sa.Column("list_number", sa.Integer(), nullable=False),
        sa.Column("block", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["sig_id"], ["sigs.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sig_id", "list_number", "block", name="uq_status_index_block"),
    )
    op.execute(
        "INSERT INTO status_index_blocks (sig_id, list_number, block, claimed_at) "
        f"SELECT DISTINCT sig_id, list_number, list_index / {BLOCK_SIZE}, CURRENT_TIMESTAMP FROM credential_statuses"
    )


def downgrade() -> None:
    op.drop_table("status_index_blocks")
