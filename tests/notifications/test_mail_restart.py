"""A controller killed while it mails a meeting's batch sends each message exactly once after its
restart: the messages before the kill were recorded as sent, the one in flight (which the server had
not accepted) and the claimed rest are sent by the restarted worker once their claims expire."""

import os
import signal
from collections import Counter

import pytest

from ..issuance.didcomm import create_meeting, import_roster, roster_csv, wait_for
from ..support import RunningService
from .smtp import SmtpServer

pytestmark = pytest.mark.agents  # starts the service or agents itself

MEMBERS = 12
KILLED_AT = 5  # the message the controller dies sending


@pytest.fixture
def mailing(tmp_path, database_url):
    with SmtpServer() as smtp:
        # A short SMTP timeout makes the dead controller's claims expire soon (twice the timeout).
        service = RunningService(
            data_dir=tmp_path / "service",
            database_url=database_url,
            extra_env={**smtp.env, "VC_SERVICE_SMTP_TIMEOUT": "3"},
        )
        service.start()
        try:
            yield service, smtp
        finally:
            service.close()


def test_killed_mid_batch_each_message_once_after_restart(mailing):
    service, smtp = mailing
    seen = []

    def kill_on_the_fifth(message) -> str | None:
        seen.append(message["To"])
        if len(seen) == KILLED_AT:  # SIGKILL while the server holds the message, before it answers
            os.killpg(service.process.pid, signal.SIGKILL)
            return "451 4.3.0 the connection's sender went away"
        return None

    smtp.handler.before_accepting = kill_on_the_fifth
    meeting = create_meeting(service, title="General meeting: restart")
    import_roster(service, meeting["id"], roster_csv(MEMBERS, prefix="mail-restart"))
    assert service.client(organizer=True).post(f"/meetings/{meeting['id']}/issue").status_code == 202
    service.process.wait(60)
    assert len(smtp.handler.accepted) == KILLED_AT - 1

    smtp.handler.before_accepting = None
    service.start()
    states = wait_for(
        lambda: (
            (members := service.client(organizer=True).get(f"/meetings/{meeting['id']}/mail").json()["members"])
            and all(member["state"] == "sent" for member in members)
            and members
        ),
        "every message recorded as sent after the restart",
        90,
    )
    assert len(states) == MEMBERS
    received = Counter(message["To"].addresses[0].addr_spec for message in smtp.handler.accepted)
    assert received == Counter({member["email"]: 1 for member in states})
    # the one the controller died sending was tried twice, the rest once
    assert sorted(member["attempts"] for member in states) == [1] * (MEMBERS - 1) + [2]
