from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, utcnow

PROOF_STATES = ("pending", "verified", "not-verified", "not-satisfied", "expired")


class ProofRequest(Base):
    """One request, answered at most once; its id is unguessable: it is the reading key."""

    __tablename__ = "proof_requests"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    sig_id: Mapped[int] = mapped_column(ForeignKey("sigs.id"))
    template: Mapped[str] = mapped_column(String(40))
    since: Mapped[datetime | None]
    min_meetings: Mapped[int | None]  # attended-at-least (AnonCreds tally)
    challenge: Mapped[str] = mapped_column(String(100))
    pres_ex_id: Mapped[str] = mapped_column(String(100), unique=True)
    thread_id: Mapped[str] = mapped_column(String(100), index=True)
    invitation_url: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default="pending")
    reason: Mapped[str | None] = mapped_column(Text)
    presentation: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
