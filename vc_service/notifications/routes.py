from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel

from ..deps import CurrentOrganizer, Organizer, RowId, Session, State, sig_row
from ..members.models import Member
from ..routing import sig_meeting
from .outbox import MailNotConfigured, meeting_mail, resend_mail

router = APIRouter(tags=["meetings"], dependencies=[Organizer])
NO_SMTP = "no SMTP server is set up (VC_SERVICE_SMTP_HOST): nothing is mailed; give members their claim links"


class MemberMail(BaseModel):
    member_id: int
    member_name: str
    email: str | None
    state: str  # queued | sent | failed | not-mailed
    failure_reason: str | None  # a failed message's refusal, or the last one of a message still retried
    attempts: int
    next_attempt_at: datetime | None
    sent_at: datetime | None


class MeetingMail(BaseModel):
    meeting_id: int
    mail_enabled: bool
    members: list[MemberMail]


@router.get("/meetings/{meeting_id}/mail", response_model=MeetingMail, summary="Each member's mail about the meeting")
async def meeting_mail_states(meeting_id: RowId, organizer: CurrentOrganizer, state: State, session: Session):
    await sig_meeting(session, organizer, meeting_id)
    members = [
        MemberMail(
            member_id=member.id,
            member_name=member.name,
            email=member.email,
            state=message.state if message else "not-mailed",
            failure_reason=message.failure_reason if message else None,
            attempts=message.attempts if message else 0,
            next_attempt_at=message.next_attempt_at if message else None,
            sent_at=message.sent_at if message else None,
        )
        for member, message in await meeting_mail(session, meeting_id)
    ]
    return MeetingMail(meeting_id=meeting_id, mail_enabled=state.settings.mail_enabled, members=members)


class MailQueued(BaseModel):
    mail_id: int
    state: str


@router.post(
    "/meetings/{meeting_id}/members/{member_id}/mail",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=MailQueued,
    summary="Mail the member their claim link and badges of the meeting again",
)
async def resend(meeting_id: RowId, member_id: RowId, organizer: CurrentOrganizer, state: State, session: Session):
    """Audited. 409 without an SMTP server, or when the member has no badge of the meeting."""
    meeting = await sig_meeting(session, organizer, meeting_id)
    member = await sig_row(session, Member, member_id, organizer.sig_id, "member")
    if not state.settings.mail_enabled:
        raise MailNotConfigured(NO_SMTP)
    message = await resend_mail(session, member, meeting, organizer.actor)
    state.worker.wake()
    return MailQueued(mail_id=message.id, state=message.state)
