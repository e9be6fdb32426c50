"""POST /credentials/verify against the running service, cross-checked by a separate agent."""

import copy

import pytest

from ..support import attendance_credential


@pytest.fixture(scope="module")
def signed(service) -> dict:
    response = service.client(organizer=True).post(
        "/credentials/issue", json={"credential": attendance_credential()}
    )
    assert response.status_code == 201, response.text
    return response.json()["verifiableCredential"]


def verify(service, credential: dict):
    return service.client().post("/credentials/verify", json={"verifiableCredential": credential})


def test_issued_credential_verifies(service, signed):
    response = verify(service, signed)
    assert response.status_code == 200
    assert response.json() == {
        "verified": True,
        "checks": ["proof", "issuer", "validity", "status", "shape"],
        "warnings": [],
        "errors": [],
    }


def test_an_independent_agent_verifies_it_too(wallet, signed):
    with wallet.admin() as admin:
        result = admin.post("/vc/credentials/verify", json={"verifiableCredential": signed}).json()
    assert result["verified"] is True


def test_a_changed_subject_field_fails_the_proof(service, wallet, signed):
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["activityEndDate"] = "2026-11-20T21:00:00Z"
    body = verify(service, tampered).json()
    assert body["verified"] is False
    assert [error["check"] for error in body["errors"]] == ["proof"]
    assert "signature" in body["errors"][0]["message"].lower()
    with wallet.admin() as admin:
        assert admin.post("/vc/credentials/verify", json={"verifiableCredential": tampered}).json()["verified"] is False


def test_a_changed_achievement_fails_the_proof(service, signed):
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] = "Keynote speaker"
    body = verify(service, tampered).json()
    assert body["verified"] is False
    assert body["errors"][0]["check"] == "proof"


def test_a_foreign_issuer_is_a_named_warning(service, wallet):
    """Signed by another agent's DID: the proof holds, the issuer is unknown to this SIG."""
    foreign = wallet.sign_foreign_badge()
    did = foreign["issuer"]["id"]
    body = verify(service, foreign).json()
    assert body["verified"] is True
    assert body["warnings"] == [{"check": "issuer", "message": f"issuer {did} is not a known issuer of this service"}]


def test_an_expired_credential_fails_the_validity_check(service):
    credential = attendance_credential(validFrom="2020-01-01T00:00:00Z", validUntil="2021-01-01T00:00:00Z")
    signed = service.client(organizer=True).post("/credentials/issue", json={"credential": credential}).json()[
        "verifiableCredential"
    ]
    body = verify(service, signed).json()
    assert body["verified"] is False
    assert body["errors"] == [{"check": "validity", "message": "expired at 2021-01-01T00:00:00Z (validUntil)"}]


def test_a_not_yet_valid_credential_fails_the_validity_check(service):
    credential = attendance_credential(validFrom="2999-01-01T00:00:00Z")
    signed = service.client(organizer=True).post("/credentials/issue", json={"credential": credential}).json()[
        "verifiableCredential"
    ]
    body = verify(service, signed).json()
    assert body["verified"] is False
    assert body["errors"][0]["check"] == "validity"


def test_unpinned_context_is_refused_naming_the_url(service, signed):
    changed = copy.deepcopy(signed)
    changed["@context"].append("https://example.org/unpinned/v1")
    response = verify(service, changed)
    assert response.status_code == 422
    assert "https://example.org/unpinned/v1" in response.json()["detail"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda vc: vc.pop("credentialSubject"), "credentialSubject"),
        (lambda vc: vc.pop("proof"), "proof"),
        (lambda vc: vc.update(type=["Badge"]), "VerifiableCredential"),
    ],
    ids=["no-subject", "no-proof", "wrong-type"],
)
def test_malformed_credentials_get_422_naming_the_problem(service, signed, change, message):
    changed = copy.deepcopy(signed)
    change(changed)
    response = verify(service, changed)
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_a_badge_without_achievement_fails_the_shape_and_the_proof(service, signed):
    changed = copy.deepcopy(signed)
    changed["credentialSubject"].pop("achievement")
    body = verify(service, changed).json()
    assert body["verified"] is False
    assert {error["check"] for error in body["errors"]} == {"proof", "shape"}
    assert "achievement" in next(e["message"] for e in body["errors"] if e["check"] == "shape")


def test_a_badge_retyped_as_a_plain_credential_fails_the_proof(service, signed):
    changed = copy.deepcopy(signed)
    changed["type"] = ["VerifiableCredential"]
    body = verify(service, changed).json()
    assert body["verified"] is False
    assert body["errors"][0]["check"] == "proof"


@pytest.mark.parametrize("body", [b"{oops", b"null", b'{"verifiableCredential": 7}'])
def test_bad_request_bodies_get_422(service, body):
    response = service.client().post("/credentials/verify", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
