"""Attendance rosters as meeting tools export them: CSV of ``name,email[,did][,joined_at][,left_at]``.

Pure parsing: each row is either a valid entry or an error with its line number (the header
is line 1), so one bad row never stops the others.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime

from ..errors import Invalid
from ..timestamps import parse_aware_datetime
from .service import InvalidMember, normalise_email

REQUIRED_COLUMNS = ("name", "email")
# The one roster size limit: the API, the dashboard's preview and its import step (which posts the
# previewed bytes back, base64-encoded) all check it; the body limits add what a form wraps around it.
MAX_ROSTER_BYTES = 5 * 1024 * 1024
ROSTER_BASE64_BYTES = 4 * -(-MAX_ROSTER_BYTES // 3)
FORM_OVERHEAD_BYTES = 64 * 1024
DID = re.compile(r"^did:[a-z0-9]+:\S+$")


class RosterFormatError(Invalid, ValueError):
    """The file as a whole cannot be read as a roster."""


@dataclass
class RosterEntry:
    line: int
    name: str
    email: str
    did: str | None
    joined_at: datetime | None
    left_at: datetime | None


@dataclass(frozen=True)
class RosterError:
    line: int
    reason: str
    name: str = ""  # whom the row is about: its name, or its email when the name is missing

    def __str__(self) -> str:
        return described_row(self.line, self.name, self.reason)


def described_row(line: int, name: str, reason: str) -> str:
    """A skipped row as the organizer finds it in the file: "line 3 (Ann Lee): '' is not an email address"."""
    return f"line {line} ({name}): {reason}" if name else f"line {line}: {reason}"


@dataclass
class ParsedRoster:
    entries: list[RosterEntry] = field(default_factory=list)
    errors: list[RosterError] = field(default_factory=list)


def decode_roster(data: bytes) -> str:
    if not data.strip():
        raise RosterFormatError("the roster is empty")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RosterFormatError(f"the roster is not UTF-8 text (byte {exc.start})") from exc


def _timestamp(value: str, column: str) -> datetime | None:
    return parse_aware_datetime(value, column) if value else None


def _entry(line: int, row: dict[str, str]) -> RosterEntry:
    name = row.get("name", "").strip()
    if not name:
        raise ValueError("name is empty")
    try:
        email = normalise_email(row.get("email", ""))
    except InvalidMember as exc:
        raise ValueError(str(exc)) from exc
    did = row.get("did", "").strip() or None
    if did is not None and not DID.match(did):
        raise ValueError(f"did {did!r} is not a DID (did:<method>:<id>)")
    joined_at = _timestamp(row.get("joined_at", "").strip(), "joined_at")
    left_at = _timestamp(row.get("left_at", "").strip(), "left_at")
    if joined_at and left_at and left_at < joined_at:
        raise ValueError("left_at is before joined_at")
    return RosterEntry(line, name, email, did, joined_at, left_at)


def _merge(into: RosterEntry, again: RosterEntry) -> None:
    """Someone who left and rejoined the call: one attendance from first join to last leave."""
    into.joined_at = min(filter(None, (into.joined_at, again.joined_at)), default=None)
    into.left_at = max(filter(None, (into.left_at, again.left_at)), default=None)
    into.did = into.did or again.did


def parse_roster(text: str) -> ParsedRoster:
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None:
        raise RosterFormatError("the roster has no header row")
    reader.fieldnames = [name.strip().lower() for name in reader.fieldnames]
    missing = [column for column in REQUIRED_COLUMNS if column not in reader.fieldnames]
    if missing:
        raise RosterFormatError(f"the header lacks the column(s) {', '.join(missing)}")
    parsed = ParsedRoster()
    by_email: dict[str, RosterEntry] = {}
    for row in reader:
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue  # blank line
        cells = {key: (value or "") for key, value in row.items() if isinstance(key, str)}
        try:
            entry = _entry(reader.line_num, cells)
        except ValueError as exc:
            who = cells.get("name", "").strip() or cells.get("email", "").strip()
            parsed.errors.append(RosterError(reader.line_num, str(exc), who))
            continue
        if entry.email in by_email:
            _merge(by_email[entry.email], entry)
        else:
            by_email[entry.email] = entry
            parsed.entries.append(entry)
    return parsed
