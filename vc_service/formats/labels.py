"""What a member reads for a badge, on the claim page and in the mail that announces it."""

from ..badges.models import Badge
from .registry import badge_format

BADGE_LABELS = {
    "membership": "Membership",
    "attendance": "Attendance",
    "presenter": "Presenter",
    "participation": "Attendance tally",
}


def badge_label(badge: Badge) -> str:
    """The kind, what it is about, and its format."""
    fmt = badge_format(badge.format)
    if badge.kind == "participation":
        tally = badge.credential
        if tally is None:  # a tally's row is made with its values (anoncreds/tally.py)
            raise ValueError(f"participation badge {badge.id} has no tally values")
        detail = f" ({tally['meetings_attended']} meetings since {tally['counted_since']})"
    elif badge.kind == "attendance":
        detail = ""
    else:
        detail = f" ({fmt.badge_key(badge.badge_key).split(':', 1)[1]})"
    note = fmt.note
    return BADGE_LABELS[badge.kind] + detail + (f" · {note}" if note else "")
