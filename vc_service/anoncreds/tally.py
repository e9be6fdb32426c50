"""The attendance tally: "attended at least N meetings since a date", proved in zero knowledge.

AnonCreds predicates compare one integer attribute of one credential with a number; they cannot
count credentials (a proof may use the same attendance credential for every referent) nor do
arithmetic across them. So the count has to be an attribute: a *participation* credential says
"between ``counted_since`` and ``counted_until`` this member attended ``meetings_attended``
meetings". A verifier asking "at least N since D" requests two predicates on it:
``meetings_attended >= N`` and ``counted_since_number >= D``; both true means every counted
meeting is on or after D, so at least N meetings since D, and nothing else is shown.

The window is the calendar year up to the meeting a batch issues for (the SIG's yearly report
period): a tally counted since 1 January answers "since D" for any D up to that 1 January
(a lower bound when D is earlier). A tally is a fact that stays true, so none is revoked when
the next, higher one arrives; it exists once per (member, year, count).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..meetings.models import Attendance, Meeting

KIND = "participation"


@dataclass(frozen=True)
class Tally:
    counted_since: date
    counted_until: date
    meetings_attended: int

    @property
    def key(self) -> str:
        return f"{KIND}:{self.counted_since.year}:{self.meetings_attended}"

    def values(self) -> dict[str, str]:
        return {
            "counted_since": self.counted_since.isoformat(),
            "counted_until": self.counted_until.isoformat(),
            "meetings_attended": str(self.meetings_attended),
        }

    @classmethod
    def from_values(cls, values: dict[str, str]) -> "Tally":
        return cls(
            date.fromisoformat(values["counted_since"]),
            date.fromisoformat(values["counted_until"]),
            int(values["meetings_attended"]),
        )


async def tallies_at(session: AsyncSession, meeting: Meeting, member_ids: list[int]) -> dict[int, Tally]:
    """Each member's meetings of the SIG from 1 January of the meeting's year up to this meeting."""
    since = datetime(meeting.starts_at.year, 1, 1, tzinfo=UTC)
    counts = await session.execute(
        select(Attendance.member_id, func.count())
        .join(Meeting, Attendance.meeting_id == Meeting.id)
        .where(
            Meeting.sig_id == meeting.sig_id,
            Attendance.member_id.in_(member_ids),
            Meeting.starts_at >= since,
            Meeting.starts_at <= meeting.starts_at,
        )
        .group_by(Attendance.member_id)
    )
    return {member_id: Tally(since.date(), meeting.starts_at.date(), count) for member_id, count in counts.all()}
