"""Importing a big roster: a few statements per batch, committed batch by batch, on both backends."""

from datetime import UTC, datetime

from sqlalchemy import event, func, select

from vc_service.meetings.models import Attendance, Meeting
from vc_service.members.models import Member
from vc_service.members.roster import parse_roster
from vc_service.members.service import ROSTER_BATCH_ROWS, import_roster
from vc_service.sig.models import Sig

ROWS = 4 * ROSTER_BATCH_ROWS


async def sig_and_meeting(sessions) -> tuple[int, int]:
    async with sessions() as session:
        sig = Sig(slug="sig", name="SIG", description="d", url="https://sig.example")
        session.add(sig)
        await session.flush()
        now = datetime.now(UTC)
        meeting = Meeting(sig_id=sig.id, kind="general", title="Big call", starts_at=now, ends_at=now)
        session.add(meeting)
        await session.commit()
        return sig.id, meeting.id


def roster(rows: int, did_of_first: str = "") -> str:
    lines = [
        f"Member {index},member{index}@example.org,{did_of_first if index == 0 else ''}\n" for index in range(rows)
    ]
    return "name,email,did\n" + "".join(lines)


async def test_a_big_roster_takes_a_few_statements_a_batch_and_commits_each(sessions):
    sig_id, meeting_id = await sig_and_meeting(sessions)
    engine = sessions.kw["bind"].sync_engine
    statements, commits = [], []
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, sql, *_: statements.append(sql))
    event.listen(engine, "commit", lambda _c: commits.append(1))
    parsed = parse_roster(roster(ROWS))
    async with sessions() as session:
        report = await import_roster(session, "claim-key", sig_id, meeting_id, parsed.entries, parsed.errors)
    assert (report.members_created, report.attendance_added) == (ROWS, ROWS)
    batches = ROWS // ROSTER_BATCH_ROWS
    assert len(commits) == batches  # other writers get the database between batches
    assert len(statements) <= 8 * batches  # not one or more per row (was 3 per row)

    again = parse_roster(roster(ROWS + 1, did_of_first="did:key:z6MkNew"))
    async with sessions() as session:
        report = await import_roster(session, "claim-key", sig_id, meeting_id, again.entries, again.errors)
        assert (report.members_created, report.members_matched) == (1, ROWS)
        assert (report.attendance_added, report.attendance_unchanged, report.errors) == (1, ROWS, [])
        assert await session.scalar(select(func.count()).select_from(Attendance)) == ROWS + 1
        assert (
            await session.scalar(select(Member.did).where(Member.email == "member0@example.org")) == "did:key:z6MkNew"
        )


async def test_a_did_that_differs_from_the_record_is_reported_and_not_imported(sessions):
    sig_id, meeting_id = await sig_and_meeting(sessions)
    first = parse_roster("name,email,did\nAda,ada@example.org,did:key:z6MkAda\n")
    other_meeting = parse_roster("name,email,did\nAda,ada@example.org,did:key:z6MkOther\nBo,bo@example.org,\n")
    async with sessions() as session:
        await import_roster(session, "claim-key", sig_id, meeting_id, first.entries, first.errors)
        async with sessions() as second:
            await second.execute(Attendance.__table__.delete())
            await second.commit()
        report = await import_roster(
            session, "claim-key", sig_id, meeting_id, other_meeting.entries, other_meeting.errors
        )
    assert report.errors == [
        {
            "line": 2,
            "name": "Ada",
            "reason": "did did:key:z6MkOther differs from the DID on record for ada@example.org",
        }
    ]
    assert (report.members_created, report.attendance_added) == (1, 1)
