"""POST /presentations/verify: a wallet agent presents a badge the service issued to it."""

import copy

import pytest

from ..support import attendance_credential

CHALLENGE = "3c0f5c1e-0f43-4c5e-9f0e-5bb1d1d8a7a2"
DOMAIN = "verifier.example.org"
VCDM_1_1 = "https://www.w3.org/2018/credentials/v1"


@pytest.fixture(scope="module")
def holder_did(wallet) -> str:
    return wallet.create_did_key()


def badge_for(service, subject_did: str) -> dict:
    credential = attendance_credential(
        **{"@context": [VCDM_1_1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]}
    )
    credential["credentialSubject"]["id"] = subject_did
    response = service.client(organizer=True).post("/credentials/issue", json={"credential": credential})
    assert response.status_code == 201, response.text
    return response.json()["verifiableCredential"]


def present(wallet, holder: str, credentials: list[dict], challenge: str = CHALLENGE) -> dict:
    presentation = {
        "@context": [VCDM_1_1],
        "type": ["VerifiablePresentation"],
        "holder": holder,
        "verifiableCredential": credentials,
    }
    with wallet.admin() as admin:
        response = admin.post(
            "/vc/presentations/prove",
            json={
                "presentation": presentation,
                "options": {
                    "challenge": challenge,
                    "domain": DOMAIN,
                    "proofType": "Ed25519Signature2020",
                    "proofPurpose": "authentication",
                },
            },
        )
    assert response.status_code in (200, 201), response.text
    return response.json()["verifiablePresentation"]


def verify(service, presentation: dict, challenge: str = CHALLENGE, domain: str = DOMAIN):
    return service.client().post(
        "/presentations/verify",
        json={"verifiablePresentation": presentation, "options": {"challenge": challenge, "domain": domain}},
    )


def test_a_holder_presenting_its_own_badge_verifies(service, wallet, holder_did):
    result = verify(service, present(wallet, holder_did, [badge_for(service, holder_did)]))
    assert result.status_code == 200
    body = result.json()
    assert body["verified"] is True, body
    assert {
        "presentation-proof",
        "challenge",
        "domain",
        "holder",
        "credential[0].proof",
        "credential[0].status",
    } <= set(body["checks"])


def test_a_wrong_challenge_fails_by_name(service, wallet, holder_did):
    answer = verify(service, present(wallet, holder_did, [badge_for(service, holder_did)]), challenge="another")
    assert answer.status_code == 400  # VC-API: a presentation that fails verification
    body = answer.json()
    assert body["verified"] is False
    assert "challenge" in {error["check"] for error in body["errors"]}


def test_presenting_someone_elses_badge_fails_the_holder_check(service, wallet, holder_did):
    other = badge_for(service, "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
    body = verify(service, present(wallet, holder_did, [other])).json()
    assert body["verified"] is False
    assert [error["check"] for error in body["errors"]] == ["holder"]


def test_a_tampered_credential_inside_fails(service, wallet, holder_did):
    presentation = present(wallet, holder_did, [badge_for(service, holder_did)])
    tampered = copy.deepcopy(presentation)
    tampered["verifiableCredential"][0]["credentialSubject"]["activityEndDate"] = "2026-11-21T00:00:00Z"
    body = verify(service, tampered).json()
    assert body["verified"] is False
    assert "credential[0].proof" in {error["check"] for error in body["errors"]}


def test_a_revoked_credential_inside_fails_the_status_check(service, wallet, holder_did):
    badge = badge_for(service, holder_did)
    service.client(organizer=True).post(
        "/credentials/status", json={"credentialId": badge["id"], "action": "revoke", "reason": "test"}
    )
    body = verify(service, present(wallet, holder_did, [badge])).json()
    assert body["verified"] is False
    assert [error["check"] for error in body["errors"]] == ["credential[0].status"]


@pytest.mark.parametrize(
    "body",
    [
        {"verifiablePresentation": {"type": ["VerifiablePresentation"]}, "options": {"challenge": "c"}},
        {
            "verifiablePresentation": {"@context": [VCDM_1_1], "type": ["VerifiablePresentation"], "proof": {}},
            "options": {"challenge": "c"},
        },
        {"verifiablePresentation": {"@context": [VCDM_1_1], "type": ["VerifiablePresentation"]}, "options": {}},
    ],
    ids=["no-context", "no-credentials", "no-challenge"],
)
def test_malformed_presentations_are_422(service, body):
    response = service.client().post("/presentations/verify", json=body)
    assert response.status_code == 422 and response.json()["detail"]


def _presentation(**overrides) -> dict:
    presentation = {
        "@context": [VCDM_1_1],
        "type": ["VerifiablePresentation"],
        "proof": {"type": "Ed25519Signature2020"},
        "verifiableCredential": [{"@context": [VCDM_1_1]}],
    }
    return {**presentation, **overrides}


@pytest.mark.parametrize(
    ("presentation", "field"),
    [
        (_presentation(**{"@context": [VCDM_1_1, 7]}), "@context[1]"),
        (_presentation(**{"@context": ["https://example.org/v1", VCDM_1_1]}), "@context"),
        (_presentation(type=[]), "type"),
        (_presentation(id="not a url"), "id"),
        (_presentation(holder=""), "holder"),
        (_presentation(holder={"name": "no id"}), "holder"),
        (_presentation(termsOfUse=[{}]), "termsOfUse[0]"),
        (_presentation(termsOfUse={"id": "https://example.org/tou"}), "termsOfUse"),
    ],
    ids=[
        "context-number",
        "context-not-vc-first",
        "empty-type",
        "id-not-url",
        "empty-holder",
        "holder-without-id",
        "empty-terms-of-use",
        "terms-of-use-without-type",
    ],
)
def test_what_vcdm_forbids_in_a_presentation_is_422_naming_the_field(service, presentation, field):
    body = {"verifiablePresentation": presentation, "options": {"challenge": "c"}}
    response = service.client().post("/presentations/verify", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"].startswith(field), response.json()["detail"]


@pytest.mark.parametrize("option", ["checks", "returnPresentation", "unknownOption"])
def test_presentation_options_it_does_not_take_are_refused_by_name(service, option):
    body = {"verifiablePresentation": _presentation(), "options": {"challenge": "c", option: True}}
    response = service.client().post("/presentations/verify", json=body)
    assert response.status_code == 422 and response.json()["detail"]
    assert response.json()["detail"][0]["loc"] == ["body", "options", option]
