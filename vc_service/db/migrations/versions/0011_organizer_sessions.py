"""server-side organizer sessions, disabled organizers, audit events by subject (sign-in lockout)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 17:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organizer_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("flash", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["organizer_accounts.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("id_hash"),
    )
    with op.batch_alter_table("organizer_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organizer_sessions_account_id"), ["account_id"], unique=False)
    with op.batch_alter_table("organizer_accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))
    # A sign-in looks up the email's recent attempts in the audit log.
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_subject"), ["subject"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_subject"))
    with op.batch_alter_table("organizer_accounts", schema=None) as batch_op:
        batch_op.drop_column("disabled_at")
    with op.batch_alter_table("organizer_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organizer_sessions_account_id"))
    op.drop_table("organizer_sessions")
