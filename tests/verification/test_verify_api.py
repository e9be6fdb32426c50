"""POST /credentials/verify against the running service, cross-checked by a separate agent."""

import copy
import json

import pytest

from ..support import attendance_credential


@pytest.fixture(scope="module")
def signed(service) -> dict:
    response = service.client(organizer=True).post("/credentials/issue", json={"credential": attendance_credential()})
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
    answer = verify(service, tampered)
    assert answer.status_code == 400  # VC-API: a credential that fails verification, with the result
    body = answer.json()
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
    signed = (
        service.client(organizer=True)
        .post("/credentials/issue", json={"credential": credential})
        .json()["verifiableCredential"]
    )
    body = verify(service, signed).json()
    assert body["verified"] is False
    assert body["errors"] == [{"check": "validity", "message": "expired at 2021-01-01T00:00:00Z (validUntil)"}]


def test_a_not_yet_valid_credential_fails_the_validity_check(service):
    credential = attendance_credential(validFrom="2999-01-01T00:00:00Z")
    signed = (
        service.client(organizer=True)
        .post("/credentials/issue", json={"credential": credential})
        .json()["verifiableCredential"]
    )
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


@pytest.fixture(scope="module")
def data_integrity_signed(service) -> dict:
    options = {"proofType": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022"}
    response = service.client(organizer=True).post(
        "/credentials/issue", json={"credential": attendance_credential(), "options": options}
    )
    assert response.status_code == 201, response.text
    return response.json()["verifiableCredential"]


def _proof_of(credential: dict) -> dict:
    return credential["proof"][0] if isinstance(credential["proof"], list) else credential["proof"]


def _altered(credential: dict, change) -> dict:
    altered = copy.deepcopy(credential)
    altered["proof"] = copy.deepcopy(_proof_of(credential))
    change(altered["proof"])
    return altered


PROOF_ALTERATIONS = {
    "no-proofValue": (lambda proof: proof.pop("proofValue"), "no proofValue"),
    "no-proofPurpose": (lambda proof: proof.pop("proofPurpose"), "no proofPurpose"),
    "no-verificationMethod": (lambda proof: proof.pop("verificationMethod"), "no verificationMethod"),
    "proofValue-not-multibase": (lambda proof: proof.update(proofValue="not-base58!"), "proofValue is not"),
    "proofValue-too-short": (lambda proof: proof.update(proofValue="z3yMxJ"), "proofValue is not"),
    "proofValue-a-number": (lambda proof: proof.update(proofValue=7), "no proofValue"),
    "previousProof": (
        lambda proof: proof.update(previousProof="urn:uuid:0b6f1f4e-6f0b-4bd5-9d8c-4c3c2a1e7d10"),
        "previousProof",
    ),
}


@pytest.mark.parametrize("alteration", PROOF_ALTERATIONS, ids=list(PROOF_ALTERATIONS))
@pytest.mark.parametrize("suite", ["eddsa-jcs-2022", "Ed25519Signature2020"])
def test_a_malformed_proof_is_a_failed_proof_check_not_an_agent_crash(
    service, signed, data_integrity_signed, suite, alteration
):
    """Real proofs from the agent, then altered: the agent answers 500 to each (measured)."""
    change, named = PROOF_ALTERATIONS[alteration]
    answer = verify(service, _altered(data_integrity_signed if suite == "eddsa-jcs-2022" else signed, change))
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["verified"] is False
    assert [error["check"] for error in body["errors"]] == ["proof"]
    assert named in body["errors"][0]["message"]


def test_a_data_integrity_proof_without_cryptosuite_fails_the_proof_check(service, data_integrity_signed):
    answer = verify(service, _altered(data_integrity_signed, lambda proof: proof.pop("cryptosuite")))
    assert answer.status_code == 400 and "no cryptosuite" in answer.json()["errors"][0]["message"]


@pytest.mark.parametrize("suite", ["eddsa-jcs-2022", "Ed25519Signature2020"])
def test_several_proofs_verify_when_each_does(service, signed, data_integrity_signed, suite):
    credential = copy.deepcopy(data_integrity_signed if suite == "eddsa-jcs-2022" else signed)
    proof = _proof_of(credential)
    credential["proof"] = [proof, proof]
    assert verify(service, credential).json()["verified"] is True
    broken = copy.deepcopy(proof)
    broken.pop("proofPurpose")
    credential["proof"] = [proof, broken]
    answer = verify(service, credential)
    assert answer.status_code == 400
    assert answer.json()["errors"] == [
        {"check": "proof", "message": "proof[1]: the proof has no proofPurpose (or not as a string)"}
    ]


def test_options_checks_runs_only_those_checks(service):
    expired = attendance_credential(validFrom="2020-01-01T00:00:00Z", validUntil="2021-01-01T00:00:00Z")
    credential = (
        service.client(organizer=True)
        .post("/credentials/issue", json={"credential": expired})
        .json()["verifiableCredential"]
    )
    body = {"verifiableCredential": credential, "options": {"checks": ["proof"]}}
    answer = service.client().post("/credentials/verify", json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"verified": True, "checks": ["proof"], "warnings": [], "errors": []}
    body["options"]["checks"] = ["proof", "validity"]
    assert service.client().post("/credentials/verify", json=body).status_code == 400


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"checks": ["proof", "credentialSchema"]}, "checks"),
        ({"challenge": "c"}, "challenge"),
        ({"domain": "example.org"}, "domain"),
    ],
    ids=["unknown-check", "challenge", "domain"],
)
def test_verify_options_it_does_not_take_are_refused_by_name(service, signed, options, named):
    answer = service.client().post("/credentials/verify", json={"verifiableCredential": signed, "options": options})
    assert answer.status_code == 422, answer.text
    assert named in answer.json()["detail"][0]["loc"]


def test_the_verify_page_shows_a_failed_verdict_with_a_400(service, signed):
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["activityEndDate"] = "2026-11-20T21:00:00Z"
    page = service.client().post("/verify", data={"pasted": json.dumps(tampered)})
    assert page.status_code == 400
    assert "The signature does not hold" in page.text
    assert service.client().post("/verify", data={"pasted": json.dumps(signed)}).status_code == 200
