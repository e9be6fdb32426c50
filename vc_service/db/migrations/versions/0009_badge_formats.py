"""badge formats: a SIG chooses JSON-LD Open Badges, AnonCreds or both; each badge has one format;
AnonCreds proof requests for a number of meetings

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 18:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sigs") as batch:
        batch.add_column(sa.Column("badge_formats", sa.JSON(), nullable=False, server_default='["ld_proof"]'))
    with op.batch_alter_table("badges") as batch:
        batch.add_column(sa.Column("format", sa.String(length=20), nullable=False, server_default="ld_proof"))
        batch.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("proof_requests") as batch:
        batch.add_column(sa.Column("min_meetings", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("proof_requests") as batch:
        batch.drop_column("min_meetings")
    with op.batch_alter_table("badges") as batch:
        batch.drop_column("revoked_at")
        batch.drop_column("format")
    with op.batch_alter_table("sigs") as batch:
        batch.drop_column("badge_formats")
