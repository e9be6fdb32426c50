"""Claim links: only their hash and nonce are stored, the organizer re-issues one, and a link sets a DID or
connects a wallet once; an organizer changes either (audited)."""

from ..issuance.didcomm import claim_token, connect_wallet, create_meeting, wait_for


def new_member(service, email: str) -> tuple[dict, str]:
    created = service.client(organizer=True).post("/members", json={"name": "Link Member", "email": email})
    assert created.status_code == 201, created.text
    return created.json(), created.json()["claim_url"].rsplit("/", 1)[1]


def audit_actions(service, subject: str) -> list[str]:
    events = service.client(organizer=True).get("/audit", params={"limit": 1000}).json()
    return [event["action"] for event in events if event["subject"] == subject]


def test_the_stored_tokens_open_nothing(service):
    """A copy of the database holds hashes: used as a link, they open no claim page and no door."""
    member, token = new_member(service, "copied@example.org")
    ((stored, nonce),) = service.query(
        "SELECT claim_token_hash, claim_nonce FROM members WHERE id = :id", id=member["id"]
    )
    assert stored != token and token not in stored and token != nonce
    assert service.client().get(f"/c/{stored}").status_code == 404
    assert service.client().get(f"/c/{nonce}").status_code == 404  # the link needs the claim key too
    assert service.client().get(f"/c/{token}").status_code == 200
    assert "claim_token" not in service.client(organizer=True).get(f"/members/{member['id']}").json()

    meeting = create_meeting(service, title="Copied door")
    door_url = service.client(organizer=True).post(f"/meetings/{meeting['id']}/door", json={}).json()["door_url"]
    ((stored_door,),) = service.query("SELECT door_token_hash FROM meetings WHERE id = :id", id=meeting["id"])
    assert service.client().get(f"/d/{stored_door}").status_code == 404
    assert service.client().get(door_url.removeprefix(service.url)).status_code == 200


def test_a_reissued_link_replaces_the_old_one(service):
    member, old = new_member(service, "reissued@example.org")
    new = claim_token(service, member)
    assert new != old
    assert service.client().get(f"/c/{old}").status_code == 404
    assert service.client().get(f"/c/{new}").status_code == 200
    assert "member.claim_link_reissued" in audit_actions(service, f"member:{member['id']}")
    assert service.client(organizer=True).post("/members/999999/claim-link").status_code == 404


def test_a_did_is_set_once_on_the_link_and_changed_by_an_organizer(service, wallet):
    member, token = new_member(service, "did-once@example.org")
    first, second = wallet.create_did_key(), wallet.create_did_key()
    assert service.client().put(f"/c/{token}/did", json={"did": first}).status_code == 200
    for did in (first, second):  # the same again, or another: whoever holds the link cannot change it
        again = service.client().put(f"/c/{token}/did", json={"did": did})
        assert again.status_code == 409 and "organizer" in again.json()["detail"], again.text
    assert service.client(organizer=True).get(f"/members/{member['id']}").json()["did"] == first

    organizer = service.client(organizer=True)
    replaced = organizer.put(f"/members/{member['id']}/did", json={"did": second})
    assert replaced.status_code == 200 and replaced.json()["did"] == second
    cleared = organizer.put(f"/members/{member['id']}/did", json={"did": None})
    assert cleared.status_code == 200 and cleared.json()["did"] is None
    assert organizer.put(f"/members/{member['id']}/did", json={"did": "not a did"}).status_code == 422
    assert audit_actions(service, f"member:{member['id']}").count("member.did_changed") == 2
    assert (
        service.client().put(f"/c/{token}/did", json={"did": first}).status_code == 200
    )  # cleared: the member sets it


def test_a_connected_link_invites_no_second_wallet_until_an_organizer_resets_it(service, wallet):
    member, token = new_member(service, "one-wallet@example.org")
    connect_wallet(service, wallet, token)
    organizer = service.client(organizer=True)
    wait_for(lambda: organizer.get(f"/members/{member['id']}").json()["connection_state"] == "active", "the connection")
    ((connection_id,),) = service.query("SELECT connection_id FROM members WHERE id = :id", id=member["id"])

    refused = service.client().get(f"/i/{token}", headers={"accept": "application/json"})
    assert refused.status_code == 409 and "ask an organizer" in refused.json()["detail"], refused.text
    in_a_browser = service.client().get(f"/i/{token}", headers={"accept": "text/html"})
    assert in_a_browser.status_code == 409 and "ask the organizers to reset the connection" in in_a_browser.text
    assert "didcomm://" not in in_a_browser.text
    page = service.client().get(f"/c/{token}")
    assert "Your wallet app is connected" in page.text and f"/i/{token}" not in page.text

    reset = organizer.delete(f"/members/{member['id']}/wallet")
    assert reset.status_code == 200 and reset.json()["connection_state"] is None
    assert "member.wallet_reset" in audit_actions(service, f"member:{member['id']}")
    with service.agent_admin() as agent:  # the old wallet's connection is gone: it receives nothing more
        assert agent.get(f"/connections/{connection_id}").status_code == 404
    invitation = service.client().get(f"/i/{token}", headers={"accept": "application/json"})
    assert invitation.status_code == 200 and invitation.json()["@type"].endswith("out-of-band/1.1/invitation")
