"""Creating and finding a SIG's meetings and adding their talks."""

from typing import Literal

from pydantic import BaseModel, Field, model_validator
from sqlalchemy.ext.asyncio import AsyncSession

from ..errors import Invalid, NotFound
from ..members.models import Member
from ..timestamps import UtcExpressible
from .models import Meeting, Talk


class UnknownMeeting(NotFound, LookupError):
    pass


class UnknownPresenter(Invalid, LookupError):
    pass


MeetingKind = Literal["general", "guest-presentation", "journal-club", "subgroup"]


class MeetingIn(BaseModel):
    """A new meeting, as the API's body and the dashboard's form give it."""

    kind: MeetingKind
    title: str = Field(min_length=1, max_length=300)
    description: str = Field("", max_length=5000)
    starts_at: UtcExpressible
    ends_at: UtcExpressible

    @model_validator(mode="after")
    def ends_after_start(self) -> "MeetingIn":
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be later than starts_at")
        return self


async def add_meeting(session: AsyncSession, sig_id: int, new: MeetingIn) -> Meeting:
    """The SIG's new meeting. Commits."""
    meeting = Meeting(sig_id=sig_id, **new.model_dump())
    session.add(meeting)
    await session.commit()
    return meeting


async def find_meeting(session: AsyncSession, sig_id: int, meeting_id: int) -> Meeting:
    """The SIG's meeting with that id; another SIG's meeting is as unknown as a missing one."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None or meeting.sig_id != sig_id:
        raise UnknownMeeting(f"no meeting {meeting_id}")
    return meeting


async def add_talk(
    session: AsyncSession,
    meeting: Meeting,
    title: str,
    presenter_id: int,
    slides_url: str | None = None,
    recording_url: str | None = None,
) -> Talk:
    """A talk given at the meeting by a member of the same SIG. Commits."""
    presenter = await session.get(Member, presenter_id)
    if presenter is None or presenter.sig_id != meeting.sig_id:
        raise UnknownPresenter(f"no member {presenter_id} to present the talk")
    talk = Talk(
        meeting_id=meeting.id,
        title=title,
        presenter_id=presenter.id,
        slides_url=slides_url,
        recording_url=recording_url,
    )
    session.add(talk)
    await session.commit()
    return talk
