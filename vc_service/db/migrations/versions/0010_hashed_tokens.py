"""claim and door tokens kept as their SHA-256 only: the stored plain tokens are hashed, so
existing links keep working and a copy of the database opens none

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 17:30:00
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

COLUMNS = (("members", "claim_token", "claim_token_hash"), ("meetings", "door_token", "door_token_hash"))


def upgrade() -> None:
    connection = op.get_bind()
    for table, plain, hashed in COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                plain, new_column_name=hashed, type_=sa.String(length=64), existing_type=sa.String(length=40)
            )
        rows = connection.execute(sa.text(f"SELECT id, {hashed} FROM {table} WHERE {hashed} IS NOT NULL")).all()
        for row_id, token in rows:
            connection.execute(
                sa.text(f"UPDATE {table} SET {hashed} = :hash WHERE id = :id"),
                {"hash": hashlib.sha256(token.encode()).hexdigest(), "id": row_id},
            )


def downgrade() -> None:
    # The plain tokens cannot be recovered from their hashes: every claim and door link stops working.
    for table, plain, hashed in COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                hashed, new_column_name=plain, type_=sa.String(length=40), existing_type=sa.String(length=64)
            )
