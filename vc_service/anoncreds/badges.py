"""AnonCreds badges of the batch and the door: rows of the badges table in the "anoncreds" format,
offered by the same worker as the JSON-LD ones (claims, retries, reconciliation after a crash),
and revoked in the ledger's revocation registry."""

from sqlalchemy.ext.asyncio import AsyncSession

from ..agent.client import AgentClient
from ..audit.service import record
from ..badges.models import Badge
from ..badges.templates import MeetingFacts, TalkFacts
from ..db.base import utcnow
from ..errors import Conflict
from ..issuance.offers import CannotOffer, PreparedOffer
from ..meetings.models import Meeting, Talk
from ..members.models import Member
from ..status.models import StatusChange
from .credentials import credential_attributes
from .definitions import NO_LEDGER, SigDefinitions
from .tally import Tally


class NotRevocable(Conflict):
    """Only an issued AnonCreds badge, not revoked yet, can be revoked."""


async def anoncreds_badge_offer(
    session: AsyncSession, badge: Badge, member: Member, sig_name: str, definitions: SigDefinitions | None
) -> PreparedOffer:
    """The values of the badge's schema for the worker to offer; they are recorded on the badge
    (the issuer never sees the wallet's copy), a tally's since its row was made."""
    if definitions is None:
        raise CannotOffer(NO_LEDGER)
    sig_definitions = await definitions.of(badge.sig_id)
    if sig_definitions is None:
        raise CannotOffer(f"{sig_name} has no AnonCreds definitions: its organizers choose the AnonCreds format first")
    meeting = await session.get(Meeting, badge.meeting_id) if badge.meeting_id else None
    talk = await session.get(Talk, badge.talk_id) if badge.talk_id else None
    tally = None
    if badge.kind == "participation":
        if badge.credential is None:  # a tally's row is made with its values (tally.py)
            raise ValueError(f"participation badge {badge.id} has no tally values")
        tally = Tally.from_values(badge.credential)
    attributes = credential_attributes(
        badge.kind,
        sig_name,
        member.name,
        meeting=MeetingFacts(meeting.title, meeting.kind, meeting.starts_at, meeting.ends_at) if meeting else None,
        talk=TalkFacts(talk.title, member.name) if talk else None,
        valid_until=badge.valid_until and badge.valid_until.date(),
        tally=tally,
    )
    badge.credential = attributes
    return PreparedOffer(cred_def_id=sig_definitions[badge.kind].cred_def_id, attributes=attributes)


async def revoke_anoncreds_badge(
    session: AsyncSession, agent: AgentClient, badge: Badge, reason: str, actor: str
) -> None:
    """Revoke in the registry, publish the registry's new state to the ledger, and keep who, when
    and why as for JSON-LD badges. Commits."""
    if badge.format != "anoncreds":
        raise NotRevocable(f"badge {badge.id} is an Open Badge: it is revoked in the SIG's status list")
    if badge.revoked_at is not None:
        raise NotRevocable(f"badge {badge.id} is revoked already; revocation is final")
    if badge.state != "issued":
        raise NotRevocable(f"badge {badge.id} is {badge.state}, not issued: there is nothing to revoke yet")
    if badge.cred_ex_id is None:  # an issued badge came through an exchange
        raise NotRevocable(f"badge {badge.id} has no credential exchange to revoke")
    await agent.revoke_anoncreds_credential(badge.cred_ex_id)
    badge.revoked_at = utcnow()
    session.add(
        StatusChange(
            credential_id=badge.credential_id, action="revoke", reason=reason, actor=actor, changed_at=badge.revoked_at
        )
    )
    record(session, badge.sig_id, actor, "credential.revoke", badge.credential_id, reason=reason, format="anoncreds")
    await session.commit()
