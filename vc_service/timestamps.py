"""ISO 8601 / XML Schema date-times with a time zone: the only kind this service accepts."""

from datetime import datetime


def parse_aware_datetime(value: str, field: str) -> datetime:
    """The instant ``value`` names; ValueError naming ``field`` if it is not one or has no zone."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"{field} {value!r} is not an ISO 8601 date and time") from exc
    if parsed.tzinfo is None:
        raise ValueError(f"{field} {value!r} has no time zone (add Z or +hh:mm)")
    return parsed
