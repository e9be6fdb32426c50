"""The door QR: attendees check themselves in and get this meeting's attendance badge."""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ..db.base import utcnow
from ..errors import Gone, NotFound
from ..issuance.jobs import add_missing_badges, attendance_badges
from ..meetings.models import Attendance, Meeting
from ..members.models import Member
from ..members.service import get_or_create_member
from ..members.tokens import new_token, token_hash


class DoorNotFound(NotFound, LookupError):
    pass


class DoorClosed(Gone):
    pass


def open_door(meeting: Meeting, window: timedelta, now: datetime | None = None) -> str:
    """A new door token, valid for ``window``; an earlier token stops working. Only its hash is
    stored: the token is known now only, for the door URL shown to the organizer."""
    door_token = new_token()
    meeting.door_token_hash = token_hash(door_token)
    meeting.door_expires_at = (now or utcnow()) + window
    return door_token


async def open_meeting_at_door(session: AsyncSession, door_token: str, now: datetime | None = None) -> Meeting:
    meeting = await session.scalar(select(Meeting).where(Meeting.door_token_hash == token_hash(door_token)))
    if meeting is None:
        raise DoorNotFound("this door code is unknown: ask the organizers for the current one")
    if meeting.door_expires_at is None:  # open_door sets the token's hash and its expiry together
        raise DoorClosed(f"check-in for {meeting.title} is closed")
    if (now or utcnow()) >= meeting.door_expires_at:
        raise DoorClosed(f"check-in for {meeting.title} closed at {meeting.door_expires_at:%H:%M} UTC")
    return meeting


async def check_in(
    session: AsyncSession, claim_key: str, meeting: Meeting, name: str, email: str
) -> tuple[Member, str | None]:
    """Attendance and its badge, once per member however often they scan; with the claim token of
    a member this check-in created (None for one who existed: see below)."""
    try:
        member, claim_token = await get_or_create_member(session, claim_key, meeting.sig_id, name, email)
        already = await session.scalar(
            select(Attendance.id).where(Attendance.meeting_id == meeting.id, Attendance.member_id == member.id)
        )
        if already is None:
            session.add(Attendance(meeting_id=meeting.id, member_id=member.id, source="door", joined_at=utcnow()))
        await session.flush()  # the attendance counts in the member's AnonCreds tally
        wanted = await attendance_badges(session, meeting, [member.id])
        await add_missing_badges(session, meeting.sig_id, meeting.id, wanted, job_id=None)
        await session.commit()
    except IntegrityError:
        await session.rollback()  # the same person's other scan got there first: nothing to add
        member, claim_token = await get_or_create_member(session, claim_key, meeting.sig_id, name, email)
    # An existing member's claim link never goes to whoever typed their email at the door. It
    # reaches them only over a channel that proves the address: mailing it is to be hooked in here.
    return member, claim_token
