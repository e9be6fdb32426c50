"""Badges of a meeting into members' wallets over DIDComm, against two real ACA-Py agents."""

from collections import Counter

import pytest

from .didcomm import (
    claim_token,
    connect_wallet,
    create_meeting,
    import_roster,
    meeting_badges,
    members_by_email,
    roster_csv,
    stored_credentials,
    subject_did,
    wait_for,
    wallet_did,
)

CONNECTED = ("member00@example.org", "member01@example.org", "member02@example.org")


@pytest.fixture(scope="module")
def issued_meeting(service, wallet):
    """25 attendees, a talk by one of them, three of them with a wallet; all issued once."""
    meeting = create_meeting(service)
    report = import_roster(service, meeting["id"], roster_csv(25))
    assert report["errors"] == [] and report["attendance_added"] == 25
    members = members_by_email(service)
    presenter = members[CONNECTED[0]]
    talk = service.client(organizer=True).post(
        f"/meetings/{meeting['id']}/talks",
        json={
            "title": "Reading the new sepsis guidelines",
            "presenter_id": presenter["id"],
            "slides_url": "https://slides.example.org/sepsis",
        },
    )
    assert talk.status_code == 201, talk.text
    connections = {email: connect_wallet(service, wallet, claim_token(service, members[email])) for email in CONNECTED}
    started = service.client(organizer=True).post(f"/meetings/{meeting['id']}/issue")
    assert started.status_code == 202, started.text
    assert started.json()["badges_added"] == 26  # 25 attendance + 1 presenter
    wait_for(lambda: meeting_badges(service, meeting["id"])["counts"]["issued"] == 4, "four badges issued")
    return {"meeting": meeting, "members": members, "connections": connections, "presenter": presenter}


def test_each_connected_wallet_stores_exactly_its_badges(service, wallet, issued_meeting):
    expected = {
        wallet_did(wallet, connection): Counter(
            {"ext:Attendance": 1, **({"ext:Presenter": 1} if email == CONNECTED[0] else {})}
        )
        for email, connection in issued_meeting["connections"].items()
    }
    stored = [credential for credential in stored_credentials(wallet) if subject_did(credential) in expected]
    by_subject = {did: Counter() for did in expected}
    for credential in stored:
        by_subject[subject_did(credential)][credential["credentialSubject"]["achievement"]["achievementType"]] += 1
    assert by_subject == expected
    assert len({credential["id"] for credential in stored}) == len(stored) == 4


def test_each_stored_badge_verifies(service, wallet, issued_meeting):
    subjects = {wallet_did(wallet, connection) for connection in issued_meeting["connections"].values()}
    for credential in stored_credentials(wallet):
        if subject_did(credential) in subjects:
            result = service.client().post("/credentials/verify", json={"verifiableCredential": credential}).json()
            assert result["verified"] is True, result


def test_members_without_a_wallet_wait_with_their_claim_link(service, issued_meeting):
    progress = meeting_badges(service, issued_meeting["meeting"]["id"])
    assert progress["counts"] == {"pending": 22, "offered": 0, "issued": 4, "downloaded": 0, "failed": 0}
    waiting = [badge for badge in progress["badges"] if badge["state"] == "pending"]
    # They wait for a wallet: the organizer sends their claim links (GET /meetings/{id}/claim-links).
    assert all(not badge["wallet_connected"] for badge in waiting)


def test_issuing_again_adds_nothing(service, wallet, issued_meeting):
    before = len(stored_credentials(wallet))
    again = service.client(organizer=True).post(f"/meetings/{issued_meeting['meeting']['id']}/issue")
    assert again.status_code == 202 and again.json()["badges_added"] == 0
    assert meeting_badges(service, issued_meeting["meeting"]["id"])["counts"]["issued"] == 4
    assert len(stored_credentials(wallet)) == before


def test_a_later_badge_reuses_the_connection(service, wallet, issued_meeting):
    """A second meeting: the connected member gets its badge with no new scan."""
    email = CONNECTED[1]
    meeting = create_meeting(service, title="General meeting")
    import_roster(service, meeting["id"], f"name,email\nMember 01,{email}\n")
    connections_before = len(wallet.admin().get("/connections").json()["results"])
    service.client(organizer=True).post(f"/meetings/{meeting['id']}/issue")
    wait_for(lambda: meeting_badges(service, meeting["id"])["counts"]["issued"] == 1, "badge over the old connection")
    assert len(wallet.admin().get("/connections").json()["results"]) == connections_before
    subject = wallet_did(wallet, issued_meeting["connections"][email])
    titles = [c["name"] for c in stored_credentials(wallet) if subject_did(c) == subject]
    assert len(titles) == 2


def test_a_member_without_wallet_downloads_a_signed_file(service, issued_meeting):
    member = issued_meeting["members"]["member10@example.org"]
    token = claim_token(service, member)
    page = service.client().get(f"/c/{token}")
    assert page.status_code == 200 and "Download credential" in page.text
    badge = next(
        b for b in meeting_badges(service, issued_meeting["meeting"]["id"])["badges"] if b["member_id"] == member["id"]
    )
    download = service.client().get(f"/c/{token}/badges/{badge['id']}.json")
    assert download.status_code == 200, download.text
    credential = download.json()
    # The member's email, salted and hashed, identifies them; their name is there in plain text.
    identities = {identity["identityType"]: identity for identity in credential["credentialSubject"]["identifier"]}
    assert set(identities) == {"emailAddress", "name"}
    assert identities["emailAddress"]["identityHash"].startswith("sha256$")
    assert identities["name"]["identityHash"] == member["name"] and identities["name"]["hashed"] is False
    assert "member10@example.org" not in download.text
    assert service.client().post("/credentials/verify", json={"verifiableCredential": credential}).json()["verified"]
    # the same file again: one badge, one credential
    assert service.client().get(f"/c/{token}/badges/{badge['id']}.json").json() == credential


def test_a_downloaded_badge_carries_both_entries_and_can_be_suspended(service, issued_meeting):
    member = issued_meeting["members"]["member11@example.org"]
    badge = next(
        b for b in meeting_badges(service, issued_meeting["meeting"]["id"])["badges"] if b["member_id"] == member["id"]
    )
    credential = service.client().get(f"/c/{claim_token(service, member)}/badges/{badge['id']}.json").json()
    assert sorted(entry["statusPurpose"] for entry in credential["credentialStatus"]) == ["revocation", "suspension"]

    def change(action: str) -> None:
        body = {"credentialId": credential["id"], "action": action, "reason": "checking"}
        assert service.client(organizer=True).post("/credentials/status", json=body).status_code == 200

    def verified() -> bool:
        return (
            service.client().post("/credentials/verify", json={"verifiableCredential": credential}).json()["verified"]
        )

    change("suspend")
    assert not verified()
    change("unsuspend")
    assert verified()


def test_claim_link_errors(service, issued_meeting):
    assert service.client().get("/c/not-a-token").status_code == 404
    assert service.client().get("/i/not-a-token").status_code == 404
    token = claim_token(service, issued_meeting["members"]["member11@example.org"])
    assert service.client().get(f"/c/{token}/badges/999999.json").status_code == 404
    short = service.client().get(f"/i/{token}")
    assert short.status_code == 302 and "oob=" in short.headers["location"]
    qr = service.client().get(f"/c/{token}/qr.svg")
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")


def test_issue_for_an_unknown_meeting_is_404(service):
    assert service.client(organizer=True).post("/meetings/999999/issue").status_code == 404
    assert service.client(organizer=True).get("/meetings/999999/badges").status_code == 404
    assert service.client().post("/meetings/1/issue").status_code == 401


def test_membership_is_issued_and_renewed(service, wallet, issued_meeting):
    member = issued_meeting["members"][CONNECTED[2]]
    organizer = service.client(organizer=True)
    first = organizer.post(f"/members/{member['id']}/membership", json={"valid_until": "2027-12-31T23:59:59Z"})
    assert first.status_code == 202 and first.json()["created"] is True
    same = organizer.post(f"/members/{member['id']}/membership", json={"valid_until": "2027-12-31T23:59:59Z"})
    assert same.json() == {**first.json(), "state": same.json()["state"], "created": False}
    renewed = organizer.post(f"/members/{member['id']}/membership", json={"valid_until": "2028-12-31T23:59:59Z"})
    assert renewed.json()["created"] is True
    subject = wallet_did(wallet, issued_meeting["connections"][CONNECTED[2]])

    def memberships():
        return sorted(
            c["expirationDate"]
            for c in stored_credentials(wallet)
            if subject_did(c) == subject and c["credentialSubject"]["achievement"]["achievementType"] == "Membership"
        )

    assert wait_for(lambda: len(memberships()) == 2 and memberships(), "two memberships") == [
        "2027-12-31T23:59:59Z",
        "2028-12-31T23:59:59Z",
    ]


def test_membership_requests_are_checked(service, issued_meeting):
    organizer = service.client(organizer=True)
    assert organizer.post("/members/999999/membership", json={"valid_until": "2027-12-31T00:00:00Z"}).status_code == 404
    member_id = issued_meeting["members"][CONNECTED[2]]["id"]
    assert (
        organizer.post(f"/members/{member_id}/membership", json={"valid_until": "2020-01-01T00:00:00Z"}).status_code
        == 422
    )
    assert organizer.post(f"/members/{member_id}/membership", json={"valid_until": "2027-12-31"}).status_code == 422


def test_a_badge_in_a_wallet_can_be_revoked(service, wallet, issued_meeting):
    subject = wallet_did(wallet, issued_meeting["connections"][CONNECTED[1]])
    badge = next(c for c in stored_credentials(wallet) if subject_did(c) == subject)
    # No status entry (what both ACA-Py and Credo holders accept): its status is in the service's records.
    assert "credentialStatus" not in badge and badge["proof"]["type"] == "Ed25519Signature2018"
    suspended = service.client(organizer=True).post(
        "/credentials/status", json={"credentialId": badge["id"], "action": "suspend", "reason": "checking"}
    )
    assert suspended.status_code == 409 and "carries no suspension entry" in suspended.json()["detail"], suspended.text
    assert (
        service.client(organizer=True)
        .get("/credentials/status", params={"credentialId": badge["id"]})
        .json()["changes"]
        == []
    )
    revoked = service.client(organizer=True).post(
        "/credentials/status", json={"credentialId": badge["id"], "action": "revoke", "reason": "wrong meeting"}
    )
    assert revoked.status_code == 200, revoked.text
    result = service.client().post("/credentials/verify", json={"verifiableCredential": badge}).json()
    assert result["verified"] is False and result["errors"][0] == {
        "check": "status",
        "message": "revoked (the issuer's records)",
    }, result
