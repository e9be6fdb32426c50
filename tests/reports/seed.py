"""A seeded SIG whose health figures were counted by hand (see test_health.py for the counts)."""

from datetime import UTC, date, datetime, timedelta

from vc_service.badges.models import Badge
from vc_service.meetings.models import Attendance, Meeting, Talk
from vc_service.members.models import Member
from vc_service.sig.models import Sig

SINCE, UNTIL = date(2025, 2, 1), date(2025, 6, 30)


def members(first: int, last: int) -> set[int]:
    return set(range(first, last + 1))


# (day, kind, title, attendees): one meeting before the period, seven in it, one after.
MEETINGS = [
    (date(2025, 1, 10), "general", "Kick-off", members(1, 10)),
    (date(2025, 2, 5), "general", "February general", members(1, 15)),
    (date(2025, 2, 20), "guest-presentation", "Guest one", members(1, 15) | members(21, 25)),
    (date(2025, 3, 5), "general", "March general", members(1, 18)),
    (date(2025, 4, 5), "general", "April general", members(3, 19)),
    (date(2025, 4, 20), "guest-presentation", "Guest two", members(1, 20) | members(26, 33)),
    (date(2025, 5, 5), "general", "May general", members(5, 20)),
    (date(2025, 6, 1), "subgroup", "Subgroup", {1, 2, 34}),
    (date(2025, 7, 10), "general", "July general", members(1, 5) | {35}),
]
# The period's meetings as the report gives them, (title, attendees, new, returning): counted by hand
# in test_health.py's docstring.
EXPECTED_MEETINGS = [
    ("February general", 15, 5, 10),
    ("Guest one", 20, 5, 15),
    ("March general", 18, 3, 15),
    ("April general", 17, 1, 16),
    ("Guest two", 28, 9, 19),
    ("May general", 16, 0, 16),
    ("Subgroup", 3, 1, 2),
]
# Talks: (meeting title, talk title, presenter)
TALKS = [
    ("Kick-off", "Welcome", 1),
    ("Guest one", "Talk A", 21),
    ("April general", "Talk C", 21),
    ("Guest two", "Talk B", 26),
]


def region(member: int) -> str | None:
    if member <= 12:
        return "Americas"
    if member <= 20:
        return "Europe"
    if member <= 22:
        return "Asia"
    return None


# Badges of the period's meetings, by (state, delivery): offered to a wallet are those offered, failed
# (an offer left unanswered ends failed) or issued over DIDComm; pending ones and files are not.
BADGE_STATES = (
    [("issued", "didcomm")] * 30
    + [("offered", None)] * 8
    + [("failed", None)] * 2
    + [("pending", None)] * 5
    + [("issued", "file")] * 3
)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 17, tzinfo=UTC)


async def seed(session) -> int:
    sig = Sig(slug="seeded-sig", name="Seeded SIG")
    session.add(sig)
    await session.flush()
    people = {}
    for number in range(1, 36):
        people[number] = Member(
            sig_id=sig.id,
            name=f"Member {number}",
            email=f"m{number}@example.org",
            claim_token_hash=f"seed-{number}",
            region=region(number),
        )
        session.add(people[number])
    await session.flush()
    meetings = {}
    for day, kind, title, attendees in MEETINGS:
        meetings[title] = Meeting(
            sig_id=sig.id, kind=kind, title=title, starts_at=at(day), ends_at=at(day) + timedelta(hours=1)
        )
        session.add(meetings[title])
        await session.flush()
        session.add_all(
            Attendance(meeting_id=meetings[title].id, member_id=people[n].id, source="roster") for n in attendees
        )
    for meeting, title, presenter in TALKS:
        session.add(Talk(meeting_id=meetings[meeting].id, title=title, presenter_id=people[presenter].id))
    for index, (state, delivery) in enumerate(BADGE_STATES):
        session.add(
            Badge(
                sig_id=sig.id,
                member_id=people[index % 15 + 1].id,
                kind="attendance",
                badge_key=f"seed:{index}",
                meeting_id=meetings["February general"].id,
                credential_id=f"urn:uuid:seed-{index}",
                state=state,
                delivery=delivery,
            )
        )
    await session.commit()
    return sig.id
