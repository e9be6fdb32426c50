from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    sig_id: Mapped[int] = mapped_column(ForeignKey("sigs.id"), index=True)
    actor: Mapped[str] = mapped_column(String(400))  # organizer:<email>, api-key:<id>, service-admin, worker
    action: Mapped[str] = mapped_column(String(60))  # e.g. credential.issued, credential.revoke, organizer.created
    subject: Mapped[str] = mapped_column(
        String(400), index=True
    )  # what it was done to: a credential id, an email, a key id
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow)
