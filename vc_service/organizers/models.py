from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
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
    disabled_at: Mapped[datetime | None]  # set: no sign-in, no session, no API key until enabled again


class OrganizerSession(Base):
    """A dashboard session, revocable here (sign-out, password change, disabled organizer): the
    cookie carries a random id, of which only the SHA-256 is kept."""

    __tablename__ = "organizer_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("organizer_accounts.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    flash: Mapped[dict | None] = mapped_column(JSON)  # the next page's notice, shown once: {"kind", "text"}
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


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
