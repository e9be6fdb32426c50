from datetime import datetime

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, utcnow


class WebhookEvent(Base):
    """One state change the agent reported; (topic, record, state) happens once."""

    __tablename__ = "webhook_events"
    __table_args__ = (UniqueConstraint("topic", "record_id", "state", name="uq_webhook_event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(100))
    record_id: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None]  # set once handled; unhandled ones are replayed at start
