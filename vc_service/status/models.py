from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, utcnow

STATUS_PURPOSES = ("revocation", "suspension")
# Fixed: migration 0017 marked the blocks of the indexes handed out before blocks with this size.
INDEX_BLOCK_SIZE = 128


class StatusList(Base):
    """One bitstring of one purpose of one SIG, served at /status/<sig slug>/<purpose>/<number>.

    ``unscoped_url``: a list published before status lists were per SIG, at /status/<purpose>/<number>.
    Credentials carry that URL, so it stays there; it takes no new entries (see service.py).
    """

    __tablename__ = "status_lists"
    __table_args__ = (UniqueConstraint("sig_id", "purpose", "number", name="uq_status_list"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sig_id: Mapped[int] = mapped_column(ForeignKey("sigs.id"))
    purpose: Mapped[str] = mapped_column(String(20))
    number: Mapped[int]
    bits: Mapped[bytes] = mapped_column(LargeBinary)
    unscoped_url: Mapped[bool] = mapped_column(default=False, server_default=false())
    credential: Mapped[dict | None] = mapped_column(JSON)  # signed for the current bits
    signed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CredentialStatus(Base):
    """Where an issued credential's status bits are: one index, the same in both purposes' lists.

    Indexes are drawn at random within a list and never given out twice.
    """

    __tablename__ = "credential_statuses"
    __table_args__ = (UniqueConstraint("sig_id", "list_number", "list_index", name="uq_status_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sig_id: Mapped[int] = mapped_column(ForeignKey("sigs.id"))
    credential_id: Mapped[str] = mapped_column(String(200), unique=True)
    list_number: Mapped[int]
    list_index: Mapped[int]
    revoked: Mapped[bool] = mapped_column(default=False)
    suspended: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StatusIndexBlock(Base):
    """A block of ``INDEX_BLOCK_SIZE`` consecutive indexes of one SIG's list, claimed by one
    controller, which hands them out from memory: claimed once, in one transaction, never twice
    (the unique constraint decides between controllers that race for one)."""

    __tablename__ = "status_index_blocks"
    __table_args__ = (UniqueConstraint("sig_id", "list_number", "block", name="uq_status_index_block"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sig_id: Mapped[int] = mapped_column(ForeignKey("sigs.id"))
    list_number: Mapped[int]
    block: Mapped[int]  # its indexes are block * INDEX_BLOCK_SIZE and the INDEX_BLOCK_SIZE - 1 after it
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)


class StatusChange(Base):
    """Who changed a credential's status, when, and why: kept for good."""

    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    credential_id: Mapped[str] = mapped_column(String(200), index=True)
    action: Mapped[str] = mapped_column(String(20))  # revoke | suspend | unsuspend
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
