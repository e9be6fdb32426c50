"""A batch interrupted by killing the controller finishes after a restart: none twice, none lost."""

import signal

import pytest

from ..support import RunningService, member_wallet
from .didcomm import (
    claim_token,
    connect_wallet,
    create_meeting,
    import_roster,
    meeting_badges,
    members_by_email,
    roster_csv,
    wait_for,
    wait_for_stored,
)

pytestmark = pytest.mark.agents  # starts the service or agents itself

MEMBERS = 12


@pytest.fixture
def interrupted(tmp_path, database_url):
    # An offer timeout just past the wallet's delivery retries (ACA-Py: 4 tries, 10 s apart), so a
    # reply the dead agent missed still lands, and a credential it never sent is re-offered soon.
    service = RunningService(
        data_dir=tmp_path / "service", database_url=database_url, extra_env={"VC_SERVICE_OFFER_TIMEOUT_SECONDS": "45"}
    )
    service.start()
    try:
        with member_wallet(tmp_path / "wallet", service) as wallet:
            yield service, wallet
    finally:
        service.close()


def test_killed_mid_batch_then_restarted(interrupted):
    service, wallet = interrupted
    meeting = create_meeting(service)
    import_roster(service, meeting["id"], roster_csv(MEMBERS, prefix="restart"))
    for member in members_by_email(service).values():
        connect_wallet(service, wallet, claim_token(service, member))

    assert service.client(organizer=True).post(f"/meetings/{meeting['id']}/issue").status_code == 202
    wait_for(lambda: meeting_badges(service, meeting["id"])["counts"]["pending"] < MEMBERS, "the batch to start", 30)
    service.stop(signal.SIGKILL)  # no clean shutdown; the agent goes on with its exchanges
    service.start()
    progress = wait_for(
        lambda: (p := meeting_badges(service, meeting["id"]))["counts"]["issued"] == MEMBERS and p,
        "every badge issued after the restart",
        150,
    )
    assert progress["total"] == MEMBERS
    with service.agent_admin() as issuer_admin:
        stored = wait_for_stored(wallet, MEMBERS, issuer_admin)
    assert len(stored) == MEMBERS == len({credential["id"] for credential in stored})
    # and a second run adds nothing
    assert service.client(organizer=True).post(f"/meetings/{meeting['id']}/issue").json()["badges_added"] == 0
