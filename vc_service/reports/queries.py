"""Loading a SIG's rows for its health report."""

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..badges.models import Badge
from ..db.base import utcnow
from ..errors import Invalid
from ..meetings.models import Attendance, Meeting, Talk
from ..members.models import Member
from .health import BadgeRow, HealthReport, MeetingRow, TalkRow, health_report


class InvalidPeriod(Invalid):
    pass


def check_period(since: date, until: date | None) -> None:
    if until is not None and until < since:
        raise InvalidPeriod(f"until ({until}) is before since ({since})")


async def period_report(session: AsyncSession, sig_id: int, since: date, until: date | None) -> HealthReport:
    """The SIG's health report from ``since`` to ``until`` (open-ended without it), checked first."""
    check_period(since, until)
    return await sig_health_report(session, sig_id, since, until)


async def sig_health_report(session: AsyncSession, sig_id: int, since: date, until: date | None) -> HealthReport:
    attendance = (
        await session.execute(
            select(Attendance.meeting_id, Attendance.member_id)
            .join(Meeting, Meeting.id == Attendance.meeting_id)
            .where(Meeting.sig_id == sig_id)
        )
    ).all()
    attendees: dict[int, set[int]] = defaultdict(set)
    for meeting_id, member_id in attendance:
        attendees[meeting_id].add(member_id)
    # Only meetings that have started: one still to come has no attendance yet, and would count
    # as 0 in the averages of a period that reaches into the future (or has no end).
    held = select(Meeting).where(Meeting.sig_id == sig_id, Meeting.starts_at <= utcnow())
    meetings = [
        MeetingRow(m.id, m.title, m.kind, m.starts_at, frozenset(attendees[m.id])) for m in await session.scalars(held)
    ]
    talks = [
        TalkRow(talk.meeting_id, talk.title, member.id, member.name)
        for talk, member in (
            await session.execute(
                select(Talk, Member)
                .join(Member, Member.id == Talk.presenter_id)
                .join(Meeting, Meeting.id == Talk.meeting_id)
                .where(Meeting.sig_id == sig_id)
                .order_by(Talk.id)
            )
        ).all()
    ]
    # A badge of no meeting (membership) counts in no period: the report only counts meetings' badges.
    badges = [
        BadgeRow(meeting_id, state, delivery, revoked_at)
        for meeting_id, state, delivery, revoked_at in (
            await session.execute(
                select(Badge.meeting_id, Badge.state, Badge.delivery, Badge.revoked_at).where(Badge.sig_id == sig_id)
            )
        ).all()
        if meeting_id is not None
    ]
    regions = dict((await session.execute(select(Member.id, Member.region).where(Member.sig_id == sig_id))).all())
    return health_report(since, until, meetings, talks, badges, regions)
