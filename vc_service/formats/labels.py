"""What a member reads for a badge, on the claim page and in the mail that announces it: the kind,
what it is for (the meeting and its date, the talk, the membership's end), and its format."""

from ..badges.models import Badge
from ..meetings.models import Meeting, Talk
from ..timestamps import day_text
from .registry import badge_format

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
