"""Open Badges 3.0 as JSON-LD verifiable credentials: signed by the SIG's issuer DID, a file as
well as a wallet's credential, revoked and suspended in the SIG's bitstring status lists."""

import uuid
from enum import Enum

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from ..agent.client import AgentClient
from ..agent.records import CredentialExchangeRecord
from ..badges.models import Badge
from ..badges.templates import MeetingFacts, Recipient, TalkFacts, build_badge
from ..contexts.service import sig_context_url
from ..issuer.identity import Issuer
from ..meetings.models import Meeting, Talk
from ..members.models import Member
from ..status.service import allocate_status, status_entries
from ..status.signing import carries_suspension, change_and_publish
from .base import BadgeFormat, OfferContext, PreparedOffer, ProofAsk, RequestedProof, StatusContext
from .ld_proof_requests import TEMPLATES as PROOF_TEMPLATES
from .ld_proof_requests import presentation_definition
from .models import FormatName

# A DIDComm badge is signed Ed25519Signature2018, the suite both holders verify for a did:key
# issuer: Credo 0.6 resolves its key as an Ed25519VerificationKey2018 and refuses a 2020 proof
# with it; ACA-Py holders take either. Files and VC-API credentials stay Ed25519Signature2020.
DIDCOMM_PROOF_TYPE = "Ed25519Signature2018"


class StatusShape(Enum):
    """What a badge's ``credentialStatus`` holds, by the wallets it goes to."""

    BOTH = "both"  # revocation and suspension entries: files, VC-API, the Learner Credential Wallet
    # One revocation entry as an object (OpenID4VCI): Credo's and ACA-Py's VCDM 1.1 models refuse a list.
    REVOCATION = "revocation"
    # None (DIDComm): a Credo 0.6 wallet refuses any JSON-LD credential with a ``credentialStatus``
    # over DIDComm ("not supported"); this service's verifier checks such a badge against its
    # records (verification/checks.py).
    NONE = "none"


async def badge_credential(
    session: AsyncSession,
    badge: Badge,
    member: Member,
    *,
    issuer: Issuer,
    base_url: str,
    subject_did: str | None,
    status: StatusShape = StatusShape.BOTH,
) -> dict:
    """The unsigned credential of a badge, from the rows it is about, with its status entries
    shaped as ``status`` says (files and VC-API: both); the entry is allocated in every shape."""
    engine = session.bind
    if not isinstance(engine, AsyncEngine):  # the service's sessions are all bound to its engine (db/engine.py)
        raise TypeError("badge credentials need a session bound to the service's engine")
    ref = await allocate_status(engine, issuer.sig_id, issuer.slug, badge.credential_id)
    entries = status_entries(base_url, ref)
    shaped = {StatusShape.BOTH: entries, StatusShape.REVOCATION: entries[0], StatusShape.NONE: None}[status]
    meeting = await session.get(Meeting, badge.meeting_id) if badge.meeting_id else None
    talk = await session.get(Talk, badge.talk_id) if badge.talk_id else None
    return build_badge(
        badge.kind,
        issuer=issuer,
        base_url=base_url,
        credential_id=badge.credential_id,
        recipient=Recipient(name=member.name, email=member.email, did=subject_did),
        meeting=MeetingFacts(
            title=meeting.title, kind=meeting.kind, starts_at=meeting.starts_at, ends_at=meeting.ends_at
        )
        if meeting
        else None,
        talk=TalkFacts(
            title=talk.title, presenter=member.name, slides_url=talk.slides_url, recording_url=talk.recording_url
        )
        if talk
        else None,
        valid_until=badge.valid_until,
        issued_at=badge.created_at,
        status=shaped,
        status_context=sig_context_url(base_url),
    )


class LdProofFormat(BadgeFormat):
    name = FormatName.LD_PROOF
    label = "Open Badges (JSON-LD)"
    description = "Open Badges 3.0 (JSON-LD): files, the verify page, DIDComm wallets"
    note = None
    can_be_file = True
    can_suspend = True
    needs_ledger = False
    proves_predicates = False
    issues_tallies = False
    proof_templates = frozenset(PROOF_TEMPLATES)

    def job_key(self, badge_key: str) -> str:
        return badge_key  # the first format: its badges kept their keys when a second came

    def badge_key(self, job_key: str) -> str:
        return job_key

    async def prepare_offer(
        self, session: AsyncSession, badge: Badge, member: Member, context: OfferContext
    ) -> PreparedOffer:
        """Bound to the DID the member gave us, or else to their connection's DID. (A stock ACA-Py
        holder signs presentations for a did:peer subject with a relative key id that ACA-Py
        verifiers refuse; a did:key subject works.)"""
        credential = await badge_credential(
            session,
            badge,
            member,
            issuer=context.issuer,
            base_url=context.base_url,
            subject_did=member.did or member.wallet_did,
            status=StatusShape.NONE,
        )
        return PreparedOffer(credential=credential, proof_type=DIDCOMM_PROOF_TYPE)

    def offered_credential_id(self, record: CredentialExchangeRecord) -> str | None:
        offer = record.by_format.cred_offer.ld_proof
        return None if offer is None else offer.credential.get("id")

    async def request_proof(self, agent: AgentClient, ask: ProofAsk) -> RequestedProof:
        challenge = str(uuid.uuid4())
        definition = presentation_definition(ask.template, ask.issuer.did, ask.since, ask.now)
        return RequestedProof(await agent.create_proof_request(definition, challenge, ask.domain), challenge)

    def suspendable(self, badge: Badge) -> bool:
        return carries_suspension(badge)

    async def revoke(self, session: AsyncSession, badge: Badge, reason: str, actor: str, context: StatusContext):
        await change_and_publish(
            session, context.agent, context.issuer, context.base_url, badge.credential_id, "revoke", reason, actor
        )

    async def change_suspension(
        self, session: AsyncSession, badge: Badge, action: str, reason: str, actor: str, context: StatusContext
    ):
        await change_and_publish(
            session, context.agent, context.issuer, context.base_url, badge.credential_id, action, reason, actor
        )
