"""A real Credo 0.6 wallet (``@credo-ts/openid4vc`` holder, tests/wallets/credo/) takes the
OpenID4VCI offer from the member's claim page and stores the badge in both formats, bound to its
did:key; the stored credentials verify, and no longer once the badge is revoked.

Credo takes only an https credential issuer: the service runs behind a TLS front (a test CA the
wallet trusts through NODE_EXTRA_CA_CERTS), as behind a production load balancer."""

import html
import re
import uuid

import pytest

from ..issuance.didcomm import (
    claim_token,
    create_meeting,
    import_roster,
    invitation_link,
    members_by_email,
    prove_attendance,
    wait_for,
)
from .holder import verify_jwt_by_did_key
from .https import service_behind_tls, trusting_credo_wallet

pytestmark = pytest.mark.agents

OFFER_LINK = re.compile(r'href="(openid-credential-offer://[^"]+)" data-oid4vci-offer')


@pytest.fixture(scope="module")
def https_service(backend, tmp_path_factory):
    with service_behind_tls(tmp_path_factory.mktemp(f"oid4vci-https-{backend}"), backend) as running:
        yield running


@pytest.fixture(scope="module")
def credo(https_service, tmp_path_factory):
    with trusting_credo_wallet(https_service[1], tmp_path_factory.mktemp("credo-oid4vci")) as wallet:
        yield wallet


def test_a_credo_wallet_picks_up_both_formats_from_the_claim_page(https_service, credo):
    service, front = https_service
    credo_wallet = credo
    organizer = service.client(organizer=True)
    member = organizer.post("/members", json={"name": "Credo Member", "email": f"{uuid.uuid4().hex[:8]}@example.org"})
    assert member.status_code == 201, member.text
    badge = organizer.post(f"/members/{member.json()['id']}/membership", json={"valid_until": "2030-06-30T00:00:00Z"})
    assert badge.status_code == 202, badge.text

    page = service.client().get(member.json()["claim_url"].removeprefix(front.url))
    assert page.status_code == 200
    (offer,) = OFFER_LINK.findall(page.text)
    received = credo_wallet.accept_offer(html.unescape(offer))

    holder = credo_wallet.did_key()["did"]
    by_format = {credential["format"]: credential["credential"] for credential in received["credentials"]}
    assert set(by_format) == {"ldp_vc", "jwt_vc_json"}, received
    assert len(credo_wallet.credentials()) == 2  # stored
    ldp = by_format["ldp_vc"]
    assert ldp["credentialSubject"]["id"] == holder
    issuer_did = service.client().get("/issuer").json()["did"]
    claims = verify_jwt_by_did_key(by_format["jwt_vc_json"], issuer_did)
    assert claims["sub"] == holder and claims["jti"] == ldp["id"]  # one badge in two formats

    verify = service.client()
    for stored in (ldp, by_format["jwt_vc_json"]):
        verified = verify.post("/credentials/verify", json={"verifiableCredential": stored})
        assert verified.status_code == 200 and verified.json()["verified"], verified.text
    (row,) = organizer.get(f"/members/{member.json()['id']}/badges").json()
    assert row["state"] == "issued" and row["channel"] == "oid4vci"

    revoked = organizer.post(
        "/credentials/status", json={"credentialId": ldp["id"], "action": "revoke", "reason": "test"}
    )
    assert revoked.status_code == 200, revoked.text
    for stored in (ldp, by_format["jwt_vc_json"]):
        after = verify.post("/credentials/verify", json={"verifiableCredential": stored})
        assert after.status_code == 400 and [e["check"] for e in after.json()["errors"]] == ["status"], after.text


def test_one_offer_brings_every_meeting_badge_then_the_same_wallet_uses_didcomm(https_service, tmp_path_factory):
    """Two meetings attended and a talk given are three badges: one offer, all six credentials. The
    same wallet then connects over DIDComm, stores a badge sent that way, and proves attendance
    with a badge bound to its did:key."""
    service, front = https_service
    organizer = service.client(organizer=True)
    email = f"{uuid.uuid4().hex[:8]}@example.org"
    meetings = [create_meeting(service, title)["id"] for title in ("Journal club: triage", "Journal club: fluids")]
    for meeting_id in meetings:
        import_roster(service, meeting_id, f"name,email\nGrace Hopper,{email}\n")
    member = members_by_email(service)[email]
    talk = organizer.post(f"/meetings/{meetings[1]}/talks", json={"title": "Fluids", "presenter_id": member["id"]})
    assert talk.status_code == 201, talk.text
    for meeting_id in meetings:
        assert organizer.post(f"/meetings/{meeting_id}/issue").status_code == 202

    claim_path = f"/c/{claim_token(service, member)}"
    (offer,) = OFFER_LINK.findall(service.client().get(claim_path).text)
    with trusting_credo_wallet(front, tmp_path_factory.mktemp("credo-meetings")) as wallet:
        offered = wallet.resolve_offer(html.unescape(offer))["configurations"]
        received = wallet.accept_offer(html.unescape(offer))
        assert len(offered) == 6 and len(received["credentials"]) == 6, received
        assert len(wallet.credentials()) == 6  # stored
        ldp = [c["credential"] for c in received["credentials"] if c["format"] == "ldp_vc"]
        assert len({credential["id"] for credential in ldp}) == 3
        for credential in ldp:
            verified = service.client().post("/credentials/verify", json={"verifiableCredential": credential})
            assert verified.status_code == 200 and verified.json()["verified"], verified.text
        badges = organizer.get(f"/members/{member['id']}/badges").json()
        assert sorted((b["kind"], b["state"], b["channel"]) for b in badges) == [
            ("attendance", "issued", "oid4vci"),
            ("attendance", "issued", "oid4vci"),
            ("presenter", "issued", "oid4vci"),
        ]

        # The same wallet connects from the claim page's button; the next badge comes over DIDComm.
        wallet.connect(invitation_link(service.client().get(claim_path).text))
        wait_for(
            lambda: organizer.get(f"/members/{member['id']}").json()["connection_state"] == "active",
            "the DIDComm connection",
        )
        membership = organizer.post(f"/members/{member['id']}/membership", json={"valid_until": "2031-06-30T00:00:00Z"})
        assert membership.status_code == 202, membership.text
        wallet.wait_for_credentials(7)
        wait_for(
            lambda: (
                {(b["kind"], b["channel"]) for b in organizer.get(f"/members/{member['id']}/badges").json()}
                >= {("membership", "didcomm")}
            ),
            "the membership badge issued over DIDComm",
        )
        proved = prove_attendance(service, wallet)
    assert (proved["state"], proved["verified"]) == ("verified", True), proved
    (shown,) = proved["credentials"]
    assert shown["achievementType"] == "ext:Attendance" and shown["status"] == "valid"
