from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, utcnow
from ..formats.models import FormatName

BADGE_KINDS = ("membership", "attendance", "presenter")
BADGE_STATES = ("pending", "offered", "issued", "failed")


class IssuanceJob(Base):
    """ "Issue all badges for meeting M": durable, so a restarted controller resumes it."""

    __tablename__ = "issuance_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Badge(Base):
    """One credential for one member. ``badge_key`` makes it exist once, however often asked.

    ``badge_key`` is ``attendance:meeting:<id>``, ``presenter:talk:<id>`` or
    ``membership:<valid-until date>``; an AnonCreds badge's key ends in ``:anoncreds`` (the
    same member gets both when the SIG issues both formats), and ``participation:<year>:<count>``
    is the AnonCreds attendance tally (anoncreds/tally.py).
    """

    __tablename__ = "badges"
    __table_args__ = (UniqueConstraint("member_id", "badge_key", name="uq_badge"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sig_id: Mapped[int] = mapped_column(ForeignKey("sigs.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    kind: Mapped[str] = mapped_column(String(20))
    format: Mapped[str] = mapped_column(String(20), default=FormatName.LD_PROOF)
    badge_key: Mapped[str] = mapped_column(String(100))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    talk_id: Mapped[int | None] = mapped_column(ForeignKey("talks.id"))
    valid_until: Mapped[datetime | None]  # membership badges expire and are renewed
    job_id: Mapped[int | None] = mapped_column(ForeignKey("issuance_jobs.id"))
    credential_id: Mapped[str] = mapped_column(String(100), unique=True)  # urn:uuid of the VC
    state: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    # Set just before the offer goes to the agent: a row with it and no cred_ex_id after a
    # crash is reconciled against the agent's records by credential_id, never sent twice.
    sending_since: Mapped[datetime | None]
    cred_ex_id: Mapped[str | None] = mapped_column(String(100), index=True)
    delivery: Mapped[str | None] = mapped_column(String(20))  # didcomm | file, once issued
    # JSON-LD: the signed credential, once issued. AnonCreds: the attribute values offered (the
    # issuer never sees the wallet's credential).
    credential: Mapped[dict | None] = mapped_column(JSON)
    # AnonCreds badges are revoked in the ledger's revocation registry (JSON-LD ones in the
    # status lists, see status/): when that happened.
    revoked_at: Mapped[datetime | None]
    issued_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
