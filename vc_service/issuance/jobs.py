"""Batch issuance: "issue all badges for meeting M" as badge rows that exist once each.

The rows are the durable work: a second start finds them and adds nothing, and a restarted
controller's worker picks up whatever is not issued yet.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ..badges.models import Badge, IssuanceJob
from ..meetings.models import Attendance, Meeting, Talk


def attendance_key(meeting_id: int) -> str:
    return f"attendance:meeting:{meeting_id}"


def presenter_key(talk_id: int) -> str:
    return f"presenter:talk:{talk_id}"


def membership_key(valid_until: datetime) -> str:
    return f"membership:{valid_until.date().isoformat()}"


def new_credential_id() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


@dataclass(frozen=True)
class WantedBadge:
    member_id: int
    kind: str
    badge_key: str
    talk_id: int | None = None


async def wanted_badges(session: AsyncSession, meeting: Meeting) -> list[WantedBadge]:
    attendees = await session.scalars(select(Attendance.member_id).where(Attendance.meeting_id == meeting.id))
    talks = await session.scalars(select(Talk).where(Talk.meeting_id == meeting.id))
    return [WantedBadge(member_id, "attendance", attendance_key(meeting.id)) for member_id in attendees] + [
        WantedBadge(talk.presenter_id, "presenter", presenter_key(talk.id), talk.id) for talk in talks
    ]


async def add_missing_badges(
    session: AsyncSession, sig_id: int, meeting_id: int, wanted: list[WantedBadge], job_id: int | None
) -> int:
    """Insert the badges that do not exist yet; returns how many were added."""
    existing = set(
        (await session.execute(select(Badge.member_id, Badge.badge_key).where(Badge.meeting_id == meeting_id))).all()
    )
    missing = [badge for badge in wanted if (badge.member_id, badge.badge_key) not in existing]
    session.add_all(
        Badge(
            sig_id=sig_id, member_id=badge.member_id, kind=badge.kind, badge_key=badge.badge_key,
            meeting_id=meeting_id, talk_id=badge.talk_id, job_id=job_id, credential_id=new_credential_id(),
        )  # fmt: skip
        for badge in missing
    )
    return len(missing)


async def start_meeting_job(session: AsyncSession, meeting: Meeting) -> tuple[IssuanceJob, int]:
    """Record the request and the badges it needs; safe to call any number of times."""
    sig_id = meeting.sig_id
    wanted = await wanted_badges(session, meeting)
    job = IssuanceJob(meeting_id=meeting.id)
    session.add(job)
    await session.flush()
    try:
        added = await add_missing_badges(session, sig_id, meeting.id, wanted, job.id)
        await session.commit()
    except IntegrityError:
        # Another request inserted some of the same badges first: those exist now, add the rest.
        await session.rollback()
        session.add(job)
        await session.flush()
        added = await add_missing_badges(session, sig_id, meeting.id, wanted, job.id)
        await session.commit()
    return job, added


async def add_membership_badge(session: AsyncSession, sig_id: int, member_id: int, valid_until: datetime) -> tuple[Badge, bool]:
    """The member's membership badge valid until that date; renewing is asking for a later date."""
    key = membership_key(valid_until)
    existing = await session.scalar(select(Badge).where(Badge.member_id == member_id, Badge.badge_key == key))
    if existing is not None:
        return existing, False
    badge = Badge(
        sig_id=sig_id, member_id=member_id, kind="membership", badge_key=key, valid_until=valid_until,
        credential_id=new_credential_id(),
    )  # fmt: skip
    session.add(badge)
    await session.commit()
    return badge, True
