from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, utcnow


class Member(Base):
    """A person of the SIG. The email merges roster rows; the claim token is their short link, derived
    from the claim nonce with the service's claim key (members/tokens.py); its hash finds the member."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("sig_id", "email", name="uq_member_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sig_id: Mapped[int] = mapped_column(ForeignKey("sigs.id"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))  # stored lower-case
    did: Mapped[str | None] = mapped_column(Text)  # the member's own DID, if they gave one
    region: Mapped[str | None] = mapped_column(String(100))  # optional, self-declared
    joined_at: Mapped[date | None]
    left_at: Mapped[date | None]
    claim_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    claim_nonce: Mapped[str | None] = mapped_column(String(32))  # None: a link from before 0013, hash only
    # The member's one wallet connection; all their DIDComm badges are bound to its DID
    # (a did:peer:4 long form, hence Text), so one proof can present them all.
    invitation_url: Mapped[str | None] = mapped_column(Text)
    invitation_msg_id: Mapped[str | None] = mapped_column(String(100), index=True)
    connection_id: Mapped[str | None] = mapped_column(String(100), index=True)
    connection_state: Mapped[str | None] = mapped_column(String(40))
    wallet_did: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
