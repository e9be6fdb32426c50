"""A badge's delivery state: the channel it came (or is coming) by, its state and what a member reads."""

from datetime import UTC, datetime

from vc_service.badges.models import Badge
from vc_service.delivery.state import DIDCOMM, FILE, delivery_state
from vc_service.issuance.progress import state_counts


def test_a_waiting_badge_is_on_no_channel_yet():
    delivery = delivery_state(Badge(state="pending"))
    assert delivery.channel is None and delivery.state == "pending" and delivery.label == "pending"
    assert not delivery.offered_to_wallet


def test_offered_and_failed_badges_went_to_a_wallet_over_didcomm():
    for state in ("offered", "failed"):
        delivery = delivery_state(Badge(state=state))
        assert delivery.channel is DIDCOMM and delivery.offered_to_wallet


def test_an_issued_badge_names_its_channel():
    assert delivery_state(Badge(state="issued", delivery="didcomm")).channel is DIDCOMM
    picked_up = delivery_state(Badge(state="issued", delivery="file"))
    assert picked_up.channel is FILE and not picked_up.offered_to_wallet


def test_an_issued_badge_of_before_channels_were_recorded_is_on_none():
    assert delivery_state(Badge(state="issued", delivery=None)).channel is None


def test_a_revoked_badge_reads_revoked_and_keeps_its_state():
    delivery = delivery_state(Badge(state="issued", delivery="file", revoked_at=datetime.now(UTC)))
    assert delivery.label == "revoked" and delivery.state == "issued"


def test_each_channel_records_its_own_delivery():
    for channel in (DIDCOMM, FILE):
        badge = Badge(state="offered", failure_reason="earlier try", credential={"old": True})
        channel.mark_delivered(badge, {"id": "urn:uuid:1"})
        assert (badge.state, badge.delivery, badge.failure_reason) == ("issued", channel.name, None)
        assert badge.credential == {"id": "urn:uuid:1"} and badge.issued_at is not None
    kept = Badge(state="offered", credential={"attributes": "offered"})
    DIDCOMM.mark_delivered(kept, None)
    assert kept.credential == {"attributes": "offered"}


def test_a_badge_picked_up_as_a_file_is_a_stage_of_its_own():
    """Not "issued" beside "(no wallet yet)": downloaded, and counted so, apart from wallets' badges."""
    downloaded = delivery_state(Badge(state="issued", delivery="file"))
    assert (downloaded.stage, downloaded.label, downloaded.stage_label) == (
        "downloaded",
        "picked up as a file",
        "picked up as a file",
    )
    assert downloaded.picked_up and downloaded.delivered_by is FILE
    in_wallet = delivery_state(Badge(state="issued", delivery="didcomm"))
    assert (in_wallet.stage, in_wallet.label, in_wallet.delivered_by) == ("issued", "issued to a wallet", DIDCOMM)
    assert delivery_state(Badge(state="issued", delivery=None)).stage == "issued"  # before files existed
    assert not delivery_state(Badge(state="offered")).picked_up


def test_progress_counts_every_stage():
    stages = [
        delivery_state(Badge(state=state, delivery=delivery)).stage
        for state, delivery in (("issued", "didcomm"), ("issued", "file"), ("issued", "file"), ("failed", None))
    ]
    assert state_counts(stages) == {"pending": 0, "offered": 0, "issued": 1, "downloaded": 2, "failed": 1}
