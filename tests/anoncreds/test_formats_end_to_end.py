"""A SIG that issues both formats, against real agents on the development pool: "issue all"
gives each connected member one Open Badge and one AnonCreds credential per badge (and their
attendance tally), once however often it is asked, a controller killed midway included; a
verifier's connectionless request proves "at least N meetings since a date" by zero-knowledge
predicates; after revocation it fails."""

import signal

import pytest

from ..issuance.didcomm import (
    claim_token,
    connect_wallet,
    import_roster,
    meeting_badges,
    members_by_email,
    roster_csv,
    stored_credentials,
)
from ..support import RunningService, wait_for
from .conftest import ledger_wallet

BOTH = ["ld_proof", "anoncreds"]
RESTART_MEMBERS = 4
MEETINGS = [
    ("Journal club: triage", "2026-09-10"),
    ("Guest talk: sepsis", "2026-10-08"),
    ("Journal club: fluids", "2026-11-05"),
]


@pytest.fixture(scope="module")
def wallets(ledger, anoncreds_service, tmp_path_factory):
    """Two members' wallets: Ada's and Ben's."""
    started = [ledger_wallet(ledger, anoncreds_service, tmp_path_factory.mktemp(name)) for name in ("ada", "ben")]
    yield started
    for wallet in started:
        wallet.stop()


def new_meeting(service: RunningService, title: str, day: str) -> int:
    body = {"kind": "journal-club", "title": title, "starts_at": f"{day}T17:00:00Z", "ends_at": f"{day}T18:00:00Z"}
    created = service.client(organizer=True).post("/meetings", json=body)
    assert created.status_code == 201, created.text
    return created.json()["id"]


def issue_all(service: RunningService, meeting_id: int) -> dict:
    """ "Issue all" for a meeting; the badges once every one reached its wallet."""
    started = service.client(organizer=True).post(f"/meetings/{meeting_id}/issue")
    assert started.status_code == 202, started.text
    wait_for(
        lambda: (b := meeting_badges(service, meeting_id))["counts"]["issued"] == b["total"],
        "every badge in its wallet",
        120,
    )
    return started.json()


def ask(service: RunningService, wallet, **request) -> dict:
    """A verifier's connectionless proof request (short URL), answered by the wallet."""
    created = service.client().post("/proof-requests", json=request)
    assert created.status_code == 201, created.text
    invitation = service.client().get(
        created.json()["invitation_short_url"].removeprefix(service.url), headers={"accept": "application/json"}
    )
    with wallet.admin() as admin:
        assert admin.post("/out-of-band/receive-invitation", json=invitation.json()).status_code == 200
    return wait_for(
        lambda: (
            (result := service.client().get(f"/proof-requests/{created.json()['id']}").json())["state"] != "pending"
            and result
        ),
        "the wallet's answer",
        60,
    )


def anoncreds_in(wallet) -> list[dict]:
    with wallet.admin() as admin:  # ACA-Py lists 10 unless asked for more
        return admin.get("/credentials", params={"limit": 1000}).json()["results"]


def test_both_formats_issued_once_then_a_counted_predicate_proved_and_revoked(anoncreds_service, wallets):
    service, organizer = anoncreds_service, anoncreds_service.client(organizer=True)
    ada_wallet, ben_wallet = wallets
    chosen = organizer.put("/sig/badge-formats", json={"formats": ["anoncreds", "ld_proof"]})
    assert chosen.status_code == 200 and chosen.json()["formats"] == BOTH, chosen.text

    # Ada attended all three meetings of 2026, Ben only the last; both connected their wallets.
    meeting_ids = [new_meeting(service, title, day) for title, day in MEETINGS]
    for meeting_id in meeting_ids:
        import_roster(service, meeting_id, "name,email\nAda Lovelace,ada@example.org\n")
    import_roster(service, meeting_ids[-1], "name,email\nBen Franklin,ben@example.org\n")
    members = members_by_email(service)
    ada, ben = members["ada@example.org"], members["ben@example.org"]
    for member, wallet in ((ada, ada_wallet), (ben, ben_wallet)):
        connect_wallet(service, wallet, claim_token(service, member))
        wait_for(
            lambda m=member: organizer.get(f"/members/{m['id']}").json()["connection_state"] == "active",
            "the connection",
        )

    # "Issue all" for the last meeting: per member, the attendance badge in both formats and the tally.
    last = meeting_ids[-1]
    first_run = issue_all(service, last)
    badges = meeting_badges(service, last)["badges"]
    for member in (ada, ben):
        theirs = sorted(
            (badge["kind"], badge["format"], badge["state"]) for badge in badges if badge["member_id"] == member["id"]
        )
        assert theirs == [
            ("attendance", "anoncreds", "issued"),
            ("attendance", "ld_proof", "issued"),
            ("participation", "anoncreds", "issued"),
        ]
    assert first_run["badges_added"] == 6

    again = issue_all(service, last)
    assert again["badges_added"] == 0
    assert meeting_badges(service, last)["badges"] == badges
    ben_credentials = anoncreds_in(ben_wallet)
    assert sorted(credential["attrs"].get("role", "tally") for credential in ben_credentials) == ["attendee", "tally"]
    assert [credential["attrs"]["meeting"] for credential in ben_credentials if "meeting" in credential["attrs"]] == [
        "Journal club: fluids"
    ]
    assert len(stored_credentials(ben_wallet)) == 1  # and one Open Badge
    ada_tally = next(
        credential["attrs"] for credential in anoncreds_in(ada_wallet) if "meetings_attended" in credential["attrs"]
    )
    assert (ada_tally["meetings_attended"], ada_tally["counted_since"], ada_tally["counted_until"]) == (
        "3",
        "2026-01-01",
        "2026-11-05",
    )

    # A verifier asks, without any connection: at least 3 meetings since 1 January 2026?
    since = "2026-01-01T00:00:00Z"
    proved = ask(service, ada_wallet, template="attended-at-least", since=since, min_meetings=3)
    assert (proved["state"], proved["verified"]) == ("verified", True), proved
    assert proved["revealed"] == {"name": "Ada Lovelace"}  # the count and the dates stay hidden
    too_few = ask(service, ben_wallet, template="attended-at-least", since=since, min_meetings=3)
    assert (too_few["state"], too_few["verified"]) == ("not-satisfied", False), too_few
    one = ask(service, ben_wallet, template="attended-at-least", since=since, min_meetings=1)
    assert one["state"] == "verified", one

    # Revoking Ben's tally on the ledger: the same proof no longer verifies.
    tally = next(badge for badge in badges if badge["member_id"] == ben["id"] and badge["kind"] == "participation")
    revoked = organizer.post(f"/anoncreds/badges/{tally['id']}/revoke", json={"reason": "issued by mistake"})
    assert revoked.status_code == 200, revoked.text
    ben_record = organizer.get(f"/members/{ben['id']}/badges").json()  # the member's record shows it
    assert sorted((b["kind"], b["format"], b["state"], b["revoked_at"] is not None) for b in ben_record) == [
        ("attendance", "anoncreds", "issued", False),
        ("attendance", "ld_proof", "issued", False),
        ("participation", "anoncreds", "issued", True),
    ]
    twice = organizer.post(f"/anoncreds/badges/{tally['id']}/revoke", json={"reason": "again"})
    assert twice.status_code == 409, twice.text
    after = ask(service, ben_wallet, template="attended-at-least", since=since, min_meetings=1)
    assert (after["state"], after["verified"]) == ("not-verified", False), after


def test_anoncreds_needs_the_formats_choice_and_refuses_bad_input(anoncreds_service):
    organizer = anoncreds_service.client(organizer=True)
    unknown = organizer.put("/sig/badge-formats", json={"formats": ["jwt"]})
    assert unknown.status_code == 422, unknown.text
    none = organizer.put("/sig/badge-formats", json={"formats": []})
    assert none.status_code == 422, none.text
    missing = anoncreds_service.client().post(
        "/proof-requests", json={"template": "attended-at-least", "min_meetings": 2}
    )
    assert missing.status_code == 422 and "needs since and min_meetings" in missing.text


def test_an_anoncreds_batch_killed_midway_finishes_after_a_restart_none_twice(anoncreds_service, holder):
    """The controller dies (SIGKILL) while offering; its agent goes on, the next start adopts it and
    reconciles: every AnonCreds badge reaches the wallet once, and "issue all" adds nothing."""
    service, organizer = anoncreds_service, anoncreds_service.client(organizer=True)
    assert organizer.put("/sig/badge-formats", json={"formats": ["anoncreds"]}).status_code == 200
    meeting_id = new_meeting(service, "Subgroup: restart", "2026-08-13")
    import_roster(service, meeting_id, roster_csv(RESTART_MEMBERS, prefix="restart"))
    for email, member in members_by_email(service).items():
        if email.startswith("restart"):
            connect_wallet(service, holder, claim_token(service, member))
            wait_for(
                lambda m=member: organizer.get(f"/members/{m['id']}").json()["connection_state"] == "active",
                "the connection",
            )

    assert (
        organizer.post(f"/meetings/{meeting_id}/issue").json()["badges_added"] == 2 * RESTART_MEMBERS
    )  # attendance, tally
    wait_for(
        lambda: meeting_badges(service, meeting_id)["counts"]["pending"] < 2 * RESTART_MEMBERS, "the batch to start", 30
    )
    service.stop(signal.SIGKILL)  # no clean shutdown; the agent goes on with its exchanges
    service.start()
    wait_for(
        lambda: (b := meeting_badges(service, meeting_id))["counts"]["issued"] == b["total"],
        "every badge issued after the restart",
        150,
    )

    def received() -> list[dict]:
        return [
            credential["attrs"]
            for credential in anoncreds_in(holder)
            if credential["attrs"].get("meeting") == "Subgroup: restart"
            or credential["attrs"].get("counted_until") == "2026-08-13"
        ]

    stored = wait_for(lambda: len(r := received()) >= 2 * RESTART_MEMBERS and r, "the wallet to store them", 30)
    kinds = sorted(("attendance" if "meeting" in attrs else "tally", attrs["name"]) for attrs in stored)
    assert kinds == sorted(
        (kind, f"Member {index:02d}") for kind in ("attendance", "tally") for index in range(RESTART_MEMBERS)
    )
    assert organizer.post(f"/meetings/{meeting_id}/issue").json()["badges_added"] == 0
