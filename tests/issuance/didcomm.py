"""Helpers for end-to-end tests of badges delivered into a wallet agent."""

import re
from collections import Counter

import httpx

from ..support import RunningAgent, RunningService, wait_for  # noqa: F401 (re-exported for the tests)
from ..wallets.credo import CredoWallet

ROSTER_HEADER = "name,email,joined_at,left_at\n"


def roster_csv(count: int, prefix: str = "member") -> str:
    rows = [
        f"Member {index:02d},{prefix}{index:02d}@example.org,2026-11-20T17:0{index % 10}:00Z,2026-11-20T18:00:00Z\n"
        for index in range(count)
    ]
    return ROSTER_HEADER + "".join(rows)


def create_meeting(service: RunningService, title: str = "Journal club: sepsis guidelines") -> dict:
    response = service.client(organizer=True).post(
        "/meetings",
        json={
            "kind": "journal-club",
            "title": title,
            "starts_at": "2026-11-20T17:00:00Z",
            "ends_at": "2026-11-20T18:00:00Z",
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


def import_roster(service: RunningService, meeting_id: int, csv_text: str) -> dict:
    response = service.client(organizer=True).post(
        f"/meetings/{meeting_id}/roster", content=csv_text.encode(), headers={"content-type": "text/csv"}
    )
    assert response.status_code == 200, response.text
    return response.json()


def members_by_email(service: RunningService) -> dict[str, dict]:
    return {member["email"]: member for member in service.client(organizer=True).get("/members").json()}


def claim_token(service: RunningService, member: dict, organizer: httpx.Client | None = None) -> str:
    """The member's claim token, as an organizer of its SIG hands it out: a new link (only its hash is stored)."""
    response = (organizer or service.client(organizer=True)).post(f"/members/{member['id']}/claim-link")
    assert response.status_code == 200, response.text
    return response.json()["claim_url"].rsplit("/", 1)[1]


def connect_wallet(service: RunningService, wallet: RunningAgent, token: str) -> str:
    """Scan the member's claim QR with the wallet: returns the wallet-side connection id."""
    invitation = service.client().get(f"/i/{token}", headers={"accept": "application/json"}).json()
    with wallet.admin() as admin:
        record = admin.post("/out-of-band/receive-invitation", json=invitation).json()
        connection_id = record["connection_id"]
        wait_for(lambda: admin.get(f"/connections/{connection_id}").json()["state"] == "active", "wallet connection")
    return connection_id


def short_did(did: str) -> str:
    """did:peer:4 has a long form (with the document) and a short one (its hash): compare short."""
    return ":".join(did.split(":")[:3]) if did.startswith("did:peer:4") else did


def wallet_did(wallet: RunningAgent, connection_id: str) -> str:
    with wallet.admin() as admin:
        return short_did(admin.get(f"/connections/{connection_id}").json()["my_did"])


def subject_did(credential: dict) -> str:
    return short_did(credential["credentialSubject"].get("id", ""))


def stored_credentials(wallet: RunningAgent) -> list[dict]:
    # Without max_results the agent answers one page of its store (100): a 200-member batch
    # looked unfinished for ever.
    with wallet.admin() as admin:
        found = admin.post("/credentials/w3c", json={"max_results": 100_000}).json()["results"]
    return [record["cred_value"] for record in found]


def exchange_states(admin: "httpx.Client") -> dict[str, int]:
    """How many of an agent's credential exchanges are in each state."""
    records = admin.get("/issue-credential-2.0/records").json()["results"]
    return dict(Counter(record["cred_ex_record"]["state"] for record in records))


def wait_for_stored(wallet: RunningAgent, count: int, issuer_admin: "httpx.Client", timeout: float = 60) -> list[dict]:
    """The wallet's stored credentials once it holds ``count``; if it never does, the failure
    shows where each side's exchanges stopped."""
    try:
        return wait_for(
            lambda: len(stored := stored_credentials(wallet)) >= count and stored,
            f"the wallet to store {count} badges",
            timeout,
        )
    except AssertionError as missing:
        with wallet.admin() as holder:
            states = f"issuer {exchange_states(issuer_admin)}, wallet {exchange_states(holder)}"
        raise AssertionError(f"{missing}; exchange states: {states}") from None


def meeting_badges(service: RunningService, meeting_id: int) -> dict:
    response = service.client(organizer=True).get(f"/meetings/{meeting_id}/badges")
    assert response.status_code == 200, response.text
    return response.json()


def invitation_link(page: str) -> str:
    """The claim page's "Open in BC Wallet" button: the didcomm:// deep link a phone opens."""
    found = re.search(r'href="(didcomm://invite\?oob=[^"]+)"', page)
    assert found, "the claim page links no invitation"
    return found.group(1)


def prove_attendance(service, wallet: CredoWallet) -> dict:
    """A proof request from the service, scanned by the Credo wallet: the service's verdict."""
    created = service.client().post("/proof-requests", json={"template": "attended"})
    assert created.status_code == 201, created.text
    request = created.json()
    wallet.receive_invitation(request["invitation_short_url"])

    def answered():
        result = service.client().get(f"/proof-requests/{request['id']}").json()
        return result["state"] != "pending" and result

    try:
        return wait_for(answered, "the Credo wallet's presentation", 60)
    except AssertionError as missing:
        raise AssertionError(f"{missing}; Credo proof exchanges: {wallet.proof_exchanges()}") from None
