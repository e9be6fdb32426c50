from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, utcnow


class AnonCredsDefinition(Base):
    """The schema and credential definition of one badge kind on the ledger, registered once."""

    __tablename__ = "anoncreds_definitions"
    __table_args__ = (UniqueConstraint("sig_id", "kind", name="uq_anoncreds_definition_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sig_id: Mapped[int] = mapped_column(ForeignKey("sigs.id"))
    kind: Mapped[str] = mapped_column(String(20))  # membership | attendance | presenter
    issuer_did: Mapped[str] = mapped_column(String(255))
    schema_id: Mapped[str] = mapped_column(String(255))
    cred_def_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnonCredsCredential(Base):
    """An AnonCreds badge offered to a member's wallet, and where it stands."""

    __tablename__ = "anoncreds_credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    sig_id: Mapped[int] = mapped_column(ForeignKey("sigs.id"))
    kind: Mapped[str] = mapped_column(String(20))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    talk_id: Mapped[int | None] = mapped_column(ForeignKey("talks.id"))
    cred_ex_id: Mapped[str] = mapped_column(String(100), unique=True)
    state: Mapped[str] = mapped_column(String(20))  # offered | issued | revoked | failed
    rev_reg_id: Mapped[str | None] = mapped_column(String(255))
    cred_rev_id: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
