"""Finding a SIG's meetings."""

from sqlalchemy.ext.asyncio import AsyncSession

from .models import Meeting


class UnknownMeeting(LookupError):
    pass


async def find_meeting(session: AsyncSession, sig_id: int, meeting_id: int) -> Meeting:
    """The SIG's meeting with that id; another SIG's meeting is as unknown as a missing one."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None or meeting.sig_id != sig_id:
        raise UnknownMeeting(f"no meeting {meeting_id}")
    return meeting
