"""A Credo 0.6 wallet (tests/wallets/credo/) as the member's phone, over DIDComm against the
service's real agent: it connects from the claim page, receives and stores the badge, which
verifies until it is revoked, and answers the service's proof request."""

import pytest

from ..wallets.credo import CredoWallet
from .didcomm import (
    claim_token,
    create_meeting,
    import_roster,
    invitation_link,
    meeting_badges,
    members_by_email,
    prove_attendance,
    wait_for,
)

EMAIL = "credo-member@example.org"


@pytest.fixture(scope="module")
def badge_in_credo(service, credo_wallet: CredoWallet) -> dict:
    """The member's attendance badge, as the Credo wallet stored it."""
    meeting = create_meeting(service, title="Credo meeting")
    import_roster(service, meeting["id"], f"name,email\nCredo Member,{EMAIL}\n")
    token = claim_token(service, members_by_email(service)[EMAIL])
    credo_wallet.connect(invitation_link(service.client().get(f"/c/{token}").text))
    # The member declares the wallet's did:key: the badge is bound to it, and presentations are
    # signed with it (as a holder of an OID4VCI badge does).
    declared = service.client().put(f"/c/{token}/did", json={"did": credo_wallet.did_key()["did"]})
    assert declared.status_code == 200, declared.text
    assert service.client(organizer=True).post(f"/meetings/{meeting['id']}/issue").status_code == 202
    (stored,) = credo_wallet.wait_for_credentials(1)
    wait_for(lambda: meeting_badges(service, meeting["id"])["counts"]["issued"] == 1, "the exchange to end issued")
    return stored["credential"]


def test_credo_stores_the_badge_bound_to_its_did_key(credo_wallet, badge_in_credo):
    assert "OpenBadgeCredential" in badge_in_credo["type"]
    assert badge_in_credo["credentialSubject"]["id"] == credo_wallet.did_key()["did"]
    assert badge_in_credo["proof"]["type"] == "Ed25519Signature2018"
    assert badge_in_credo["proof"]["proofPurpose"] == "assertionMethod"
    assert all(exchange["state"] == "done" for exchange in credo_wallet.credential_exchanges())


def test_credo_answers_a_proof_request_that_ends_verified(service, credo_wallet, badge_in_credo):
    result = prove_attendance(service, credo_wallet)
    assert (result["state"], result["verified"]) == ("verified", True), result
    (credential,) = result["credentials"]
    assert credential["achievementType"] == "ext:Attendance" and credential["status"] == "valid"


def test_the_stored_badge_verifies_until_it_is_revoked(service, badge_in_credo):
    def verify() -> dict:
        return service.client().post("/credentials/verify", json={"verifiableCredential": badge_in_credo}).json()

    assert verify()["verified"] is True, verify()
    revoked = service.client(organizer=True).post(
        "/credentials/status", json={"credentialId": badge_in_credo["id"], "action": "revoke", "reason": "checking"}
    )
    assert revoked.status_code == 200, revoked.text
    result = verify()
    assert result["verified"] is False
    assert result["errors"] == [{"check": "status", "message": "revoked (the issuer's records)"}], result


def test_a_proof_of_the_revoked_badge_shows_it_revoked(service, credo_wallet, badge_in_credo):
    if service.client().post("/credentials/verify", json={"verifiableCredential": badge_in_credo}).json()["verified"]:
        body = {"credentialId": badge_in_credo["id"], "action": "revoke", "reason": "checking"}
        assert service.client(organizer=True).post("/credentials/status", json=body).status_code == 200
    result = prove_attendance(service, credo_wallet)
    (credential,) = result["credentials"]
    assert credential["status"] == "revoked", result
