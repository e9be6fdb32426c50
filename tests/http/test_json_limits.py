"""Deeply nested JSON and date-times UTC cannot express are refused with a 4xx naming the problem,
on every kind of route of the running service (each was a 500: RecursionError, OverflowError)."""

import html

import pytest

from ..support import VCDM2

DEEP_ARRAY = b"[" * 5000 + b"]" * 5000
DEEP_OBJECT = b'{"a":' * 1000 + b"1" + b"}" * 1000
NESTING = "nested more than 64 levels deep"


@pytest.mark.parametrize("body", [DEEP_ARRAY, DEEP_OBJECT], ids=["arrays", "objects"])
@pytest.mark.parametrize("path", ["/meetings", "/members", "/credentials/verify", "/proof-requests"])
def test_deeply_nested_json_bodies_are_422(service, path, body):
    answer = service.client(organizer=True).post(path, content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 422, answer.text
    assert NESTING in answer.json()["detail"]


def test_a_nested_presentation_is_422(service):
    nested = "[" * 3000 + "]" * 3000
    presentation = (
        f'{{"@context": ["{VCDM2}"], "type": ["VerifiablePresentation"], "verifiableCredential": [{nested}]}}'
    )
    body = f'{{"verifiablePresentation": {presentation}, "options": {{"challenge": "c"}}}}'
    answer = service.client().post(
        "/presentations/verify", content=body.encode(), headers={"content-type": "application/json"}
    )
    assert answer.status_code == 422 and NESTING in answer.json()["detail"]


def test_the_webhook_inbox_checks_the_key_before_the_body(service):
    key = service.secrets()["webhook_key"]
    with service.client() as client:
        for body in (DEEP_ARRAY, b'{"connection_id": "c\\u0000", "state": "active"}', b"not json"):
            unauthenticated = client.post(
                "/webhooks/topic/connections/", content=body, headers={"content-type": "application/json"}
            )
            assert unauthenticated.status_code == 401, unauthenticated.text
        for content_type in ("application/json", "text/plain"):
            deep = client.post(
                "/webhooks/topic/connections/",
                content=DEEP_ARRAY,
                headers={"x-api-key": key, "content-type": content_type},
            )
            assert deep.status_code == 422 and NESTING in deep.json()["detail"]
        unstorable = client.post(
            "/webhooks/topic/connections/",
            content=b'{"connection_id": "c\\u0000"}',
            headers={"x-api-key": key, "content-type": "application/json"},
        )
        assert unstorable.status_code == 422 and "NUL" in unstorable.json()["detail"]


def test_the_verify_page_refuses_a_deeply_nested_file(service):
    with service.client() as client:
        uploaded = client.post("/verify", files={"file": ("deep.json", b"[" * 900_000, "application/json")})
        pasted = client.post("/verify", data={"pasted": "[" * 5000})
    for answer in (uploaded, pasted):
        assert answer.status_code == 422
        assert f"This JSON is {NESTING}" in html.unescape(answer.text)


@pytest.mark.parametrize(
    ("field", "value"),
    [("starts_at", "0001-01-01T00:00+14:00"), ("ends_at", "9999-12-31T23:59-14:00")],
    ids=["year-0", "year-10000"],
)
def test_a_meeting_time_utc_cannot_express_is_422_naming_the_field(service, field, value):
    meeting = {
        "kind": "general",
        "title": "Edge of time",
        "starts_at": "2026-11-20T17:00:00Z",
        "ends_at": "2026-11-20T18:00:00Z",
    }
    answer = service.client(organizer=True).post("/meetings", json={**meeting, field: value})
    assert answer.status_code == 422, answer.text
    (error,) = answer.json()["detail"]
    assert error["loc"] == ["body", field] and "outside the years 1 to 9999 in UTC" in error["msg"]


def test_a_roster_time_utc_cannot_express_is_a_row_error(service):
    organizer = service.client(organizer=True)
    meeting = organizer.post(
        "/meetings",
        json={
            "kind": "general",
            "title": "Roster edge",
            "starts_at": "2026-11-20T17:00:00Z",
            "ends_at": "2026-11-20T18:00:00Z",
        },
    ).json()
    roster = "name,email,joined_at,left_at\nEdge,edge@example.org,0001-01-01T00:00+14:00,0001-01-01T01:00+14:00\n"
    report = organizer.post(
        f"/meetings/{meeting['id']}/roster", content=roster.encode(), headers={"content-type": "text/csv"}
    )
    assert report.status_code == 200, report.text
    assert report.json()["errors"] == [
        {
            "line": 2,
            "name": "Edge",
            "reason": "joined_at 0001-01-01T00:00:00+14:00 is outside the years 1 to 9999 in UTC",
        }
    ]
