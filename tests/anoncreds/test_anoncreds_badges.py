"""AnonCreds badges on the development Indy pool, against real ACA-Py agents: the SIG's
definitions are registered once, an attendance badge reaches a wallet over DIDComm, the wallet
proves it (with a predicate on the date), and after revocation the same proof fails."""

import time

import httpx

from ..issuance.didcomm import claim_token, connect_wallet, create_meeting, import_roster, members_by_email, roster_csv
from ..support import RunningAgent, RunningService, attendance_credential, wait_for

KINDS = {"membership", "attendance", "presenter", "participation"}


def agent_admin(service: RunningService) -> httpx.Client:
    return httpx.Client(
        base_url=f"http://127.0.0.1:{service.agent_admin_port}",
        headers={"X-API-Key": service.secrets()["agent_admin_key"]},
    )


def registered_on_agent(service: RunningService) -> tuple[list[str], list[str]]:
    with agent_admin(service) as admin:
        schemas = admin.get("/anoncreds/schemas").json()["schema_ids"]
        definitions = admin.get("/anoncreds/credential-definitions").json()["credential_definition_ids"]
    return sorted(schemas), sorted(definitions)


def test_definitions_are_registered_once_and_reused_after_a_restart(anoncreds_service):
    organizer = anoncreds_service.client(organizer=True)
    before = organizer.get("/anoncreds/definitions").json()
    assert set(before) == KINDS
    with agent_admin(anoncreds_service) as admin:
        public_did = admin.get("/wallet/did/public").json()["result"]["did"]
    assert {item["issuer_did"] for item in before.values()} == {public_did}  # the seed's DID
    on_agent = registered_on_agent(anoncreds_service)  # another SIG's definitions too, when one chose AnonCreds
    assert len(on_agent[0]) == len(KINDS) and {item["cred_def_id"] for item in before.values()} <= set(on_agent[1])

    anoncreds_service.stop()
    anoncreds_service.start()
    assert anoncreds_service.client(organizer=True).get("/anoncreds/definitions").json() == before
    assert registered_on_agent(anoncreds_service) == on_agent
    first_sig = "SELECT min(id) FROM sigs"
    assert anoncreds_service.query(f"SELECT count(*) FROM anoncreds_definitions WHERE sig_id = ({first_sig})") == [
        (len(KINDS),)
    ]
    log = (anoncreds_service.data_dir / "service.log").read_text()
    assert log.count(f"registered the attendance credential definition {before['attendance']['cred_def_id']}") == 1


def test_json_ld_badges_still_work_with_the_anoncreds_wallet(anoncreds_service):
    assert anoncreds_service.client().get("/issuer").json()["did"].startswith("did:key:z6Mk")
    signed = anoncreds_service.client(organizer=True).post(
        "/credentials/issue", json={"credential": attendance_credential()}
    )
    assert signed.status_code == 201, signed.text
    verified = anoncreds_service.client().post(
        "/credentials/verify", json={"verifiableCredential": signed.json()["verifiableCredential"]}
    )
    assert verified.json()["verified"] is True, verified.text


def connected_member(service: RunningService, holder: RunningAgent, meeting_id: int, prefix: str) -> dict:
    """A roster's one attendee, whose wallet is the holder agent."""
    import_roster(service, meeting_id, roster_csv(1, prefix=prefix))
    member = members_by_email(service)[f"{prefix}00@example.org"]
    connect_wallet(service, holder, claim_token(service, member))
    organizer = service.client(organizer=True)
    wait_for(lambda: organizer.get(f"/members/{member['id']}").json()["connection_state"] == "active", "the connection")
    return member


def issue(service: RunningService, **body) -> dict:
    """Offer an AnonCreds badge; return it once the wallet stored it."""
    organizer = service.client(organizer=True)
    offered = organizer.post("/anoncreds/credentials", json=body)
    assert offered.status_code == 202, offered.text
    # The worker follows the exchange from the agent's webhooks: nobody asks the agent.
    wait_for(
        lambda: (
            service.query("SELECT state FROM anoncreds_credentials WHERE id = :id", id=offered.json()["id"])
            == [("issued",)]
        ),
        "the wallet to store the AnonCreds badge",
    )
    return organizer.get(f"/anoncreds/credentials/{offered.json()['id']}").json()


def proof(
    service: RunningService, member_id: int, since: str, kind: str = "attendance", organizer: httpx.Client | None = None
) -> dict:
    """The organizer's (by default the first SIG's) proof request to the member's wallet, answered."""
    organizer = organizer or service.client(organizer=True)
    sent = organizer.post("/anoncreds/proof-requests", json={"kind": kind, "member_id": member_id, "since": since})
    assert sent.status_code == 202, sent.text
    return wait_for(
        lambda: (
            (result := organizer.get(f"/anoncreds/proof-requests/{sent.json()['id']}").json())["state"]
            in ("done", "abandoned")
            and result
        ),
        "the wallet's answer and its verification",
    )


def test_attendance_badge_issued_proved_revoked_then_the_proof_fails(anoncreds_service, holder):
    service, organizer = anoncreds_service, anoncreds_service.client(organizer=True)
    meeting = create_meeting(service, title="Journal club: AnonCreds")
    member = connected_member(service, holder, meeting["id"], "holder")

    started = time.monotonic()
    issued = issue(service, kind="attendance", member_id=member["id"], meeting_id=meeting["id"])
    print(f"\nissue: {time.monotonic() - started:.1f}s")
    assert issued["rev_reg_id"] and issued["cred_rev_id"]
    with holder.admin() as admin:
        stored = admin.get("/credentials").json()["results"]
    assert "Journal club: AnonCreds" in [credential["attrs"].get("meeting") for credential in stored]

    started = time.monotonic()
    valid = proof(service, member["id"], since="2026-11-01")
    print(f"proof: {time.monotonic() - started:.1f}s")
    assert valid["verified"] is True, valid
    assert valid["revealed"]["meeting"] == "Journal club: AnonCreds"
    assert valid["revealed"]["role"] == "attendee"
    assert "date_number" not in valid["revealed"]  # proved by the predicate, never shown

    started = time.monotonic()
    revoked = organizer.post(f"/anoncreds/credentials/{issued['id']}/revoke")
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["state"] == "revoked"
    print(f"revoke: {time.monotonic() - started:.1f}s")

    after = proof(service, member["id"], since="2026-11-01")
    assert after["verified"] is False, after


def test_presenter_and_membership_badges_and_their_proofs(anoncreds_service, holder):
    service, organizer = anoncreds_service, anoncreds_service.client(organizer=True)
    meeting = create_meeting(service, title="Guest talk: AnonCreds")
    member = connected_member(service, holder, meeting["id"], "speaker")
    talk = organizer.post(
        f"/meetings/{meeting['id']}/talks", json={"title": "Zero-knowledge badges", "presenter_id": member["id"]}
    )
    assert talk.status_code == 201, talk.text

    issue(service, kind="presenter", member_id=member["id"], talk_id=talk.json()["id"])
    issue(service, kind="membership", member_id=member["id"], valid_until="2027-06-30")

    presented = proof(service, member["id"], since="2026-11-01", kind="presenter")
    assert presented["verified"] is True and presented["revealed"]["talk_title"] == "Zero-knowledge badges"
    member_now = proof(service, member["id"], since="2027-01-01", kind="membership")  # valid until at least then
    assert member_now["verified"] is True and member_now["revealed"]["valid_until"] == "2027-06-30"

    stranger = organizer.post("/members", json={"name": "No Wallet", "email": "nowallet@example.org"}).json()
    refused = organizer.post(
        "/anoncreds/credentials", json={"kind": "membership", "member_id": stranger["id"], "valid_until": "2027-06-30"}
    )
    assert refused.status_code == 422 and "not connected a wallet" in refused.text
    not_theirs = organizer.post(
        "/anoncreds/credentials", json={"kind": "presenter", "member_id": stranger["id"], "talk_id": talk.json()["id"]}
    )
    assert not_theirs.status_code == 422
