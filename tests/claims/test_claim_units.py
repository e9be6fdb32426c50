import base64
import json
from types import SimpleNamespace

import pytest
import segno
from fastapi import HTTPException
from starlette.requests import Request

from vc_service.agent.records import ConnectionRecord
from vc_service.delivery.didcomm import didcomm_deep_link, invitation_message
from vc_service.http.ratelimit import RateLimit
from vc_service.members.connections import apply_connection_record, member_alias, member_id_from_alias
from vc_service.members.models import Member
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
