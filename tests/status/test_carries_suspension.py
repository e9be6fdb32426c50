"""Which badges can be suspended: those whose credential carries a suspension entry."""

from vc_service.badges.models import Badge
from vc_service.status.signing import carries_suspension

REVOCATION = {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}
SUSPENSION = {"type": "BitstringStatusListEntry", "statusPurpose": "suspension"}


def test_a_file_carries_both_entries_and_a_didcomm_badge_one():
    assert carries_suspension(Badge(credential={"credentialStatus": [REVOCATION, SUSPENSION]}))
    assert not carries_suspension(Badge(credential={"credentialStatus": REVOCATION}))


def test_a_badge_on_its_way_to_a_wallet_carries_none():
    assert not carries_suspension(Badge(credential=None, cred_ex_id="exchange-1"))
    assert carries_suspension(Badge(credential=None, cred_ex_id=None))
