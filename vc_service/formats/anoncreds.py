"""AnonCreds badges of the batch and the door: rows of the badges table in this format, offered
by the same worker as the JSON-LD ones (claims, retries, reconciliation after a crash), held only
by the wallet that asked for them, and revoked in the ledger's revocation registry, which knows
no suspension. The definitions, tallies and credential values are the ``anoncreds`` package's."""

from sqlalchemy.ext.asyncio import AsyncSession

from ..agent.client import AgentClient
from ..agent.records import CredentialExchangeRecord
from ..anoncreds.credentials import credential_attributes, proof_request
from ..anoncreds.definitions import NO_LEDGER
from ..anoncreds.tally import Tally
from ..audit.service import record
from ..badges.models import Badge
from ..badges.templates import MeetingFacts, TalkFacts
from ..db.base import utcnow
from ..meetings.models import Meeting, Talk
from ..members.models import Member
from ..status.models import StatusChange
from .base import (
    BadgeFormat,
    CannotOffer,
    CannotSuspend,
    NotRevocable,
    OfferContext,
    PreparedOffer,
    ProofAsk,
    RequestedProof,
    StatusContext,
    TemplateUnavailable,
)
from .models import FormatName

# AnonCreds values are fixed by the schema: the badge's credential id travels in the offer's comment.
OFFER_COMMENT = "Badge {credential_id}"
# Proof templates answered with AnonCreds credentials: the template's badge kind (anoncreds/tally.py).
PROOF_TEMPLATES = {"attended-at-least": "participation"}


class AnonCredsFormat(BadgeFormat):
    name = FormatName.ANONCREDS
    label = "AnonCreds"
    description = "AnonCreds: most mobile wallets, zero-knowledge proofs"
    note = "AnonCreds"
    can_be_file = False  # the credential exists only in the wallet that asked for it
    can_suspend = False
    needs_ledger = True
    proves_predicates = True
    issues_tallies = True
    proof_templates = frozenset(PROOF_TEMPLATES)

    async def prepare_offer(
        self, session: AsyncSession, badge: Badge, member: Member, context: OfferContext
    ) -> PreparedOffer:
        """The values of the badge's schema, bound to the wallet's link secret under its SIG's
        definitions; they are recorded on the badge (the issuer never sees the wallet's copy), a
        tally's since its row was made."""
        if context.anoncreds is None:
            raise CannotOffer(NO_LEDGER)
        sig_name = context.issuer.name
        sig_definitions = await context.anoncreds.of(badge.sig_id)
        if sig_definitions is None:
            raise CannotOffer(
                f"{sig_name} has no AnonCreds definitions: its organizers choose the AnonCreds format first"
            )
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
        return PreparedOffer(
            cred_def_id=sig_definitions[badge.kind].cred_def_id,
            attributes=attributes,
            comment=OFFER_COMMENT.format(credential_id=badge.credential_id),
        )

    def offered_credential_id(self, record: CredentialExchangeRecord) -> str | None:
        comment = (record.cred_offer.comment if record.cred_offer else None) or ""
        prefix = OFFER_COMMENT.format(credential_id="")
        offered = record.by_format.cred_offer.anoncreds is not None
        return comment[len(prefix) :] if offered and comment.startswith(prefix) else None

    async def request_proof(self, agent: AgentClient, ask: ProofAsk) -> RequestedProof:
        if ask.anoncreds is None:
            raise TemplateUnavailable(
                f"the {ask.template} template asks for AnonCreds badges, which {ask.issuer.name} does not issue: the "
                "service needs a ledger, and the SIG the AnonCreds badge format"
            )
        kind = PROOF_TEMPLATES[ask.template]
        request = proof_request(
            kind, ask.anoncreds[kind], ask.since and ask.since.date(), ask.min_meetings, sig_name=ask.issuer.name
        )
        return RequestedProof(await agent.create_anoncreds_proof_request(request), request["nonce"])

    def suspendable(self, badge: Badge) -> bool:
        return False

    async def revoke(self, session: AsyncSession, badge: Badge, reason: str, actor: str, context: StatusContext):
        """Revoke in the registry, publish the registry's new state to the ledger, and keep who,
        when and why as for JSON-LD badges."""
        await revoke_anoncreds_badge(session, context.agent, badge, reason, actor)

    async def change_suspension(
        self, session: AsyncSession, badge: Badge, action: str, reason: str, actor: str, context: StatusContext
    ):
        raise CannotSuspend("AnonCreds badges can be revoked, not suspended.")


async def revoke_anoncreds_badge(
    session: AsyncSession, agent: AgentClient, badge: Badge, reason: str, actor: str
) -> None:
    if badge.format != FormatName.ANONCREDS:
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
    record(session, badge.sig_id, actor, "credential.revoke", badge.credential_id, reason=reason, format=badge.format)
    await session.commit()
