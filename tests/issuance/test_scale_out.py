"""Two controllers on one PostgreSQL database and one agent share a meeting's batch; killing one
midway loses no badge and gives none twice.

This is the production shape: the agent runs on its own (as under docker-compose), both
controllers use it, and its webhooks reach both (a load balancer would send each to a live
one; the shared inbox keeps one copy of each event). PostgreSQL only: two controllers need
row locks that SQLite does not have.
"""

import re
import signal
import subprocess
import httpx
import pytest

from vc_service.agent.supervisor import agent_command, agent_environment
from vc_service.service_secrets import ServiceSecrets
from vc_service.settings import Settings

from ..support import SHARED_CONTEXTS, member_wallet
from .didcomm import (
    RunningService,
    claim_token,
    connect_wallet,
    create_meeting,
    import_roster,
    meeting_badges,
    members_by_email,
    roster_csv,
    wait_for_stored,
    wait_for,
)

pytestmark = pytest.mark.agents  # starts the service or agents itself

MEMBERS = 50
SECRETS = ServiceSecrets("shared-admin-key", "shared-webhook-key", "shared-wallet-key", "unused", "shared-session-key")


def offered_by(service: RunningService) -> int:
    """How many offers this controller's worker sent, from its log."""
    log = (service.data_dir / "service.log").read_text(errors="replace")
    return sum(int(count) for count in re.findall(r"worker: offered (\d+) badges", log))


@pytest.fixture
def cluster(tmp_path, database_url):
    controllers = [RunningService(data_dir=tmp_path / name, database_url=database_url) for name in ("a", "b")]
    settings = Settings(
        data_dir=tmp_path / "agent", public_url=controllers[0].url, contexts_dir=SHARED_CONTEXTS, database_url=database_url,
        agent_admin_port=controllers[0].agent_admin_port, agent_inbound_port=controllers[0].agent_inbound_port,
    )  # fmt: skip
    environment = agent_environment(settings, SECRETS, "unused")
    del environment["ACAPY_WEBHOOK_URL"]  # two, on the command line
    webhooks = [argument for service in controllers for argument in ("--webhook-url", f"{service.url}/webhooks#{SECRETS.webhook_key}")]
    agent_log = (tmp_path / "agent.log").open("ab")
    agent = subprocess.Popen(
        agent_command(settings) + webhooks, env=environment, stdout=agent_log, stderr=subprocess.STDOUT, start_new_session=True
    )
    for service in controllers:
        service.extra_env = {
            "VC_SERVICE_PUBLIC_URL": controllers[0].url,  # one public address (the load balancer's) for both
            "VC_SERVICE_AGENT_URL": settings.agent_admin_url,
            "VC_SERVICE_AGENT_ADMIN_KEY": SECRETS.agent_admin_key,
            "VC_SERVICE_WEBHOOK_KEY": SECRETS.webhook_key,
            "VC_SERVICE_SESSION_KEY": SECRETS.session_key,
            "VC_SERVICE_OFFER_TIMEOUT_SECONDS": "45",
        }
    try:
        for service in controllers:
            service.start()
        with member_wallet(tmp_path / "wallet", controllers[0]) as wallet:
            yield controllers, wallet, settings
    finally:
        for service in controllers:
            if service.process is not None:
                service.close()
        agent.terminate()
        agent.wait(30)


@pytest.mark.parametrize("backend", ["postgresql"])
def test_two_controllers_share_a_batch_and_survive_losing_one(cluster):
    (first, second), wallet, settings = cluster
    meeting = create_meeting(first)
    import_roster(first, meeting["id"], roster_csv(MEMBERS, prefix="scale"))
    for member in members_by_email(first).values():
        connect_wallet(first, wallet, claim_token(first, member))

    assert first.client(organizer=True).post(f"/meetings/{meeting['id']}/issue").status_code == 202
    wait_for(lambda: offered_by(first) > 0 and offered_by(second) > 0, "both controllers to offer badges", 60)
    first.stop(signal.SIGKILL)  # midway: its claims and its open exchanges are the other's to finish

    progress = wait_for(
        lambda: (p := meeting_badges(second, meeting["id"]))["counts"]["issued"] == MEMBERS and p,
        "every badge issued by the controller left",
        240,
    )
    assert progress["total"] == MEMBERS
    with httpx.Client(base_url=settings.agent_admin_url, headers={"X-API-Key": SECRETS.agent_admin_key}) as issuer_admin:
        stored = wait_for_stored(wallet, MEMBERS, issuer_admin)
    # Fifty badges: none offered twice (a second offer of a badge carries the same credential id).
    assert len(stored) == MEMBERS == len({credential["id"] for credential in stored})
    assert second.client(organizer=True).post(f"/meetings/{meeting['id']}/issue").json()["badges_added"] == 0
