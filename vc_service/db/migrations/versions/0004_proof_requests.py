"""proof requests

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 02:53:27.711986
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "proof_requests",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("sig_id", sa.Integer(), nullable=False),
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("challenge", sa.String(length=100), nullable=False),
        sa.Column("pres_ex_id", sa.String(length=100), nullable=False),
        sa.Column("thread_id", sa.String(length=100), nullable=False),
        sa.Column("invitation_url", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("presentation", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["sig_id"],
            ["sigs.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pres_ex_id"),
    )
    with op.batch_alter_table("proof_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proof_requests_thread_id"), ["thread_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("proof_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proof_requests_thread_id"))

    op.drop_table("proof_requests")
