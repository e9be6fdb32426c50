"""The door QR: check in at the meeting and receive the attendance badge, once."""

import pytest

from ..issuance.didcomm import create_meeting, meeting_badges


@pytest.fixture(scope="module")
def door(service):
    meeting = create_meeting(service, title="Guest presentation: triage")
    response = service.client(organizer=True).post(f"/meetings/{meeting['id']}/door", json={})
    assert response.status_code == 200, response.text
    return {"meeting": meeting, **response.json()}


def check_in(service, door_url: str, name: str, email: str):
    return service.client().post(door_url.removeprefix(service.url), data={"name": name, "email": email})


def test_checking_in_leads_to_the_claim_page_with_the_badge(service, door):
    form = service.client().get(door["door_url"].removeprefix(service.url))
    assert form.status_code == 200 and 'name="email"' in form.text
    response = check_in(service, door["door_url"], "Ada Door", "ada.door@example.org")
    assert response.status_code == 303
    claim_page = service.client().get(response.headers["location"].removeprefix(service.url))
    assert "Ada Door" in claim_page.text and "Attendance" in claim_page.text
    badges = meeting_badges(service, door["meeting"]["id"])
    assert [(b["member_name"], b["kind"]) for b in badges["badges"]] == [("Ada Door", "attendance")]


def test_scanning_again_gives_no_second_badge(service, door):
    first = check_in(service, door["door_url"], "Bo Twice", "bo.twice@example.org")
    again = check_in(service, door["door_url"], "Bo Twice", "BO.TWICE@example.org ")
    assert first.status_code == 303 and again.status_code == 200  # the second scan is an existing member's
    names = [b["member_name"] for b in meeting_badges(service, door["meeting"]["id"])["badges"]]
    assert names.count("Bo Twice") == 1


def test_an_existing_members_check_in_shows_no_claim_link(service, door):
    """Whoever knows the door code and a member's email gets the attendance recorded, not the link."""
    member = (
        service.client(organizer=True)
        .post("/members", json={"name": "Cy Known", "email": "cy.known@example.org"})
        .json()
    )
    token = member["claim_url"].rsplit("/", 1)[1]
    response = check_in(service, door["door_url"], "Someone Else", "cy.known@example.org")
    assert response.status_code == 200 and "location" not in response.headers
    assert "checked in" in response.text and "ask the organizer" in response.text
    assert token not in response.text and "/c/" not in response.text and "/i/" not in response.text
    assert "Cy Known" not in response.text  # nor who the email belongs to
    badges = meeting_badges(service, door["meeting"]["id"])["badges"]
    assert [(b["member_name"], b["kind"]) for b in badges if b["member_id"] == member["id"]] == [
        ("Cy Known", "attendance")
    ]


def test_door_qr_is_served(service, door):
    qr = service.client().get(door["qr_url"].removeprefix(service.url))
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")


def test_unknown_or_expired_door(service, door):
    assert service.client().get("/d/unknown-door").status_code == 404
    meeting = create_meeting(service, title="Subgroup: informatics")
    short = service.client(organizer=True).post(f"/meetings/{meeting['id']}/door", json={"window_minutes": 5})
    assert short.status_code == 200
    # a new door replaces the old one: the previous token no longer works
    renewed = service.client(organizer=True).post(f"/meetings/{meeting['id']}/door", json={})
    assert service.client().get(short.json()["door_url"].removeprefix(service.url)).status_code == 404
    assert service.client().get(renewed.json()["door_url"].removeprefix(service.url)).status_code == 200


@pytest.mark.parametrize("body", [{"window_minutes": 1}, {"window_minutes": "soon"}])
def test_bad_door_windows_are_422(service, door, body):
    response = service.client(organizer=True).post(f"/meetings/{door['meeting']['id']}/door", json=body)
    assert response.status_code == 422


def test_bad_check_in_forms_are_422(service, door):
    assert check_in(service, door["door_url"], "", "x@example.org").status_code == 422
    assert check_in(service, door["door_url"], "No Mail", "not-an-email").status_code == 422
