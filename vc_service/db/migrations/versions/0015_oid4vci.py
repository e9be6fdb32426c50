"""OpenID4VCI: credential offers (pre-authorized codes, access tokens), nonces, issued credentials

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 06:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "oid4vci_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sig_id", sa.Integer(), sa.ForeignKey("sigs.id"), nullable=False),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("members.id"), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("tx_code_hash", sa.String(length=64), nullable=True),
        sa.Column("configurations", sa.JSON(), nullable=False),
        sa.Column("code_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("code_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("token_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_hash"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_oid4vci_grants_member_id", "oid4vci_grants", ["member_id"])
    op.create_table(
        "oid4vci_nonces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nonce_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("nonce_hash"),
    )
    op.create_table(
        "oid4vci_credentials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("badge_id", sa.Integer(), sa.ForeignKey("badges.id"), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("holder_did", sa.Text(), nullable=False),
        sa.Column("credential", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("badge_id", "format", "holder_did", name="uq_oid4vci_credential"),
    )
    op.create_index("ix_oid4vci_credentials_badge_id", "oid4vci_credentials", ["badge_id"])


def downgrade() -> None:
    op.drop_index("ix_oid4vci_credentials_badge_id", "oid4vci_credentials")
    op.drop_table("oid4vci_credentials")
    op.drop_table("oid4vci_nonces")
    op.drop_index("ix_oid4vci_grants_member_id", "oid4vci_grants")
    op.drop_table("oid4vci_grants")
