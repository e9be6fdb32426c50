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

from ..anoncreds.tally import tallies_at
from ..badges.models import Badge, IssuanceJob
from ..formats.choice import badge_formats
from ..formats.models import FormatName
from ..formats.registry import badge_format
from ..meetings.models import Attendance, Meeting, Talk
from ..notifications.outbox import queue_mail


def attendance_key(meeting_id: int) -> str:
    return f"attendance:meeting:{meeting_id}"


def presenter_key(talk_id: int) -> str:
    return f"presenter:talk:{talk_id}"


def membership_key(valid_until: datetime) -> str:
    return f"membership:{valid_until.date().isoformat()}"


def in_format(badge_key: str, format_name: str) -> str:
    """The same badge in a second format is a row of its own, under its format's key."""
    return badge_format(format_name).job_key(badge_key)


def new_credential_id() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


@dataclass(frozen=True)
class WantedBadge:
    member_id: int
    kind: str
    badge_key: str  # without the format: see in_format
    talk_id: int | None = None
    format: str = FormatName.LD_PROOF
    values: dict | None = None  # what an AnonCreds tally says, fixed when its row is made

    @property
    def key(self) -> str:
        return in_format(self.badge_key, self.format)


async def attendance_badges(session: AsyncSession, meeting: Meeting, member_ids: list[int]) -> list[WantedBadge]:
    """The attendees' attendance badges in each of the SIG's formats and, with AnonCreds, their
    attendance tally up to this meeting in each format that issues tallies (see anoncreds/tally.py)."""
    formats = await badge_formats(session, meeting.sig_id)
    wanted = [
        WantedBadge(member_id, "attendance", attendance_key(meeting.id), format=format_name)
        for format_name in formats
        for member_id in member_ids
    ]
    tally_formats = [name for name in formats if badge_format(name).issues_tallies]
    if tally_formats and member_ids:
        tallies = await tallies_at(session, meeting, member_ids)
        wanted += [
            WantedBadge(member_id, "participation", tally.key, format=name, values=tally.values())
            for name in tally_formats
            for member_id, tally in tallies.items()
        ]
    return wanted


async def wanted_badges(session: AsyncSession, meeting: Meeting) -> list[WantedBadge]:
    attendees = list(await session.scalars(select(Attendance.member_id).where(Attendance.meeting_id == meeting.id)))
    talks = list(await session.scalars(select(Talk).where(Talk.meeting_id == meeting.id)))
    formats = await badge_formats(session, meeting.sig_id)
    return await attendance_badges(session, meeting, attendees) + [
        WantedBadge(talk.presenter_id, "presenter", presenter_key(talk.id), talk.id, format=format_name)
        for format_name in formats
        for talk in talks
    ]


async def add_missing_badges(
    session: AsyncSession, sig_id: int, meeting_id: int, wanted: list[WantedBadge], job_id: int | None
) -> list[Badge]:
    """Insert the badges that do not exist yet; returns those added."""
    existing = set(
        (await session.execute(select(Badge.member_id, Badge.badge_key).where(Badge.meeting_id == meeting_id))).all()
    )
    # A tally is keyed by its year and count, not by meeting: look it up among all the member's badges.
    counted = {badge.member_id for badge in wanted if badge.kind == "participation"}
    if counted:
        tallies = select(Badge.member_id, Badge.badge_key).where(
            Badge.member_id.in_(counted), Badge.kind == "participation"
        )
        existing |= set((await session.execute(tallies)).all())
    missing = [badge for badge in wanted if (badge.member_id, badge.key) not in existing]
    added = [
        Badge(
            sig_id=sig_id,
            member_id=badge.member_id,
            kind=badge.kind,
            format=badge.format,
            badge_key=badge.key,
            meeting_id=meeting_id,
            talk_id=badge.talk_id,
            job_id=job_id,
            credential_id=new_credential_id(),
            credential=badge.values,
        )
        for badge in missing
    ]
    session.add_all(added)
    return added


async def start_meeting_job(session: AsyncSession, meeting: Meeting, mail: bool = False) -> tuple[IssuanceJob, int]:
    """Record the request and the badges it needs, and with ``mail`` one message to each member who
    got any (in the same transaction: see notifications/outbox.py); safe to call any number of times."""
    wanted = await wanted_badges(session, meeting)

    async def add_job() -> tuple[IssuanceJob, int]:
        job = IssuanceJob(meeting_id=meeting.id)
        session.add(job)
        await session.flush()
        added = await add_missing_badges(session, meeting.sig_id, meeting.id, wanted, job.id)
        if mail:
            await queue_mail(session, added, "issued")
        await session.commit()
        return job, len(added)

    try:
        return await add_job()
    except IntegrityError:
        # Another request inserted some of the same badges first: those exist now, add the rest.
        await session.rollback()
        return await add_job()


async def add_membership_badge(
    session: AsyncSession, sig_id: int, member_id: int, valid_until: datetime, mail: bool = False
) -> tuple[Badge, bool]:
    """The member's membership badge valid until that date; renewing is asking for a later date."""
    key = membership_key(valid_until)
    existing = await session.scalar(select(Badge).where(Badge.member_id == member_id, Badge.badge_key == key))
    if existing is not None:
        return existing, False
    badge = Badge(
        sig_id=sig_id,
        member_id=member_id,
        kind="membership",
        badge_key=key,
        valid_until=valid_until,
        credential_id=new_credential_id(),
    )
    session.add(badge)
    if mail:
        await queue_mail(session, [badge], "membership")
    await session.commit()
    return badge, True
