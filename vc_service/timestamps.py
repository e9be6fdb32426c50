"""ISO 8601 / XML Schema date-times with a time zone: the only kind this service accepts; and the
SIGs' time zones, in which forms take and show meeting times; one way pages write a day."""

from datetime import UTC, date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, AwareDatetime


def check_utc_range(value: datetime) -> datetime:
    """``value`` itself, if it has a UTC equivalent: 0001-01-01T00:00+14:00 has none (it is in year 0),
    and every comparison or database write of it would overflow."""
    try:
        value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError(f"{value.isoformat()} is outside the years 1 to 9999 in UTC") from exc
    return value


# A request field: an instant with its time zone, that UTC can express.
UtcExpressible = Annotated[AwareDatetime, AfterValidator(check_utc_range)]


def parse_aware_datetime(value: str, field: str) -> datetime:
    """The instant ``value`` names; ValueError naming ``field`` if it is not one or has no zone."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"{field} {value!r} is not an ISO 8601 date and time") from exc
    if parsed.tzinfo is None:
        raise ValueError(f"{field} {value!r} has no time zone (add Z or +hh:mm)")
    try:
        return check_utc_range(parsed)
    except ValueError as exc:
        raise ValueError(f"{field} {exc}") from exc


def time_zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` (``Europe/Berlin``, ``UTC``); ValueError naming it if there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:  # ValueError: a path-like or empty name
        raise ValueError(f"{name!r} is not a time zone (an IANA name such as Europe/Berlin or UTC)") from exc


def local_to_utc(value: str, zone: str) -> datetime:
    """A form's ``datetime-local`` value, entered in ``zone``, as the UTC instant it names."""
    try:
        naive = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a date and time") from exc
    if naive.tzinfo is not None:
        raise ValueError(f"{value!r} carries a time zone; the form's times are in {zone}")
    return check_utc_range(naive.replace(tzinfo=time_zone(zone))).astimezone(UTC)


def in_zone(value: datetime, zone: str) -> datetime:
    """A stored instant (UTC; SQLite hands it back without its zone) in the SIG's time zone."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(time_zone(zone))


def day_text(value: date) -> str:
    """3 Dec 2026: read the same way everywhere, unlike 12/03/2026."""
    return f"{value.day} {value:%b %Y}"
