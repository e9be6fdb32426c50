from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, utcnow


class OrganizerAccount(Base):
    __tablename__ = "organizer_accounts"
    __table_args__ = (UniqueConstraint("sig_id", "email", name="uq_organizer_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sig_id: Mapped[int] = mapped_column(ForeignKey("sigs.id"))
    email: Mapped[str] = mapped_column(String(320))
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id, with its salt and parameters
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]


class OrganizerApiKey(Base):
    """An organizer's key for the API (X-API-Key). Only its SHA-256 is kept; revoked keys stay, for the audit."""

    __tablename__ = "organizer_api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("organizer_accounts.id"))
    sig_id: Mapped[int] = mapped_column(ForeignKey("sigs.id"))
    label: Mapped[str] = mapped_column(String(100))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
