"""DIDComm proof requests answered by a member's wallet (a separate ACA-Py agent)."""

from datetime import UTC, datetime, timedelta

import pytest

from vc_service.proofs.models import ProofRequest
from vc_service.proofs.service import expire_if_due

from ..issuance.didcomm import (
    claim_token,
    connect_wallet,
    create_meeting,
    import_roster,
    meeting_badges,
    members_by_email,
    stored_credentials,
    wait_for,
)
from ..support import RunningAgent

EMAIL = "prover@example.org"


@pytest.fixture(scope="module")
def member_wallet(service, tmp_path_factory):
    """A wallet holding one attendance badge of this SIG, for one member."""
    wallet = RunningAgent(home=tmp_path_factory.mktemp("member-wallet"), sig_base_url=service.url)
    wallet.start()
    meeting = create_meeting(service, title="Proof meeting")
    import_roster(service, meeting["id"], f"name,email\nPat Prover,{EMAIL}\n")
    token = claim_token(service, members_by_email(service)[EMAIL])
    connect_wallet(service, wallet, token)
    # The member declares a did:key of their wallet on their claim link: badges are bound to it. (An
    # ACA-Py holder presenting for a did:peer subject signs with a relative key id ACA-Py verifiers refuse.)
    declared = service.client().put(f"/c/{token}/did", json={"did": wallet.create_did_key()})
    assert declared.status_code == 200, declared.text
    service.client(organizer=True).post(f"/meetings/{meeting['id']}/issue")
    wait_for(lambda: meeting_badges(service, meeting["id"])["counts"]["issued"] == 1, "the badge in the wallet")
    yield wallet
    wallet.stop()


def ask(service, wallet, **request) -> dict:
    created = service.client().post("/proof-requests", json=request)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["state"] == "pending" and body["invitation_short_url"].startswith(service.url + "/p/")
    invitation = service.client().get(
        body["invitation_short_url"].removeprefix(service.url), headers={"accept": "application/json"}
    )
    with wallet.admin() as admin:
        assert admin.post("/out-of-band/receive-invitation", json=invitation.json()).status_code == 200
    return wait_for(
        lambda: (r := service.client().get(f"/proof-requests/{body['id']}").json())["state"] != "pending" and r,
        "the wallet's answer",
        30,
    )


def test_attended_is_proved_with_the_badge_and_its_status(service, member_wallet):
    result = ask(service, member_wallet, template="attended")
    assert (result["state"], result["verified"]) == ("verified", True), result
    (credential,) = result["credentials"]
    assert credential["achievementType"] == "ext:Attendance" and credential["status"] == "valid"
    assert credential["issuer"] == service.client().get("/issuer").json()["did"]


def test_an_answer_the_agent_refuses_ends_not_verified_with_what_the_member_can_do(service, tmp_path):
    """A stock ACA-Py wallet whose member declared no did:key: its badge is bound to its did:peer
    connection DID, and it signs the presentation with a relative key id (#key-0), which the SIG's
    agent refuses while parsing the message, recording nothing. The request must not stay pending."""
    wallet = RunningAgent(home=tmp_path / "undeclared-wallet", sig_base_url=service.url)
    wallet.start()
    try:
        meeting = create_meeting(service, title="Peer meeting")
        import_roster(service, meeting["id"], "name,email\nPeer Member,peer@example.org\n")
        connect_wallet(service, wallet, claim_token(service, members_by_email(service)["peer@example.org"]))
        service.client(organizer=True).post(f"/meetings/{meeting['id']}/issue")
        wait_for(lambda: meeting_badges(service, meeting["id"])["counts"]["issued"] == 1, "the badge in the wallet")
        result = ask(service, wallet, template="attended")
    finally:
        wallet.stop()
    assert (result["state"], result["verified"]) == ("not-verified", False), result
    assert "V20Pres schema validation failed" in result["reason"] and "(#key-0)" in result["reason"], result
    assert "PUT /c/{token}/did" in result["reason"], result


def test_a_request_the_wallet_cannot_satisfy_ends_not_satisfied(service, member_wallet):
    result = ask(service, member_wallet, template="presented")
    assert (result["state"], result["verified"]) == ("not-satisfied", False), result
    assert result["reason"]


def test_since_a_later_date_is_not_satisfied(service, member_wallet):
    result = ask(service, member_wallet, template="attended", since="2030-01-01T00:00:00Z")
    assert result["state"] == "not-satisfied", result


def test_a_revoked_badge_is_shown_revoked(service, member_wallet):
    (badge,) = [
        c
        for c in stored_credentials(member_wallet)
        if c["credentialSubject"]["achievement"]["achievementType"] == "ext:Attendance"
    ]
    service.client(organizer=True).post(
        "/credentials/status", json={"credentialId": badge["id"], "action": "revoke", "reason": "test"}
    )
    result = ask(service, member_wallet, template="attended")
    assert result["credentials"][0]["status"] == "revoked"


@pytest.mark.parametrize(
    "body",
    [
        {"template": "karaoke"},
        {"template": "member", "since": "2026-01-01T00:00:00Z"},
        {"template": "attended", "since": "yesterday"},
    ],
)
def test_bad_requests_are_422(service, body):
    assert service.client().post("/proof-requests", json=body).status_code == 422


def test_unknown_requests_are_404(service):
    assert service.client().get("/proof-requests/nope").status_code == 404
    assert service.client().get("/p/nope").status_code == 404


def test_requests_expire():
    now = datetime(2026, 11, 20, 17, tzinfo=UTC)
    request = ProofRequest(state="pending", expires_at=now + timedelta(minutes=15))
    assert not expire_if_due(request, now)
    assert expire_if_due(request, now + timedelta(minutes=15))
    assert request.state == "expired" and "expired" in request.reason


def test_a_declared_wallet_did_is_checked_and_kept(service, member_wallet):
    token = claim_token(service, members_by_email(service)[EMAIL])
    assert service.client().put(f"/c/{token}/did", json={"did": "did:peer:4zQm"}).status_code == 422
    other = service.client().put(f"/c/{token}/did", json={"did": member_wallet.create_did_key()})
    assert other.status_code == 409 and "ask an organizer" in other.json()["detail"]
    assert service.client().put("/c/nope/did", json={"did": member_wallet.create_did_key()}).status_code == 404
