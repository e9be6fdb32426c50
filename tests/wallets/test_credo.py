"""The Credo wallet harness itself: it starts, keeps a did:key, and connects to the service's
agent over DIDComm from a member's claim link (its envelopes are packed and unpacked by the
key manager's tweetnacl primitives, which ACA-Py must accept)."""

import re

from ..issuance.didcomm import claim_token, members_by_email, wait_for


def invitation_link(page: str) -> str:
    """What the claim page's QR code carries (and its copy field shows): the short invitation URL."""
    return re.search(r'value="(https?://[^"]+/i/[^"]+)"', page).group(1)


def test_the_wallet_keeps_one_did_key(credo_wallet):
    first = credo_wallet.did_key()
    assert first["did"].startswith("did:key:z6Mk")
    assert first["verificationMethod"] == f"{first['did']}#{first['did'].removeprefix('did:key:')}"
    assert credo_wallet.did_key() == first


def test_the_wallet_connects_from_the_claim_link(service, credo_wallet):
    created = service.client(organizer=True).post(
        "/members", json={"name": "Credo Member", "email": "credo@example.org"}
    )
    assert created.status_code in (200, 201), created.text
    member = members_by_email(service)["credo@example.org"]
    connection = credo_wallet.connect(invitation_link(service.client().get(f"/c/{claim_token(service, member)}").text))
    assert connection["theirLabel"] and connection["theirDid"]
    # The service sees the member's wallet connected (its agent finished DID Exchange too).
    wait_for(
        lambda: service.client(organizer=True).get(f"/members/{member['id']}").json()["connection_state"] == "active",
        "the service to record the member's connection",
    )
