from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, utcnow


class VcApiExchange(Base):
    """One exchange of one member: its URL names ``exchange_id``; its challenge, a single-use nonce,
    is kept only as a hash (a copy of the database answers no exchange)."""

    __tablename__ = "vcapi_exchanges"

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[str] = mapped_column(String(32), unique=True)
    sig_id: Mapped[int] = mapped_column(ForeignKey("sigs.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    # The challenge the exchange accepts now: a new request for a presentation replaces it.
    challenge_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]  # when a presentation answered the challenge
    holder_did: Mapped[str | None] = mapped_column(Text)  # the DID that presentation proved
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
