"""claim tokens derived from a per-member nonce and the service's claim key

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 06:00:00

Links made before this revision stay valid (their hash is kept) but cannot be shown again: their
nonce is NULL until an organizer issues a new link.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("claim_nonce", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.drop_column("claim_nonce")
