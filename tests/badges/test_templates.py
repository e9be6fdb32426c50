"""The three badges as Open Badges 3.0 credentials: shape, schemas, and signing by the real agent."""

from datetime import UTC, datetime

import pytest

from vc_service.badges.templates import (
    MeetingFacts,
    Recipient,
    TalkFacts,
    build_badge,
    identity_hash,
    subject_errors,
)
from vc_service.issuer.identity import Issuer

MEETING = MeetingFacts(
    title="Journal club: sepsis",
    kind="journal-club",
    starts_at=datetime(2026, 11, 20, 17, tzinfo=UTC),
    ends_at=datetime(2026, 11, 20, 18, tzinfo=UTC),
)
TALK = TalkFacts(title="Reading the guidelines", presenter="Ada", slides_url="https://slides.example.org/s1")
ISSUER = Issuer(
    sig_id=1, slug="health", did="did:key:z6MkIssuer", name="Health SIG", url="https://sig.example.org", description="d"
)


def build(kind: str, recipient: Recipient, issuer: Issuer = ISSUER, vcdm: str = "1.1") -> dict:
    return build_badge(
        kind,
        issuer=issuer,
        base_url="https://sig.example.org",
        credential_id="urn:uuid:00000000-0000-4000-8000-000000000001",
        recipient=recipient,
        meeting=MEETING if kind != "membership" else None,
        talk=TALK if kind == "presenter" else None,
        valid_until=datetime(2027, 12, 31, tzinfo=UTC) if kind == "membership" else None,
        vcdm=vcdm,
    )


def test_attendance_badge_shape():
    credential = build("attendance", Recipient("Ada", did="did:key:z6MkAda"))
    subject = credential["credentialSubject"]
    assert credential["@context"][0] == "https://www.w3.org/2018/credentials/v1"
    assert credential["issuer"]["id"] == ISSUER.did and "issuanceDate" in credential
    assert subject["id"] == "did:key:z6MkAda"
    assert subject["achievement"]["id"] == "https://sig.example.org/sigs/health/achievements/attendance"
    assert subject["achievement"]["achievementType"] == "ext:Attendance"
    assert (subject["activityStartDate"], subject["activityEndDate"]) == (
        "2026-11-20T17:00:00Z",
        "2026-11-20T18:00:00Z",
    )


def test_presenter_badge_carries_role_and_the_talk_as_evidence():
    credential = build("presenter", Recipient("Ada", did="did:key:z6MkAda"))
    assert credential["credentialSubject"]["role"] == "presenter"
    (evidence,) = credential["evidence"]
    assert evidence["id"] == TALK.slides_url and evidence["name"] == TALK.title


def test_membership_badge_expires():
    assert build("membership", Recipient("Ada", did="did:key:z6MkAda"))["expirationDate"] == "2027-12-31T00:00:00Z"
    assert (
        build("membership", Recipient("Ada", did="did:key:z6MkAda"), vcdm="2.0")["validUntil"] == "2027-12-31T00:00:00Z"
    )


def test_without_a_did_the_recipient_is_a_salted_email_hash():
    credential = build("attendance", Recipient("Ada", email="Ada@Example.org"))
    identity, _name = credential["credentialSubject"]["identifier"]
    assert "id" not in credential["credentialSubject"]
    assert identity["identityHash"] == identity_hash("ada@example.org", identity["salt"])
    assert "ada@example.org" not in str(credential).lower()


def test_a_badge_names_its_member_unless_the_sig_leaves_names_out():
    """A verifier reads whose badge it is: the subject's name, and an OB3 identifier of type name."""
    for recipient in (
        Recipient("Ada Lovelace", did="did:key:z6MkAda"),
        Recipient("Ada Lovelace", email="ada@example.org"),
    ):
        subject = build("attendance", recipient)["credentialSubject"]
        assert subject["name"] == "Ada Lovelace"
        assert {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": "Ada Lovelace",
        } in subject["identifier"]
        assert subject_errors("attendance", subject) == []
    unnamed = Issuer(**{**ISSUER.__dict__, "names_members": False})
    subject = build("attendance", Recipient("Ada Lovelace", did="did:key:z6MkAda"), issuer=unnamed)["credentialSubject"]
    assert "Lovelace" not in str(subject) and "identifier" not in subject and subject["id"] == "did:key:z6MkAda"
    presenter = build("presenter", Recipient("Ada Lovelace", did="did:key:z6MkAda"), issuer=unnamed)
    assert "Lovelace" not in str(presenter) and presenter["evidence"][0]["narrative"].startswith("Presented ")
    by_email = build("attendance", Recipient("Ada Lovelace", email="ada@example.org"), issuer=unnamed)[
        "credentialSubject"
    ]
    assert "Lovelace" not in str(by_email) and [i["identityType"] for i in by_email["identifier"]] == ["emailAddress"]


def test_a_name_alone_does_not_identify_the_recipient():
    subject = {
        "type": ["AchievementSubject"],
        "name": "Ada",
        "identifier": [{"type": "IdentityObject", "identityHash": "Ada", "identityType": "name", "hashed": False}],
        "activityStartDate": "2026-11-20T17:00:00Z",
        "activityEndDate": "2026-11-20T18:00:00Z",
        "achievement": {"id": "x", "type": ["Achievement"], "name": "n", "achievementType": "ext:Attendance"},
    }
    assert subject_errors("attendance", subject)
    assert subject_errors("attendance", {**subject, "id": "did:key:z6MkAda"}) == []


def test_a_recipient_needs_a_did_or_an_email():
    with pytest.raises(ValueError, match="neither a DID nor an email"):
        build("attendance", Recipient("Nobody"))


def test_subject_schemas_reject_missing_fields():
    assert any(
        "activityStartDate" in error
        for error in subject_errors("attendance", {"type": ["AchievementSubject"], "id": "did:x:y", "achievement": {}})
    )
    assert any(
        "role" in error for error in subject_errors("presenter", {"type": ["AchievementSubject"], "id": "did:x:y"})
    )


@pytest.mark.parametrize("kind", ["membership", "attendance", "presenter"])
@pytest.mark.parametrize("vcdm", ["1.1", "2.0"])
@pytest.mark.parametrize(
    "recipient",
    [
        Recipient("Ada", did="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"),
        Recipient("Bo", email="bo@example.org"),
    ],
    ids=["did", "email"],
)
def test_every_badge_signs_and_verifies_through_the_agent(service, kind, vcdm, recipient):
    issuer = Issuer(**{**ISSUER.__dict__, "did": service.client().get("/issuer").json()["did"]})
    credential = build(kind, recipient, issuer=issuer, vcdm=vcdm)
    issued = service.client(organizer=True).post("/credentials/issue", json={"credential": credential})
    assert issued.status_code == 201, issued.text
    verified = service.client().post(
        "/credentials/verify", json={"verifiableCredential": issued.json()["verifiableCredential"]}
    )
    assert verified.json()["verified"] is True, verified.json()


def test_achievements_and_schemas_are_published(service):
    achievement = service.client().get("/achievements/presenter")
    assert achievement.status_code == 200 and achievement.json()["id"] == f"{service.url}/achievements/presenter"
    assert "max-age" in achievement.headers["cache-control"]
    schema = service.client().get("/schemas/subjects/attendance.schema.json")
    assert schema.status_code == 200 and "activityStartDate" in schema.json()["required"]
    unknown = service.client().get("/achievements/karaoke")
    assert unknown.status_code == 404 and "attendance" in unknown.json()["detail"]
