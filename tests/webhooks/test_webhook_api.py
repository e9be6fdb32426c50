"""The webhook inbox of the running service, fed by hand and by its real agent."""

import httpx
import pytest

from ..issuance.didcomm import create_meeting, import_roster
from ..support import wait_for


def stored_events(service, topic: str) -> list[tuple]:
    return service.query("SELECT record_id, state FROM webhook_events WHERE topic = :topic ORDER BY id", topic=topic)


@pytest.mark.parametrize("headers", [{}, {"x-api-key": "wrong"}], ids=["no-key", "wrong-key"])
def test_webhook_without_the_agents_key_is_refused(service, headers):
    response = service.client().post(
        "/webhooks/topic/connections/", json={"connection_id": "c-1", "state": "active"}, headers=headers
    )
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
        "/webhooks/topic/connections/",
        content=b"not json",
        headers={"x-api-key": key, "content-type": "application/json"},
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
    wait_for(
        lambda: (invitation["oob_id"], "await-response") in stored_events(service, "out_of_band"),
        "the agent's out_of_band webhook",
        10,
    )


def test_a_malformed_event_does_not_block_the_ones_after_it(service):
    """An exchange event without its fields is set aside; the next event is still acted on."""
    key = service.secrets()["webhook_key"]
    with service.client() as client:
        client.post(
            "/webhooks/topic/present_proof_v2_0/",
            json={"state": "done", "role": "verifier", "pres_ex_id": {"not": "an id"}},
            headers={"x-api-key": key},
        )
        client.post(
            "/webhooks/topic/connections/",
            json={"connection_id": "after-the-bad-one", "state": "active"},
            headers={"x-api-key": key},
        )
    unprocessed = "SELECT count(*) FROM webhook_events WHERE processed_at IS NULL AND topic IN ('present_proof_v2_0', 'connections')"
    wait_for(lambda: service.query(unprocessed) == [(0,)], "the worker to handle both events", 10)  # it runs every 2 s


def post_event(service, topic: str, event: dict) -> None:
    answer = service.client().post(
        f"/webhooks/topic/{topic}/", json=event, headers={"x-api-key": service.secrets()["webhook_key"]}
    )
    assert answer.json() == {"stored": True}, answer.text


def wait_until_handled(service, record_id: str, state: str) -> None:
    def handled() -> bool:
        query = "SELECT processed_at IS NOT NULL FROM webhook_events WHERE record_id = :id AND state = :state"
        return service.query(query, id=record_id, state=state) == [(True,)]

    wait_for(handled, f"the worker to handle the {state} event of {record_id}")


def test_a_forged_done_does_not_issue_a_badge_whose_exchange_is_not_done(service):
    """The event claims done; the agent's own record says the offer waits for a wallet."""
    meeting = create_meeting(service, title="Forged done")
    import_roster(service, meeting["id"], "name,email\nFrank Forged,frank.forged@example.org\n")
    organizer = service.client(organizer=True)
    assert organizer.post(f"/meetings/{meeting['id']}/issue").status_code == 202
    (badge,) = organizer.get(f"/meetings/{meeting['id']}/badges").json()["badges"]
    did = service.client().get("/issuer").json()["did"]
    credential = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": did,
        "issuanceDate": "2026-11-20T18:00:00Z",
        "credentialSubject": {"id": "did:example:frank"},
    }
    with service.agent_admin() as admin:  # a real exchange of the agent's, not done (no wallet took the offer)
        offer = admin.post(
            "/issue-credential-2.0/create-offer",
            json={"filter": {"ld_proof": {"credential": credential, "options": {"proofType": "Ed25519Signature2020"}}}},
        )
        assert offer.status_code == 200, offer.text
        cred_ex_id = offer.json()["cred_ex_id"]
        assert (
            admin.get(f"/issue-credential-2.0/records/{cred_ex_id}").json()["cred_ex_record"]["state"] == "offer-sent"
        )
    service.execute("UPDATE badges SET state = 'offered', cred_ex_id = :x WHERE id = :id", x=cred_ex_id, id=badge["id"])

    post_event(service, "issue_credential_v2_0", {"cred_ex_id": cred_ex_id, "state": "done", "role": "issuer"})
    wait_until_handled(service, cred_ex_id, "done")
    assert service.query("SELECT state, issued_at FROM badges WHERE id = :id", id=badge["id"]) == [("offered", None)]


def test_a_forged_alias_does_not_attach_a_connection_to_another_member(service):
    """Ann's invitation is a real connection record of the agent (alias member:<Ann>, state
    invitation); events claiming it is Bo's, or already active, change nobody."""
    organizer = service.client(organizer=True)
    ann, bo = (
        organizer.post("/members", json={"name": name, "email": f"{name.lower()}.alias@example.org"}).json()
        for name in ("Ann", "Bo")
    )
    assert (
        service.client()
        .get(ann["invitation_short_url"].removeprefix(service.url), headers={"accept": "application/json"})
        .status_code
        == 200
    )
    ((invitation_msg_id,),) = service.query("SELECT invitation_msg_id FROM members WHERE id = :id", id=ann["id"])
    with service.agent_admin() as admin:
        records = admin.get("/connections", params={"alias": f"member:{ann['id']}"}).json()["results"]
    # The record of the invitation the service recorded for Ann (the agent may keep others with
    # that alias from earlier tests of the shared service).
    (record,) = [record for record in records if record.get("invitation_msg_id") == invitation_msg_id]
    assert record["state"] != "active"
    forged = {
        "connection_id": record["connection_id"],
        "state": "active",
        "rfc23_state": "completed",
        "their_did": "did:peer:2:forged",
    }
    post_event(service, "connections", {**forged, "alias": f"member:{bo['id']}"})
    post_event(service, "connections", {**forged, "alias": f"member:{ann['id']}", "state": "completed"})
    wait_until_handled(service, record["connection_id"], "active")
    wait_until_handled(service, record["connection_id"], "completed")
    rows = service.query(
        "SELECT id, connection_id, connection_state FROM members WHERE id IN (:a, :b) ORDER BY id",
        a=ann["id"],
        b=bo["id"],
    )
    assert rows == [(ann["id"], None, "invited"), (bo["id"], None, None)]


def test_an_event_naming_a_connection_the_agent_does_not_have_changes_nothing(service):
    bo = service.client(organizer=True).post("/members", json={"name": "Cy", "email": "cy.unknown@example.org"}).json()
    post_event(
        service, "connections", {"connection_id": "not-a-connection", "alias": f"member:{bo['id']}", "state": "active"}
    )
    wait_until_handled(service, "not-a-connection", "active")
    assert service.query("SELECT connection_id, connection_state FROM members WHERE id = :id", id=bo["id"]) == [
        (None, None)
    ]


def test_a_forged_verified_answer_does_not_answer_a_proof_request(service):
    """The agent's record of the request still waits for a wallet: an event claiming done and verified changes nothing."""
    created = service.client().post("/proof-requests", json={"template": "attended"})
    assert created.status_code == 201, created.text
    (pres_ex_id,) = service.query("SELECT pres_ex_id FROM proof_requests WHERE id = :id", id=created.json()["id"])[0]
    post_event(
        service,
        "present_proof_v2_0",
        {"pres_ex_id": pres_ex_id, "state": "done", "verified": "true", "role": "verifier"},
    )
    wait_until_handled(service, pres_ex_id, "done")
    assert service.client().get(f"/proof-requests/{created.json()['id']}").json()["state"] == "pending"
