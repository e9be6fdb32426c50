"""A SIG's profile: what the dashboard and PUT /sig/profile may set, and the time zone forms use."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from vc_service.audit.models import AuditEvent
from vc_service.sig.service import InvalidSig, create_sig, sig_time_zone, update_profile
from vc_service.timestamps import in_zone, local_to_utc

GOOD = {
    "name": "Healthcare SIG",
    "description": "Journal clubs and guest talks.",
    "url": "https://health.example.org",
    "image": "https://health.example.org/logo.png",
    "time_zone": "America/New_York",
    "names_in_badges": False,
}


async def test_the_profile_is_changed_and_audited(sessions):
    async with sessions() as session:
        sig = await create_sig(session, "Special Interest Group")
        assert (sig.time_zone, sig.names_in_badges) == ("UTC", True)
        await update_profile(session, sig, **GOOD, actor="organizer:chair@example.org")
        assert await sig_time_zone(session, sig.id) == "America/New_York"
        event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "sig.profile_changed"))
    assert {key: getattr(sig, key) for key in GOOD} == GOOD
    assert event.actor == "organizer:chair@example.org" and event.detail["time_zone"] == "America/New_York"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"time_zone": "Mars/Olympus_Mons"}, "'Mars/Olympus_Mons' is not a time zone"),
        ({"time_zone": "../etc/passwd"}, "is not a time zone"),
        ({"name": "  "}, "a SIG needs a name"),
        ({"url": "javascript:alert(1)"}, "web page must be an http(s) address"),
        ({"image": "file:///etc/passwd"}, "image must be an http(s) address"),
    ],
)
async def test_a_bad_profile_is_refused_naming_the_problem(sessions, change, problem):
    async with sessions() as session:
        sig = await create_sig(session, "Special Interest Group")
        with pytest.raises(InvalidSig, match="^.*" + problem.replace("(", r"\(").replace(")", r"\)")):
            await update_profile(session, sig, **{**GOOD, **change}, actor="test")


def test_form_times_are_in_the_sigs_time_zone_and_stored_in_utc():
    assert local_to_utc("2026-07-01T18:00", "Europe/Berlin") == datetime(2026, 7, 1, 16, tzinfo=UTC)  # summer time
    assert local_to_utc("2026-12-01T18:00", "Europe/Berlin") == datetime(2026, 12, 1, 17, tzinfo=UTC)
    assert in_zone(datetime(2026, 12, 1, 17), "Europe/Berlin").strftime("%H:%M") == "18:00"  # SQLite: no zone
    with pytest.raises(ValueError, match="carries a time zone"):
        local_to_utc("2026-12-01T18:00+01:00", "Europe/Berlin")
    with pytest.raises(ValueError, match="is not a date and time"):
        local_to_utc("tomorrow", "Europe/Berlin")
