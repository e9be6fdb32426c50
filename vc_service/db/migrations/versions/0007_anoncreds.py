"""anoncreds

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 07:58:42.745941
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "anoncreds_definitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sig_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("issuer_did", sa.String(length=255), nullable=False),
        sa.Column("schema_id", sa.String(length=255), nullable=False),
        sa.Column("cred_def_id", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["sig_id"],
            ["sigs.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sig_id", "kind", name="uq_anoncreds_definition_kind"),
    )
    op.create_table(
        "anoncreds_credentials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sig_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("talk_id", sa.Integer(), nullable=True),
        sa.Column("cred_ex_id", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("rev_reg_id", sa.String(length=255), nullable=True),
        sa.Column("cred_rev_id", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
        ),
        sa.ForeignKeyConstraint(
            ["sig_id"],
            ["sigs.id"],
        ),
        sa.ForeignKeyConstraint(
            ["talk_id"],
            ["talks.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cred_ex_id"),
    )


def downgrade() -> None:
    op.drop_table("anoncreds_credentials")
    op.drop_table("anoncreds_definitions")
