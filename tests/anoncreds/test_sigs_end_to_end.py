"""A second SIG on the ledger-backed service chooses AnonCreds: its own credential definitions
(the shared schemas, the SIG's slug as tag) are registered then, by the service's public DID. Its
badges reach a member's wallet through "issue all" and prove under its definitions, and never
satisfy the first SIG's proof request, against real agents on the development pool."""

import time

import httpx

from ..issuance.didcomm import claim_token, connect_wallet, roster_csv
from ..sig.conftest import organizer_with_key
from ..support import RunningService, wait_for
from .conftest import ledger_wallet
from .test_anoncreds_badges import proof, registered_on_agent


def sig_client(service: RunningService, api_key: str) -> httpx.Client:
    # Choosing AnonCreds the first time registers four definitions and their revocation registries.
    return httpx.Client(base_url=service.url, headers={"X-API-Key": api_key}, timeout=300)


def connected(service: RunningService, organizer: httpx.Client, wallet, member: dict) -> None:
    connect_wallet(service, wallet, claim_token(service, member, organizer))
    wait_for(lambda: organizer.get(f"/members/{member['id']}").json()["connection_state"] == "active", "the connection")


def test_a_second_sig_issues_anoncreds_under_its_own_definitions(ledger, anoncreds_service, tmp_path_factory):
    service = anoncreds_service
    service.command("sig", "add", "Gamma Genomics SIG", "--slug", "gamma")
    gamma = sig_client(service, organizer_with_key(service, "gamma", "gamma@example.org", "gammamarker"))
    first = service.client(organizer=True)
    assert gamma.get("/anoncreds/definitions").status_code == 404  # nothing registered until it is chosen

    started = time.monotonic()
    chosen = gamma.put("/sig/badge-formats", json={"formats": ["anoncreds"]})
    print(f"\nsecond SIG's registration: {time.monotonic() - started:.1f}s")
    assert chosen.status_code == 200 and chosen.json()["formats"] == ["anoncreds"], chosen.text
    ours, theirs = gamma.get("/anoncreds/definitions").json(), first.get("/anoncreds/definitions").json()
    for kind, definition in ours.items():
        assert definition["cred_def_id"].endswith(":gamma") and definition["cred_def_id"] != theirs[kind]["cred_def_id"]
        assert (definition["schema_id"], definition["issuer_did"]) == (
            theirs[kind]["schema_id"],
            theirs[kind]["issuer_did"],
        )

    wallet = ledger_wallet(ledger, service, tmp_path_factory.mktemp("gamma-wallet"))
    try:
        meeting = gamma.post(
            "/meetings",
            json={
                "kind": "journal-club",
                "title": "Gamma journal club",
                "starts_at": "2026-11-19T17:00:00Z",
                "ends_at": "2026-11-19T18:00:00Z",
            },
        ).json()
        imported = gamma.post(
            f"/meetings/{meeting['id']}/roster",
            content=roster_csv(1, prefix="gamma").encode(),
            headers={"content-type": "text/csv"},
        )
        assert imported.status_code == 200, imported.text
        member = next(member for member in gamma.get("/members").json() if member["email"] == "gamma00@example.org")
        connected(service, gamma, wallet, member)
        assert gamma.post(f"/meetings/{meeting['id']}/issue").status_code == 202
        wait_for(
            lambda: (
                (badges := gamma.get(f"/meetings/{meeting['id']}/badges").json())["counts"]["issued"]
                == badges["total"]
                > 0
            ),
            "the SIG's AnonCreds badges in the wallet",
            120,
        )
        with wallet.admin() as admin:
            held = {
                credential["cred_def_id"]
                for credential in admin.get("/credentials", params={"limit": 100}).json()["results"]
            }
        assert ours["attendance"]["cred_def_id"] in held and not held & {
            definition["cred_def_id"] for definition in theirs.values()
        }

        # The same wallet, connected as a member of the first SIG too, proves for the second only.
        mine = proof(service, member["id"], since="2026-11-01", organizer=gamma)
        assert mine["verified"] is True and mine["revealed"]["sig"] == "Gamma Genomics SIG", mine
        stranger = first.post("/members", json={"name": "Gamma Member", "email": "gamma-in-first@example.org"}).json()
        connected(service, first, wallet, stranger)
        refused = proof(service, stranger["id"], since="2026-11-01")
        assert refused["verified"] is not True, refused

        # After a restart the SIG's definitions are found again, not registered twice.
        on_agent = registered_on_agent(service)
        service.stop()
        service.start()
        assert gamma.get("/anoncreds/definitions").json() == ours and registered_on_agent(service) == on_agent
        assert proof(service, member["id"], since="2026-11-01", organizer=gamma)["verified"] is True
    finally:
        wallet.stop()
