from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, utcnow


class Oid4vciGrant(Base):
    """One credential offer: its pre-authorized code (single use, expires), the optional
    transaction code, and the access token the code was traded for. Only SHA-256s are kept."""

    __tablename__ = "oid4vci_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    sig_id: Mapped[int] = mapped_column(ForeignKey("sigs.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    tx_code_hash: Mapped[str | None] = mapped_column(String(64))
    # The configurations offered, each mapped to whether the access token has been used for it
    # (a token takes each configuration once: asked again, it is a replay).
    configurations: Mapped[dict[str, bool]] = mapped_column(JSON)
    code_expires_at: Mapped[datetime]
    code_used_at: Mapped[datetime | None]
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    token_expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Oid4vciNonce(Base):
    """A ``c_nonce`` handed out (token or nonce endpoint): a proof may use it once, before it expires."""

    __tablename__ = "oid4vci_nonces"

    id: Mapped[int] = mapped_column(primary_key=True)
    nonce_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class Oid4vciCredential(Base):
    """A badge as one format's credential, bound to the holder DID that proved its key: asked
    again by that key (a retry) it is the same credential; another key gets none."""

    __tablename__ = "oid4vci_credentials"
    __table_args__ = (UniqueConstraint("badge_id", "format", "holder_did", name="uq_oid4vci_credential"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    badge_id: Mapped[int] = mapped_column(ForeignKey("badges.id"), index=True)
    format: Mapped[str] = mapped_column(String(20))  # ldp_vc | jwt_vc_json
    holder_did: Mapped[str] = mapped_column(Text)
    credential: Mapped[str] = mapped_column(Text)  # the JSON-LD credential as JSON, or the VC-JWT
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
