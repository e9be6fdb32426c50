import base64
import csv
import io
import json
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
import segno
from fastapi import HTTPException
from starlette.requests import Request

from vc_service.agent.records import ConnectionRecord
from vc_service.badges.models import Badge
from vc_service.claims.page import badge_label, state_words
from vc_service.delivery.didcomm import didcomm_deep_link, invitation_message
from vc_service.delivery.state import delivery_state
from vc_service.formats.models import FormatName
from vc_service.http.ratelimit import RateLimit
from vc_service.meetings.models import Meeting, Talk
from vc_service.members.connections import apply_connection_record, member_alias, member_id_from_alias
from vc_service.members.models import Member
from vc_service.routing import claim_links_csv, meeting_claim_links
from vc_service.settings import Settings
from vc_service.web.qr import qr_svg


def test_member_alias_round_trip():
    assert member_id_from_alias(member_alias(42)) == 42
    assert member_id_from_alias("someone else") is None
    assert member_id_from_alias("member:x") is None


def test_an_active_connection_binds_the_member_to_its_did():
    member = Member(name="A")
    apply_connection_record(member, ConnectionRecord(state="active", connection_id="c1", their_did="did:peer:4zQm"))
    assert (member.connection_id, member.connection_state, member.wallet_did) == ("c1", "active", "did:peer:4zQm")
    apply_connection_record(member, ConnectionRecord(state="request", connection_id="c2"))  # another, unfinished one
    assert member.connection_state == "active"


def test_a_handshake_event_arriving_after_active_changes_nothing():
    member = Member(name="A", connection_id="c1", connection_state="request")
    apply_connection_record(member, ConnectionRecord(state="active", connection_id="c1", their_did="did:peer:4zQm"))
    for late in ("invitation", "request", "response"):  # measured: a 200-member batch had one such
        apply_connection_record(member, ConnectionRecord(state=late, connection_id="c1"))
    assert member.connection_state == "active"
    apply_connection_record(
        member, ConnectionRecord(state="abandoned", connection_id="c1")
    )  # a real change still counts
    assert member.connection_state == "abandoned"


def test_invitation_message_is_decoded_from_the_url():
    message = {"@type": "https://didcomm.org/out-of-band/1.1/invitation", "@id": "x"}
    encoded = base64.urlsafe_b64encode(json.dumps(message).encode()).decode().rstrip("=")
    assert invitation_message(f"http://agent:8030?oob={encoded}") == message


def test_the_short_claim_url_makes_a_small_qr_code():
    """A phone camera reads a version 4 code (33 modules) from a screen; the long invitation is far denser."""
    short = segno.make("https://sig.example.org/i/AbCdEfGhIjKl", error="m")
    long_invitation = segno.make("https://agent.example.org?oob=" + "e" * 600, error="m")
    assert short.version <= 4 < 15 <= long_invitation.version


def test_a_page_qr_code_takes_its_size_from_the_page_and_a_file_keeps_its_own():
    """Fixed width and height on an inline SVG that CSS resizes leave blank space below the code."""
    url = "https://sig.example.org/i/AbCdEfGhIjKl"
    page, file = qr_svg(url, fluid=True), qr_svg(url)
    assert "viewBox=" in page and "width=" not in page.split(">")[0]
    assert 'width="' in file.split(">")[0]


def request_from(host: str, settings: Settings | None = None) -> Request:
    """A request to an embedded (SQLite) service, whose limits count in memory."""
    service = SimpleNamespace(
        settings=settings or Settings(), engine=SimpleNamespace(dialect=SimpleNamespace(name="sqlite"))
    )
    app = SimpleNamespace(state=SimpleNamespace(service=service))
    return Request({"type": "http", "client": (host, 1234), "headers": [], "method": "POST", "path": "/", "app": app})


async def test_rate_limit_refuses_past_the_limit_per_client():
    limit = RateLimit(limit=2, period=60)
    await limit(request_from("10.0.0.1"))
    await limit(request_from("10.0.0.1"))
    await limit(request_from("10.0.0.2"))
    with pytest.raises(HTTPException) as refused:
        await limit(request_from("10.0.0.1"))
    assert refused.value.status_code == 429 and "Retry-After" in refused.value.headers


async def test_a_limit_named_by_a_setting_follows_it():
    limit = RateLimit("verify_rate_limit")
    await limit(request_from("10.0.0.1", Settings(verify_rate_limit=1)))
    with pytest.raises(HTTPException, match="at most 1 per 60 s"):
        await limit(request_from("10.0.0.1", Settings(verify_rate_limit=1)))


async def test_quiet_clients_are_forgotten():
    now = [1000.0]
    limit = RateLimit(limit=1, period=60, clock=lambda: now[0])
    await limit(request_from("10.0.0.1"))
    now[0] += 61  # a minute and more of silence from 10.0.0.1
    await limit(request_from("10.0.0.2"))
    assert list(limit._hits) == ["10.0.0.2"]


def test_the_wallet_button_opens_the_app_never_the_agents_endpoint():
    message = {"@type": "https://didcomm.org/out-of-band/1.1/invitation", "@id": "x"}
    encoded = base64.urlsafe_b64encode(json.dumps(message).encode()).decode().rstrip("=")
    link = didcomm_deep_link(f"http://127.0.0.1:8030?oob={encoded}")
    assert link.startswith("didcomm://invite?oob=") and "8030" not in link and "127.0.0.1" not in link
    assert invitation_message(link) == message


def badge(kind: str, **fields) -> Badge:
    return Badge(id=7, kind=kind, format=FormatName.LD_PROOF, badge_key=f"{kind}:x", **fields)


def test_badges_are_named_by_their_meeting_and_its_date():
    meeting = Meeting(title="Journal club: sepsis", starts_at=datetime(2026, 12, 3, 17, tzinfo=UTC))
    talk = Talk(title="Lactate")
    assert badge_label(badge("attendance"), meeting, None) == "Attendance — Journal club: sepsis, 3 Dec 2026"
    assert badge_label(badge("presenter"), meeting, talk) == "Presenter — Lactate (Journal club: sepsis, 3 Dec 2026)"
    membership = badge("membership", valid_until=datetime(2027, 1, 31, tzinfo=UTC))
    assert badge_label(membership, None, None) == "Membership — valid until 31 Jan 2027"


def test_each_state_is_said_in_words():
    def words(state: str, connected: bool = False, **fields) -> str:
        return state_words(delivery_state(badge("attendance", state=state, **fields)), connected, True)

    assert words("pending").startswith("Waiting for your wallet: it is sent as soon as you connect one")
    assert "download it as a file" in words("pending")
    assert words("pending", connected=True) == "On its way to your wallet."
    assert words("offered") == "Sent to your wallet: accept it in the app."
    assert words("issued", delivery="didcomm") == "In your wallet."
    assert words("issued", delivery="file") == "Downloaded as a file."
    assert words("issued", delivery="didcomm", revoked_at=datetime.now(UTC)).startswith("Withdrawn")
    assert "pending" not in " ".join(words(state) for state in ("pending", "offered", "failed"))


def test_the_claim_links_csv_is_safe_in_a_spreadsheet():
    members = [
        Member(id=1, name='=HYPERLINK("http://evil")', email="a@example.org", connection_state=None),
        Member(id=2, name="Plain Name", email="@b@example.org", connection_state="active"),
        Member(id=3, name="\tTabbed", email="c@example.org", connection_state=None),
    ]
    links = meeting_claim_links(
        "https://sig.example.org", [(members[0], "tok1"), (members[1], None), (members[2], "t3")]
    )
    assert links[0]["claim_url"] == "https://sig.example.org/c/tok1" and links[1]["claim_url"] is None
    assert links[1]["wallet_connected"] and not links[0]["wallet_connected"]
    rows = list(csv.reader(io.StringIO(claim_links_csv(5, links).body.decode())))
    assert rows == [
        ["name", "email", "link"],
        ['\'=HYPERLINK("http://evil")', "a@example.org", "https://sig.example.org/c/tok1"],
        ["Plain Name", "'@b@example.org", ""],
        ["'\tTabbed", "c@example.org", "https://sig.example.org/c/t3"],
    ]
