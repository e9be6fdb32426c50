"""The unsigned credential of a badge, from the rows it is about."""

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from ..anoncreds.badges import anoncreds_badge_offer
from ..anoncreds.definitions import SigDefinitions
from ..badges.models import Badge
from ..badges.templates import MeetingFacts, Recipient, TalkFacts, build_badge
from ..contexts.service import sig_context_url
from ..issuer.identity import Issuer, Issuers
from ..meetings.models import Meeting, Talk
from ..members.models import Member
from ..status.service import allocate_status, status_entries
from .offers import PreparedOffer


async def badge_credential(
    session: AsyncSession,
    badge: Badge,
    member: Member,
    *,
    issuer: Issuer,
    base_url: str,
    subject_did: str | None,
    for_didcomm: bool = False,
) -> dict:
    """``for_didcomm``: one status entry (revocation) as an object, since a stock ACA-Py holder
    rejects a credential whose ``credentialStatus`` is a list; files carry both purposes."""
    engine = session.bind
    if not isinstance(engine, AsyncEngine):  # the service's sessions are all bound to its engine (db/engine.py)
        raise TypeError("badge credentials need a session bound to the service's engine")
    ref = await allocate_status(engine, issuer.sig_id, issuer.slug, badge.credential_id)
    status = status_entries(base_url, ref, ("revocation",))[0] if for_didcomm else status_entries(base_url, ref)
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
        status=status,
        status_context=sig_context_url(base_url),
    )


def didcomm_builder(issuers: Issuers, base_url: str, anoncreds: SigDefinitions | None = None):
    """For the worker: a badge's offer in its format, signed by its SIG's issuer. JSON-LD badges
    offered over DIDComm are bound to the DID the member gave us, or else to their connection's
    DID. (A stock ACA-Py holder signs presentations for a did:peer subject with a relative key id
    that ACA-Py verifiers refuse; a did:key subject works.) AnonCreds badges are bound to the
    wallet's link secret instead, under their SIG's definitions (``anoncreds``, None without a
    ledger)."""

    async def build(session: AsyncSession, badge: Badge, member: Member) -> PreparedOffer:
        issuer = await issuers.of(badge.sig_id)
        if badge.format == "anoncreds":
            return await anoncreds_badge_offer(session, badge, member, issuer.name, anoncreds)
        credential = await badge_credential(
            session,
            badge,
            member,
            issuer=issuer,
            base_url=base_url,
            subject_did=member.did or member.wallet_did,
            for_didcomm=True,
        )
        return PreparedOffer(credential=credential)

    return build
