"""No secret of the service (the agent's admin API key, the webhook key, the wallet key, claim
and door tokens...)
reaches a log, even at debug level.

A service of its own at the most talkative level: its agent sends webhooks with the key, the
controller calls the agent with the admin key, and a webhook with a wrong key is refused; then
both logs (the controller's and the agent's) are read whole.
"""

import httpx
import pytest

from ..support import RunningService, attendance_credential, create_database, drop_database, wait_for

pytestmark = pytest.mark.agents  # starts the service or agents itself


def test_no_key_is_logged_after_a_run_with_webhooks(backend, tmp_path):
    service = RunningService(
        data_dir=tmp_path, database_url=create_database(backend, tmp_path), extra_env={"VC_SERVICE_LOG_LEVEL": "debug"}
    )
    service.start()
    try:
        keys = service.secrets()
        issued = service.client(organizer=True).post("/credentials/issue", json={"credential": attendance_credential()})
        assert issued.status_code == 201, issued.text
        admin_url = f"http://127.0.0.1:{service.agent_admin_port}"
        with httpx.Client(base_url=admin_url, headers={"X-API-Key": keys["agent_admin_key"]}) as admin:
            invitation = admin.post(
                "/out-of-band/create-invitation", json={"handshake_protocols": ["https://didcomm.org/didexchange/1.1"]}
            )
        oob_id = invitation.json()["oob_id"]
        events = lambda: service.query("SELECT record_id FROM webhook_events WHERE topic = 'out_of_band'")  # noqa: E731
        wait_for(lambda: (oob_id,) in events(), "the agent's webhook, sent with the key", 10)
        refused = service.client().post(
            "/webhooks/topic/connections/", json={}, headers={"x-api-key": "not-" + keys["webhook_key"]}
        )
        assert refused.status_code == 401
        # A member's claim link and a meeting's door link are keys too: they open their pages.
        member = (
            service.client(organizer=True).post("/members", json={"name": "Ada", "email": "ada@example.org"}).json()
        )
        keys["claim token"] = member["claim_url"].rsplit("/", 1)[1]
        assert service.client().get(f"/c/{keys['claim token']}").status_code == 200
        assert (
            service.client().get(f"/i/{keys['claim token']}", headers={"accept": "application/json"}).status_code == 200
        )
        meeting = (
            service.client(organizer=True)
            .post(
                "/meetings",
                json={
                    "kind": "general",
                    "title": "Door",
                    "starts_at": "2026-11-20T17:00:00Z",
                    "ends_at": "2026-11-20T18:00:00Z",
                },
            )
            .json()
        )
        door_url = service.client(organizer=True).post(f"/meetings/{meeting['id']}/door").json()["door_url"]
        keys["door token"] = door_url.rsplit("/", 1)[1]
        assert service.client().get(f"{door_url}/qr.svg").status_code == 200
    finally:
        service.stop()
        drop_database(service.database_url)

    logs = {name: (tmp_path / name).read_text(errors="replace") for name in ("service.log", "agent.log")}
    assert all(" DEBUG " in text for text in logs.values())  # both at their most talkative
    assert '"GET /c/*** HTTP/1.1" 200' in logs["service.log"]  # the request is logged, its token not
    for log_name, text in logs.items():
        for key_name, key in keys.items():
            assert key not in text, f"the {key_name} is in {log_name}"
