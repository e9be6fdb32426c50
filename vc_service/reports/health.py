"""The figures of a health report, computed from plain rows: no HTTP, no SQL.

Definitions (also in the README):
- a meeting is in the period when its start date (UTC) is within ``since``..``until``, both included,
  and it has started (the query layer leaves out meetings still to come: they have no attendance yet);
- a member is *new* at their first meeting ever (of this SIG), *returning* at every later one;
  over the period, new members are those whose first meeting is in it, returning ones attended
  in it and before it;
- badge pickup rate: of the badges issued for the period's meetings (every badge an issue run made,
  whether it reached anyone or not), the share the members picked up, by any channel: taken by a
  wallet over DIDComm, or downloaded as a file. Beside it, the picked-up badges by channel, and
  every badge by stage (pending, offered, issued to a wallet, picked up as a file, failed) with
  revoked ones apart; a revoked badge was picked up before it was revoked and counts so;
- regions: distinct attendees of the period by their self-declared region, "not stated" otherwise.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from ..delivery.state import STAGE_LABELS, delivery_state

NOT_STATED = "not stated"
REVOKED = "revoked"


@dataclass(frozen=True)
class MeetingRow:
    id: int
    title: str
    kind: str
    starts_at: datetime
    attendee_ids: frozenset[int]


@dataclass(frozen=True)
class TalkRow:
    meeting_id: int
    title: str
    presenter_id: int
    presenter: str


@dataclass(frozen=True)
class BadgeRow:
    meeting_id: int
    state: str
    delivery: str | None
    revoked_at: datetime | None = None


@dataclass(frozen=True)
class MeetingFigures:
    date: date
    title: str
    kind: str
    attendees: int
    new: int
    returning: int


@dataclass
class HealthReport:
    since: date
    until: date | None
    meetings: list[MeetingFigures] = field(default_factory=list)
    average_by_kind: dict[str, float] = field(default_factory=dict)
    new_members: int = 0
    returning_members: int = 0
    badges_issued: int = 0
    badges_picked_up: int = 0
    picked_up_by_channel: dict[str, int] = field(default_factory=dict)  # channel label: badges
    badges_by_stage: dict[str, int] = field(default_factory=dict)  # stage words (or "revoked"): badges
    talks: list[dict] = field(default_factory=list)
    presenters: int = 0
    regions: dict[str, int] = field(default_factory=dict)

    @property
    def pickup_rate(self) -> float | None:
        return round(self.badges_picked_up / self.badges_issued, 3) if self.badges_issued else None


def health_report(
    since: date,
    until: date | None,
    all_meetings: list[MeetingRow],
    talks: list[TalkRow],
    badges: list[BadgeRow],
    regions: dict[int, str | None],
) -> HealthReport:
    """The report of the period; ``all_meetings`` is every meeting of the SIG (to tell new from returning)."""
    ordered = sorted(all_meetings, key=lambda meeting: (meeting.starts_at, meeting.id))
    first_meeting: dict[int, int] = {}
    for meeting in ordered:
        for member in meeting.attendee_ids:
            first_meeting.setdefault(member, meeting.id)

    def in_period(meeting: MeetingRow) -> bool:
        day = meeting.starts_at.date()
        return since <= day and (until is None or day <= until)

    period = [meeting for meeting in ordered if in_period(meeting)]
    report = HealthReport(since=since, until=until)
    counts_by_kind: dict[str, list[int]] = defaultdict(list)
    attendees: set[int] = set()
    for meeting in period:
        new = sum(1 for member in meeting.attendee_ids if first_meeting[member] == meeting.id)
        report.meetings.append(
            MeetingFigures(
                meeting.starts_at.date(),
                meeting.title,
                meeting.kind,
                len(meeting.attendee_ids),
                new,
                len(meeting.attendee_ids) - new,
            )
        )
        counts_by_kind[meeting.kind].append(len(meeting.attendee_ids))
        attendees |= meeting.attendee_ids
    report.average_by_kind = {
        kind: round(sum(counts) / len(counts), 2) for kind, counts in sorted(counts_by_kind.items())
    }
    period_ids = {meeting.id for meeting in period}
    report.new_members = sum(1 for member in attendees if first_meeting[member] in period_ids)
    report.returning_members = len(attendees) - report.new_members

    deliveries = [delivery_state(badge) for badge in badges if badge.meeting_id in period_ids]
    picked_up = [delivery for delivery in deliveries if delivery.picked_up]
    report.badges_issued = len(deliveries)
    report.badges_picked_up = len(picked_up)
    report.picked_up_by_channel = dict(
        Counter(delivery.delivered_by.label for delivery in picked_up if delivery.delivered_by).most_common()
    )
    by_stage = Counter(REVOKED if delivery.label == REVOKED else delivery.stage_label for delivery in deliveries)
    report.badges_by_stage = {label: by_stage[label] for label in (*STAGE_LABELS.values(), REVOKED) if by_stage[label]}

    dates = {meeting.id: meeting.starts_at.date() for meeting in period}
    period_talks = [talk for talk in talks if talk.meeting_id in period_ids]
    report.talks = [{"date": dates[t.meeting_id], "title": t.title, "presenter": t.presenter} for t in period_talks]
    report.presenters = len({talk.presenter_id for talk in period_talks})
    report.regions = dict(Counter(regions.get(member) or NOT_STATED for member in attendees).most_common())
    return report
