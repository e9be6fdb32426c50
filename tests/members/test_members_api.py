"""Organizer API for members, meetings, talks and roster import, on the running service."""

import threading
import time
from collections import Counter

import pytest

from ..issuance.didcomm import create_meeting


@pytest.fixture(scope="module")
def organizer(service):
    return service.client(organizer=True)


def test_members_are_unique_by_email(organizer):
    created = organizer.post("/members", json={"name": "Cy", "email": " Cy@Example.org", "region": "Europe"})
    assert created.status_code == 201, created.text
    assert created.json()["email"] == "cy@example.org" and len(created.json()["claim_url"].rsplit("/c/", 1)[1]) == 12
    again = organizer.post("/members", json={"name": "Cy again", "email": "cy@example.org"})
    assert again.status_code == 409 and "cy@example.org" in again.json()["detail"]
    assert organizer.get(f"/members/{created.json()['id']}").json()["region"] == "Europe"


@pytest.mark.parametrize(
    "body", [{"name": "X"}, {"name": "X", "email": "nope"}, {"name": "X", "email": "x@example.org", "did": "key:1"}]
)
def test_bad_members_are_422(organizer, body):
    assert organizer.post("/members", json=body).status_code == 422


def test_unknown_ids_are_404(organizer):
    assert organizer.get("/members/999999").status_code == 404
    assert organizer.get("/meetings/999999").status_code == 404
    assert organizer.post("/meetings/999999/roster", content=b"name,email\n").status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "party", "title": "x", "starts_at": "2026-11-20T17:00:00Z", "ends_at": "2026-11-20T18:00:00Z"},
        {"kind": "general", "title": "x", "starts_at": "2026-11-20T17:00:00Z", "ends_at": "2026-11-20T16:00:00Z"},
        {"kind": "general", "title": "x", "starts_at": "2026-11-20T17:00:00", "ends_at": "2026-11-20T18:00:00"},
        {"kind": "general", "title": "", "starts_at": "2026-11-20T17:00:00Z", "ends_at": "2026-11-20T18:00:00Z"},
    ],
    ids=["unknown-kind", "ends-before-start", "no-time-zone", "empty-title"],
)
def test_bad_meetings_are_422(organizer, body):
    assert organizer.post("/meetings", json=body).status_code == 422


def test_meetings_are_listed_newest_first(service, organizer):
    create_meeting(service, title="Older")
    newer = organizer.post(
        "/meetings",
        json={
            "kind": "general",
            "title": "Newer",
            "starts_at": "2027-01-08T17:00:00Z",
            "ends_at": "2027-01-08T18:00:00Z",
        },
    ).json()
    assert organizer.get("/meetings").json()[0]["id"] == newer["id"]


def test_talks_need_a_known_presenter_and_http_urls(service, organizer):
    meeting = create_meeting(service, title="Talks")
    assert (
        organizer.post(f"/meetings/{meeting['id']}/talks", json={"title": "T", "presenter_id": 999999}).status_code
        == 422
    )
    presenter = organizer.post("/members", json={"name": "Di", "email": "di@example.org"}).json()
    bad_url = {"title": "T", "presenter_id": presenter["id"], "slides_url": "ftp://x"}
    assert organizer.post(f"/meetings/{meeting['id']}/talks", json=bad_url).status_code == 422
    talk = organizer.post(f"/meetings/{meeting['id']}/talks", json={"title": "T", "presenter_id": presenter["id"]})
    assert talk.status_code == 201
    assert [t["title"] for t in organizer.get(f"/meetings/{meeting['id']}/talks").json()] == ["T"]


ROSTER = (
    "name,email,did,joined_at,left_at\n"
    "Eve,eve@example.org,,2026-11-20T17:00:00Z,2026-11-20T18:00:00Z\n"
    "Bad Row,not-an-email,,,\n"
    "Fay,fay@example.org,did:key:z6MkFay,,\n"
)


def test_roster_import_reports_bad_rows_and_is_idempotent(service, organizer):
    meeting = create_meeting(service, title="Roster")
    first = organizer.post(f"/meetings/{meeting['id']}/roster", content=ROSTER, headers={"content-type": "text/csv"})
    assert first.status_code == 200, first.text
    assert first.json() == {
        "members_created": 2,
        "members_matched": 0,
        "attendance_added": 2,
        "attendance_unchanged": 0,
        "errors": [{"line": 3, "name": "Bad Row", "reason": "'not-an-email' is not an email address"}],
    }
    again = organizer.post(f"/meetings/{meeting['id']}/roster", files={"file": ("roster.csv", ROSTER, "text/csv")})
    assert again.status_code == 200, again.text
    assert (
        again.json()["members_created"],
        again.json()["attendance_added"],
        again.json()["attendance_unchanged"],
    ) == (0, 0, 2)
    conflicting = "name,email,did\nFay,fay@example.org,did:key:z6MkOther\n"
    report = organizer.post(f"/meetings/{meeting['id']}/roster", content=conflicting).json()
    assert report["errors"][0]["line"] == 2 and "differs" in report["errors"][0]["reason"]


@pytest.mark.parametrize(
    ("content", "status"),
    [(b"", 422), (b"\xff\xfe", 422), (b"name,mail\nA,a@example.org\n", 422), (b"x" * (5 * 1024 * 1024 + 1), 413)],
    ids=["empty", "not-utf8", "no-email-column", "too-large"],
)
def test_unreadable_rosters_are_refused(service, organizer, content, status):
    meeting = create_meeting(service, title="Bad roster")
    response = organizer.post(
        f"/meetings/{meeting['id']}/roster", content=content, headers={"content-type": "text/csv"}
    )
    assert response.status_code == status
    assert response.json()["detail"]


def test_organizer_endpoints_need_the_key(service):
    anonymous = service.client()
    assert anonymous.get("/members").status_code == 401
    assert anonymous.post("/meetings", json={}).status_code == 401
    assert anonymous.post("/meetings/1/roster", content=b"name,email\n").status_code == 401


def test_a_big_roster_import_lets_other_writes_through(service, organizer):
    """While 10,000 rows are imported, other organizers' writes (new meetings) get their turn
    between the import's batches: each is stored or, at worst, a 503 to retry; never a 500."""
    meeting = create_meeting(service, title="Big import")
    roster = "name,email\n" + "".join(f"Big Call {index},bigcall{index}@example.org\n" for index in range(10_000))
    importing = threading.Event()
    importing.set()
    writes: list[tuple[float, int]] = []  # (answered at, status)
    stored: list[tuple[float, int]] = []  # (seen at, attendance rows of the import committed)

    def write(writer: int) -> None:
        later = {"kind": "general", "starts_at": "2099-01-01T17:00:00Z", "ends_at": "2099-01-01T18:00:00Z"}
        with service.client(organizer=True) as client:
            for attempt in range(40):  # bounded: about the import's duration
                if not importing.is_set():
                    return
                answer = client.post("/meetings", json={**later, "title": f"Concurrent {writer}.{attempt}"})
                writes.append((time.monotonic(), answer.status_code))

    def watch() -> None:
        while importing.is_set():
            ((count,),) = service.query("SELECT count(*) FROM attendance WHERE meeting_id = :id", id=meeting["id"])
            stored.append((time.monotonic(), count))

    threads = [threading.Thread(target=write, args=(writer,)) for writer in range(8)] + [threading.Thread(target=watch)]
    for thread in threads:
        thread.start()
    try:
        response = organizer.post(
            f"/meetings/{meeting['id']}/roster",
            content=roster.encode(),
            headers={"content-type": "text/csv"},
            timeout=300,
        )
        finished = time.monotonic()
    finally:
        importing.clear()
        for thread in threads:
            thread.join(60)
    assert response.status_code == 200, response.text
    assert response.json()["attendance_added"] == 10_000
    statuses = Counter(status for _at, status in writes)
    assert set(statuses) <= {201, 503}, statuses
    first_batch_seen = min((at for at, count in stored if count), default=finished)
    assert any(first_batch_seen < at < finished and status == 201 for at, status in writes), (statuses, stored[-3:])
