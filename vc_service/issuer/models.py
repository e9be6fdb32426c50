from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, utcnow


class IssuerDid(Base):
    """A DID the agent created for the SIG; the oldest is the one the SIG issues under."""

    __tablename__ = "issuer_dids"

    did: Mapped[str] = mapped_column(String(255), primary_key=True)
    method: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
