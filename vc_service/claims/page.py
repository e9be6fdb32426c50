"""What a member's claim page shows: each badge named by what it is for (the meeting and its date,
the talk, the membership's end) and its state in words a member understands."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..badges.models import Badge
from ..delivery.state import BadgeDelivery, delivery_state
from ..formats.registry import badge_format
from ..meetings.models import Meeting, Talk
from ..members.models import Member
from ..timestamps import day_text

BADGE_LABELS = {
    "membership": "Membership",
    "attendance": "Attendance",
    "presenter": "Presenter",
    "participation": "Attendance tally",
}


def badge_label(badge: Badge, meeting: Meeting | None, talk: Talk | None) -> str:
    """What the member reads: the kind, what it is about, and its format."""
    if badge.kind == "participation":
        tally = badge.credential
        if tally is None:  # a tally's row is made with its values (anoncreds/tally.py)
            raise ValueError(f"participation badge {badge.id} has no tally values")
        detail = f" ({tally['meetings_attended']} meetings since {tally['counted_since']})"
    elif badge.kind == "membership":
        detail = f" — valid until {day_text(badge.valid_until)}" if badge.valid_until else ""
    elif meeting is None:
        raise ValueError(f"{badge.kind} badge {badge.id} has no meeting")
    elif talk is not None:
        detail = f" — {talk.title} ({meeting.title}, {day_text(meeting.starts_at)})"
    else:
        detail = f" — {meeting.title}, {day_text(meeting.starts_at)}"
    note = badge_format(badge.format).note
    return BADGE_LABELS[badge.kind] + detail + (f" · {note}" if note else "")


def state_words(delivery: BadgeDelivery, wallet_connected: bool, can_be_file: bool) -> str:
    """The badge's state as the member reads it: what it means and what they can do."""
    if delivery.label == "revoked":
        return "Withdrawn by the organizers: it no longer counts."
    if delivery.state == "issued":
        return "In your wallet." if delivery.offered_to_wallet else "Downloaded as a file."
    if delivery.state == "offered":
        return "Sent to your wallet: accept it in the app."
    if delivery.state == "failed":
        return "Not in your wallet yet: it is sent again shortly, nothing to do."
    if wallet_connected:
        return "On its way to your wallet."
    file = " You can download it as a file meanwhile." if can_be_file else ""
    return f"Waiting for your wallet: it is sent as soon as you connect one above.{file}"


@dataclass(frozen=True)
class ClaimedBadge:
    label: str
    state: str  # the stored state, for the page's colours
    words: str
    download_url: str | None

    @property
    def on_its_way(self) -> bool:
        """The page follows it until it arrives."""
        return self.state in ("pending", "offered")


async def claimed_badges(session: AsyncSession, member: Member, claim_url: str) -> list[ClaimedBadge]:
    """The member's badges as their claim page lists them, oldest first."""
    rows = (
        await session.execute(
            select(Badge, Meeting, Talk)
            .outerjoin(Meeting, Badge.meeting_id == Meeting.id)
            .outerjoin(Talk, Badge.talk_id == Talk.id)
            .where(Badge.member_id == member.id)
            .order_by(Badge.id)
        )
    ).all()
    wallet_connected = member.connection_state == "active"
    badges = []
    for badge, meeting, talk in rows:
        as_file = badge_format(badge.format).can_be_file
        delivery = delivery_state(badge)
        badges.append(
            ClaimedBadge(
                label=badge_label(badge, meeting, talk),
                state=delivery.label,
                words=state_words(delivery, wallet_connected, as_file),
                download_url=f"{claim_url}/badges/{badge.id}.json" if as_file else None,
            )
        )
    return badges
