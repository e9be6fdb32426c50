from datetime import datetime

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, utcnow
from ..formats.models import FormatName


class Sig(Base):
    """A Special Interest Group: its profile is the issuer Profile of its badges."""

    __tablename__ = "sigs"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Short, URL-safe and unique: names the SIG in URLs (status lists, achievements) and in the CLI.
    slug: Mapped[str] = mapped_column(String(40), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(500))
    image: Mapped[str | None] = mapped_column(String(500))
    # IANA name: meeting times are entered and shown in it, stored in UTC.
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    # Badges name their member (credentialSubject.name); a SIG may leave names out.
    names_in_badges: Mapped[bool] = mapped_column(default=True)
    # What its badges are issued as: Open Badges (JSON-LD) and/or AnonCreds (formats/choice.py).
    badge_formats: Mapped[list[str]] = mapped_column(JSON, default=lambda: [FormatName.LD_PROOF])
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
