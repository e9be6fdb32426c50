"""a SIG's time zone, and whether its badges name their members

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 06:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, not a batch copy: SQLite would drop and recreate ``sigs``, which every
    # other table references, and refuse it with foreign keys on.
    op.add_column("sigs", sa.Column("time_zone", sa.String(length=64), nullable=False, server_default="UTC"))
    op.add_column("sigs", sa.Column("names_in_badges", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("sigs") as batch:
        batch.drop_column("names_in_badges")
        batch.drop_column("time_zone")
