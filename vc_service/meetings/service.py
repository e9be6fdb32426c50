"""Finding a SIG's meetings and adding their talks."""

from sqlalchemy.ext.asyncio import AsyncSession

from ..members.models import Member
from .models import Meeting, Talk


class UnknownMeeting(LookupError):
    pass


class UnknownPresenter(LookupError):
    pass


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
