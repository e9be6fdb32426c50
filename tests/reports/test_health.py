"""The health report's figures equal a hand count over the seeded SIG (tests/reports/seed.py).

Hand count for 2025-02-01..2025-06-30 (the kick-off before, the July meeting after, are out):
- general meetings 15, 18, 17, 16 attendees: average 16.5; guest presentations 20 and 28: 24; subgroup 3;
- new at each meeting (first meeting ever): Feb general 11-15 = 5; Guest one 21-25 = 5; March 16-18 = 3;
  April 19 = 1; Guest two 20 and 26-33 = 9; May 0; Subgroup 34 = 1: 24 new members, and 10 returning
  (members 1-10 came to the kick-off);
- badges issued for the period's meetings: 30 in wallets + 8 offered + 2 failed + 5 pending + 3 files = 48;
  picked up 30 + 3 = 33: pickup 33 / 48 = 0.688 (30 by DIDComm wallet, 3 by file download);
- talks in the period: Talk A, Talk C (member 21), Talk B (member 26): 3 talks, 2 presenters;
- regions of the 34 attendees: Americas 12 (1-12), Europe 8 (13-20), Asia 2 (21-22), not stated 12.
"""

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from vc_service.db.base import utcnow
from vc_service.meetings.models import Meeting, Talk
from vc_service.members.models import Member
from vc_service.reports.charts import attendance_chart
from vc_service.reports.export import report_csv
from vc_service.reports.health import BadgeRow, HealthReport, MeetingFigures, MeetingRow, TalkRow, health_report
from vc_service.reports.queries import sig_health_report

from .seed import BADGE_STATES, EXPECTED_MEETINGS, MEETINGS, SINCE, TALKS, UNTIL, at, region, seed


def check(report) -> None:
    assert [(m.title, m.attendees, m.new, m.returning) for m in report.meetings] == EXPECTED_MEETINGS
    assert report.average_by_kind == {"general": 16.5, "guest-presentation": 24.0, "subgroup": 3.0}
    assert (report.new_members, report.returning_members) == (24, 10)
    assert (report.badges_issued, report.badges_picked_up, report.pickup_rate) == (48, 33, 0.688)
    assert report.picked_up_by_channel == {"DIDComm wallet": 30, "file download": 3}
    assert report.badges_by_stage == {
        "pending": 5,
        "offered to a wallet": 8,
        "issued to a wallet": 30,
        "picked up as a file": 3,
        "failed": 2,
    }
    assert [(t["title"], t["presenter"]) for t in report.talks] == [
        ("Talk A", "Member 21"),
        ("Talk C", "Member 21"),
        ("Talk B", "Member 26"),
    ]
    assert report.presenters == 2
    assert report.regions == {"Americas": 12, "not stated": 12, "Europe": 8, "Asia": 2}


def test_the_figures_match_the_hand_count():
    meetings = [
        MeetingRow(index, title, kind, at(day), frozenset(people))
        for index, (day, kind, title, people) in enumerate(MEETINGS)
    ]
    ids = {title: index for index, (_day, _kind, title, _people) in enumerate(MEETINGS)}
    talks = [TalkRow(ids[meeting], title, presenter, f"Member {presenter}") for meeting, title, presenter in TALKS]
    badges = [BadgeRow(ids["February general"], state, delivery) for state, delivery in BADGE_STATES]
    badges.append(BadgeRow(ids["Kick-off"], "issued", "didcomm"))  # before the period: not counted
    check(health_report(SINCE, UNTIL, meetings, talks, badges, {member: region(member) for member in range(1, 36)}))


def test_an_open_period_and_an_empty_one():
    meetings = [
        MeetingRow(index, title, kind, at(day), frozenset(people))
        for index, (day, kind, title, people) in enumerate(MEETINGS)
    ]
    assert [m.title for m in health_report(SINCE, None, meetings, [], [], {}).meetings][-1] == "July general"
    empty = health_report(UNTIL + timedelta(days=400), None, meetings, [], [], {})
    assert (empty.meetings, empty.average_by_kind, empty.pickup_rate, empty.regions) == ([], {}, None, {})
    assert "no meetings in the period" in attendance_chart(empty)


def test_the_csv_keeps_formulas_as_text():
    """A name typed at the door like =HYPERLINK(...) must not run in the organizer's spreadsheet."""
    report = HealthReport(
        since=SINCE,
        until=UNTIL,
        meetings=[MeetingFigures(SINCE, "-5 days to go", "general", 1, 1, 0)],
        talks=[{"date": SINCE, "title": "+1 for linked data", "presenter": '=HYPERLINK("https://evil.example","Ann")'}],
        regions={"@home": 1, "Europe": 2},
    )
    rows = list(csv.reader(io.StringIO(report_csv(report))))
    assert ["2025-02-01", "'-5 days to go", "general", "1", "1", "0"] in rows
    assert ["2025-02-01", "'+1 for linked data", '\'=HYPERLINK("https://evil.example","Ann")'] in rows
    assert ["'@home", "1"] in rows and ["Europe", "2"] in rows


async def test_the_database_gives_the_same_figures(sessions):
    async with sessions() as session:
        sig_id = await seed(session)
        report = await sig_health_report(session, sig_id, SINCE, UNTIL)
    check(report)
    csv_text = report_csv(report)
    assert "general,16.5" in csv_text and "guest-presentation,24.0" in csv_text and "pickup rate,0.688" in csv_text
    svg = attendance_chart(report)
    assert (
        svg.startswith("<svg")
        and 'role="img"' in svg
        and '<title id="chart-title">Attendance per meeting</title>' in svg
    )
    assert svg.count("<rect") == 7


async def test_meetings_still_to_come_are_left_out(sessions):
    """A scheduled meeting has no attendance yet: counted, it would pull the general average down to 12."""
    async with sessions() as session:
        sig_id = await seed(session)
        soon = utcnow() + timedelta(days=7)
        upcoming = Meeting(
            sig_id=sig_id, kind="general", title="Next general", starts_at=soon, ends_at=soon + timedelta(hours=1)
        )
        session.add(upcoming)
        await session.flush()
        presenter_id = await session.scalar(select(Member.id).where(Member.sig_id == sig_id).limit(1))
        session.add(Talk(meeting_id=upcoming.id, title="Next talk", presenter_id=presenter_id))
        await session.commit()
        open_ended = await sig_health_report(session, sig_id, SINCE, None)
        into_next_year = await sig_health_report(session, sig_id, SINCE, soon.date() + timedelta(days=365))
    for report in (open_ended, into_next_year):
        assert report.meetings[-1].title == "July general"
        assert report.average_by_kind["general"] == 14.4  # Feb 15, March 18, April 17, May 16, July 6: 72 / 5
        assert [talk["title"] for talk in report.talks] == ["Talk A", "Talk C", "Talk B"]
