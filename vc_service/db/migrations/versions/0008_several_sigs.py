"""several SIGs: a slug per SIG, issuer DIDs per SIG, status lists at per-SIG URLs

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 18:20:00

A single-SIG database keeps working: its SIG gets a slug made from its name, its issuer DIDs are
assigned to it, and its status lists stay at the URLs its credentials carry (``unscoped_url``).
"""

import sqlalchemy as sa
from alembic import op

from vc_service.sig.slugs import slug_from_name

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    # Added NOT NULL with a default, then filled: SQLite can add such a column in place, while
    # making a column NOT NULL afterwards would rebuild sigs, which every other table references.
    with op.batch_alter_table("sigs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("slug", sa.String(length=40), server_default="", nullable=False))
    taken: set[str] = set()
    for sig_id, name in connection.execute(sa.text("SELECT id, name FROM sigs ORDER BY id")).all():
        slug = slug_from_name(name, taken)
        taken.add(slug)
        connection.execute(sa.text("UPDATE sigs SET slug = :slug WHERE id = :id"), {"slug": slug, "id": sig_id})
    if connection.dialect.name != "sqlite":  # there, dropping a default rebuilds the table too
        op.alter_column("sigs", "slug", server_default=None)
    with op.batch_alter_table("sigs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sigs_slug"), ["slug"], unique=True)

    # Until now the service had one SIG, created before its DID: every DID is the first SIG's.
    with op.batch_alter_table("issuer_dids", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sig_id", sa.Integer(), nullable=True))
    connection.execute(sa.text("UPDATE issuer_dids SET sig_id = (SELECT min(id) FROM sigs)"))
    with op.batch_alter_table("issuer_dids", schema=None) as batch_op:
        batch_op.alter_column("sig_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f("ix_issuer_dids_sig_id"), ["sig_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_issuer_dids_sig_id_sigs"), "sigs", ["sig_id"], ["id"])

    with op.batch_alter_table("status_lists", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unscoped_url", sa.Boolean(), server_default=sa.false(), nullable=False))
    connection.execute(sa.text("UPDATE status_lists SET unscoped_url = :yes"), {"yes": True})


def downgrade() -> None:
    with op.batch_alter_table("status_lists", schema=None) as batch_op:
        batch_op.drop_column("unscoped_url")
    with op.batch_alter_table("issuer_dids", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_issuer_dids_sig_id_sigs"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_issuer_dids_sig_id"))
        batch_op.drop_column("sig_id")
    with op.batch_alter_table("sigs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sigs_slug"))
        batch_op.drop_column("slug")
