from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, utcnow

MAIL_STATES = ("queued", "sent", "failed")


class MailMessage(Base):
    """One message to one member, written in the transaction that added the badges it announces,
    and sent by the worker (outbox.py). ``sending_since`` is its claim: set and committed before the
    message goes to the SMTP server, cleared with the outcome."""

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    sig_id: Mapped[int] = mapped_column(ForeignKey("sigs.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    cause: Mapped[str] = mapped_column(String(20))  # issued | door | membership | resend
    badge_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)  # the same on every try
    state: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    sending_since: Mapped[datetime | None]
    failure_reason: Mapped[str | None] = mapped_column(Text)  # the last refusal, even while retried
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
