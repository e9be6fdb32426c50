from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select

from ..audit.service import record
from ..badges.models import Badge
from ..contexts.service import sig_context_url
from ..delivery.state import delivery_state
from ..deps import CurrentOrganizer, OrganizerIssuer, RowId, Session, State, sig_row
from ..errors import Invalid
from ..members.models import Member
from ..routing import sig_meeting
from ..status.service import commit_while_signing, status_allocator
from ..timestamps import UtcExpressible
from .jobs import add_membership_badge, start_meeting_job
from .progress import state_counts
from .signing import IssueOptions, credential_to_sign, sign_prepared

router = APIRouter(tags=["credentials"])


class IssueRequest(BaseModel):
    credential: dict[str, Any]
    options: IssueOptions = IssueOptions()


class IssueResponse(BaseModel):
    verifiableCredential: dict[str, Any]


@router.post(
    "/credentials/issue",
    status_code=status.HTTP_201_CREATED,
    response_model=IssueResponse,
    summary="Sign a credential as the SIG (W3C VC-API)",
)
async def issue_credential(
    body: IssueRequest, organizer: CurrentOrganizer, issuer: OrganizerIssuer, state: State, session: Session
) -> JSONResponse:
    base_url = state.settings.base_url
    prepared = await credential_to_sign(
        body.credential,
        issuer,
        state.contexts,
        body.options,
        status_for=status_allocator(session, issuer.sig_id, issuer.slug, base_url),
        status_context=sig_context_url(base_url),
    )
    record(session, issuer.sig_id, organizer.actor, "credential.issued", prepared["id"], delivery="api")
    # The status entry and the audit row: one commit, made while the agent signs.
    signed = await commit_while_signing(
        session, prepared["id"], sign_prepared(state.agent, prepared, state.contexts, body.options)
    )
    # As the agent signed it: validated again and re-encoded by FastAPI it would only cost time.
    return JSONResponse({"verifiableCredential": signed}, status_code=status.HTTP_201_CREATED)


class JobStarted(BaseModel):
    job_id: int
    meeting_id: int
    badges_added: int
    progress_url: str


class BadgeProgress(BaseModel):
    id: int
    meeting_id: int | None
    member_id: int
    member_name: str
    kind: str
    format: str  # ld_proof (Open Badge, JSON-LD) | anoncreds
    state: str  # its stage: pending, offered, issued (to a wallet), downloaded (picked up as a file), failed
    channel: str | None  # how it reached (or is on its way to) the member: didcomm | file | vcapi | oid4vci
    revoked_at: datetime | None  # AnonCreds; a JSON-LD badge's revocation is in GET /credentials/status
    failure_reason: str | None
    wallet_connected: bool


class MeetingProgress(BaseModel):
    meeting_id: int
    total: int
    counts: dict[str, int]
    badges: list[BadgeProgress]


@router.post(
    "/meetings/{meeting_id}/issue",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobStarted,
    tags=["meetings"],
    summary="Issue every badge of a meeting (safe to repeat)",
)
async def issue_meeting(meeting_id: RowId, organizer: CurrentOrganizer, state: State, session: Session) -> JobStarted:
    meeting = await sig_meeting(session, organizer, meeting_id)
    job, added = await start_meeting_job(session, meeting, mail=state.settings.mail_enabled)
    state.worker.wake()
    return JobStarted(
        job_id=job.id,
        meeting_id=meeting_id,
        badges_added=added,
        progress_url=f"{state.settings.base_url}/meetings/{meeting_id}/badges",
    )


def badge_progress(badge: Badge, member: Member) -> BadgeProgress:
    delivery = delivery_state(badge)
    return BadgeProgress(
        id=badge.id,
        meeting_id=badge.meeting_id,
        member_id=member.id,
        member_name=member.name,
        kind=badge.kind,
        format=badge.format,
        state=delivery.stage,
        channel=delivery.channel.name if delivery.channel else None,
        revoked_at=badge.revoked_at,
        failure_reason=badge.failure_reason,
        wallet_connected=member.connection_state == "active",
    )


@router.get(
    "/members/{member_id}/badges",
    response_model=list[BadgeProgress],
    tags=["members"],
    summary="Every badge of a member, in each format, and its state",
)
async def member_badges(member_id: RowId, organizer: CurrentOrganizer, session: Session) -> list[BadgeProgress]:
    member = await sig_row(session, Member, member_id, organizer.sig_id, "member")
    badges = await session.scalars(select(Badge).where(Badge.member_id == member.id).order_by(Badge.id))
    return [badge_progress(badge, member) for badge in badges]


@router.get(
    "/meetings/{meeting_id}/badges",
    response_model=MeetingProgress,
    tags=["meetings"],
    summary="Each badge of a meeting and its state",
)
async def meeting_badges(meeting_id: RowId, organizer: CurrentOrganizer, session: Session) -> MeetingProgress:
    await sig_meeting(session, organizer, meeting_id)
    rows = (
        await session.execute(
            select(Badge, Member)
            .join(Member, Badge.member_id == Member.id)
            .where(Badge.meeting_id == meeting_id)
            .order_by(Badge.id)
        )
    ).all()
    badges = [badge_progress(badge, member) for badge, member in rows]
    counts = state_counts(badge.state for badge in badges)
    return MeetingProgress(meeting_id=meeting_id, total=len(badges), counts=counts, badges=badges)


class MembershipRequest(BaseModel):
    valid_until: UtcExpressible


class MembershipBadge(BaseModel):
    badge_id: int
    state: str
    created: bool


@router.post(
    "/members/{member_id}/membership",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=MembershipBadge,
    tags=["members"],
    summary="Issue (or renew) a member's membership badge",
)
async def issue_membership(
    member_id: RowId, body: MembershipRequest, organizer: CurrentOrganizer, state: State, session: Session
) -> MembershipBadge:
    member = await sig_row(session, Member, member_id, organizer.sig_id, "member")
    if body.valid_until <= datetime.now(UTC):
        raise Invalid("valid_until must be in the future")
    badge, created = await add_membership_badge(
        session, member.sig_id, member.id, body.valid_until, mail=state.settings.mail_enabled
    )
    state.worker.wake()
    return MembershipBadge(badge_id=badge.id, state=badge.state, created=created)
