from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, utcnow


class IssuerDid(Base):
    """A DID the agent created for a SIG; the SIG's oldest is the one it issues under."""

    __tablename__ = "issuer_dids"

    did: Mapped[str] = mapped_column(String(255), primary_key=True)
    sig_id: Mapped[int] = mapped_column(ForeignKey("sigs.id"), index=True)
    method: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
