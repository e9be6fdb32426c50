"""Parsing attendance rosters: valid rows kept, invalid ones reported with their line numbers."""

from datetime import UTC, datetime

import pytest

from vc_service.members.roster import RosterFormatError, decode_roster, parse_roster


def test_rows_are_read_by_header_name_in_any_order_with_extra_columns():
    parsed = parse_roster(
        "Email,Name,Duration,joined_at,left_at,DID\n"
        "ADA@Example.org ,Ada Lovelace,55,2026-11-20T17:02:00Z,2026-11-20T17:57:00+00:00,did:key:z6MkAda\n"
    )
    assert parsed.errors == []
    (entry,) = parsed.entries
    assert (entry.line, entry.name, entry.email, entry.did) == (2, "Ada Lovelace", "ada@example.org", "did:key:z6MkAda")
    assert entry.joined_at == datetime(2026, 11, 20, 17, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (",ada@example.org,,,", "name is empty"),
        ("Ada,not-an-email,,,", "is not an email address"),
        ("Ada,ada@example.org,key:z6Mk,,", "is not a DID"),
        ("Ada,ada@example.org,,yesterday,", "joined_at 'yesterday' is not an ISO 8601"),
        ("Ada,ada@example.org,,2026-11-20T17:00:00,", "has no time zone"),
        ("Ada,ada@example.org,,2026-11-20T18:00:00Z,2026-11-20T17:00:00Z", "left_at is before joined_at"),
    ],
)
def test_each_invalid_row_is_reported_with_its_line_and_reason(row, reason):
    parsed = parse_roster(f"name,email,did,joined_at,left_at\nBo,bo@example.org,,,\n{row}\n")
    assert [entry.email for entry in parsed.entries] == ["bo@example.org"]
    (error,) = parsed.errors
    assert error.line == 3 and reason in error.reason


def test_someone_who_rejoined_the_call_is_one_entry_from_first_join_to_last_leave():
    parsed = parse_roster(
        "name,email,joined_at,left_at\n"
        "Ada,ada@example.org,2026-11-20T17:10:00Z,2026-11-20T17:30:00Z\n"
        "Ada,Ada@example.org,2026-11-20T17:02:00Z,2026-11-20T17:20:00Z\n"
        "Ada,ada@example.org,2026-11-20T17:40:00Z,2026-11-20T17:58:00Z\n"
    )
    (entry,) = parsed.entries
    assert (entry.joined_at.minute, entry.left_at.minute) == (2, 58)


def test_byte_order_mark_and_blank_lines_are_fine():
    parsed = parse_roster(decode_roster("\ufeffname,email\n\nAda,ada@example.org\n".encode()))
    assert [(entry.line, entry.name) for entry in parsed.entries] == [(3, "Ada")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\xff\xfe\x00n\x00a", "not UTF-8"),
    ],
)
def test_unreadable_files_are_refused(data, message):
    with pytest.raises(RosterFormatError, match=message):
        decode_roster(data)


def test_a_header_without_email_is_refused():
    with pytest.raises(RosterFormatError, match="email"):
        parse_roster("name,mail\nAda,ada@example.org\n")
