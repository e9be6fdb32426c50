"""The webhook inbox of the running service, fed by hand and by its real agent."""

import httpx
import pytest

from ..support import wait_for


def stored_events(service, topic: str) -> list[tuple]:
    return service.query("SELECT record_id, state FROM webhook_events WHERE topic = :topic ORDER BY id", topic=topic)


@pytest.mark.parametrize("headers", [{}, {"x-api-key": "wrong"}], ids=["no-key", "wrong-key"])
def test_webhook_without_the_agents_key_is_refused(service, headers):
    response = service.client().post("/webhooks/topic/connections/", json={"connection_id": "c-1", "state": "active"}, headers=headers)
    assert response.status_code == 401
    assert ("c-1", "active") not in stored_events(service, "connections")


def test_duplicate_webhook_is_stored_once(service):
    key = service.secrets()["webhook_key"]
    event = {"cred_ex_id": "ex-dup", "connection_id": "c-2", "state": "offer-sent"}
    with service.client() as client:
        first = client.post("/webhooks/topic/issue_credential_v2_0/", json=event, headers={"x-api-key": key})
        again = client.post("/webhooks/topic/issue_credential_v2_0/", json=event, headers={"x-api-key": key})
        later = client.post(
            "/webhooks/topic/issue_credential_v2_0/", json={**event, "state": "done"}, headers={"x-api-key": key}
        )
    assert (first.json(), again.json(), later.json()) == ({"stored": True}, {"stored": False}, {"stored": True})
    assert [row for row in stored_events(service, "issue_credential_v2_0") if row[0] == "ex-dup"] == [
        ("ex-dup", "offer-sent"),
        ("ex-dup", "done"),
    ]


def test_malformed_webhook_body_gets_422(service):
    key = service.secrets()["webhook_key"]
    response = service.client().post(
        "/webhooks/topic/connections/", content=b"not json", headers={"x-api-key": key, "content-type": "application/json"}
    )
    assert response.status_code == 422


def test_the_agent_delivers_its_events_with_the_key(service):
    """An out-of-band invitation made on the real agent reaches the inbox and is stored."""
    admin = httpx.Client(
        base_url=f"http://127.0.0.1:{service.agent_admin_port}",
        headers={"X-API-Key": service.secrets()["agent_admin_key"]},
    )
    invitation = admin.post(
        "/out-of-band/create-invitation", json={"handshake_protocols": ["https://didcomm.org/didexchange/1.1"]}
    ).json()
    wait_for(lambda: (invitation["oob_id"], "await-response") in stored_events(service, "out_of_band"),
             "the agent's out_of_band webhook", 10)  # fmt: skip


def test_a_malformed_event_does_not_block_the_ones_after_it(service):
    """An exchange event without its fields is set aside; the next event is still acted on."""
    key = service.secrets()["webhook_key"]
    with service.client() as client:
        client.post("/webhooks/topic/present_proof_v2_0/", json={"state": "done", "role": "verifier", "pres_ex_id": {"not": "an id"}}, headers={"x-api-key": key})
        client.post("/webhooks/topic/connections/", json={"connection_id": "after-the-bad-one", "state": "active"}, headers={"x-api-key": key})
    unprocessed = lambda: service.query("SELECT count(*) FROM webhook_events WHERE processed_at IS NULL AND topic IN ('present_proof_v2_0', 'connections')")  # noqa: E731
    wait_for(lambda: unprocessed() == [(0,)], "the worker to handle both events", 10)  # it runs every 2 s
