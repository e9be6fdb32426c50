"""The eddsa-jcs-2022 Data Integrity proof: an issuing option, accepted by the verifier."""

import copy

import pytest

from ..support import attendance_credential

EDDSA_JCS = {"proofType": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022"}


@pytest.fixture(scope="module")
def signed(service) -> dict:
    answer = service.client(organizer=True).post(
        "/credentials/issue", json={"credential": attendance_credential(), "options": EDDSA_JCS}
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["verifiableCredential"]


def test_the_credential_carries_an_eddsa_jcs_proof_by_the_sig(service, signed):
    did = service.client().get("/issuer").json()["did"]
    (proof,) = signed["proof"]  # ACA-Py writes the proof set as a list
    assert (proof["type"], proof["cryptosuite"], proof["proofPurpose"]) == (
        "DataIntegrityProof",
        "eddsa-jcs-2022",
        "assertionMethod",
    )
    assert proof["verificationMethod"] == f"{did}#{did.removeprefix('did:key:')}" and proof["proofValue"].startswith(
        "z"
    )
    assert {entry["statusPurpose"] for entry in signed["credentialStatus"]} == {"revocation", "suspension"}


def test_it_verifies_and_a_tampered_copy_does_not(service, signed):
    verdict = service.client().post("/credentials/verify", json={"verifiableCredential": signed}).json()
    assert verdict["verified"] is True and verdict["errors"] == [] and "proof" in verdict["checks"], verdict
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] = "Keynote speaker"
    verdict = service.client().post("/credentials/verify", json={"verifiableCredential": tampered}).json()
    assert verdict["verified"] is False and [e["check"] for e in verdict["errors"]] == ["proof"], verdict


def test_revocation_applies_to_it_too(service, signed):
    service.client(organizer=True).post(
        "/credentials/status", json={"credentialId": signed["id"], "action": "revoke", "reason": "test"}
    )
    verdict = service.client().post("/credentials/verify", json={"verifiableCredential": signed}).json()
    assert verdict["verified"] is False and [e["check"] for e in verdict["errors"]] == ["status"]


@pytest.mark.parametrize(
    "options, named",
    [
        ({"proofType": "DataIntegrityProof"}, "cryptosuite"),
        ({"proofType": "Ed25519Signature2020", "cryptosuite": "eddsa-jcs-2022"}, "cryptosuite"),
        ({"proofType": "DataIntegrityProof", "cryptosuite": "ecdsa-rdfc-2019"}, "eddsa-jcs-2022"),
    ],
)
def test_wrong_option_combinations_are_422(service, options, named):
    answer = service.client(organizer=True).post(
        "/credentials/issue", json={"credential": attendance_credential(), "options": options}
    )
    assert answer.status_code == 422 and named in answer.text


def test_a_vcdm_1_1_credential_is_refused_for_data_integrity(service):
    credential = attendance_credential(
        **{
            "@context": [
                "https://www.w3.org/2018/credentials/v1",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            ]
        }
    )
    credential["issuanceDate"] = "2026-11-20T18:00:00Z"
    answer = service.client(organizer=True).post(
        "/credentials/issue", json={"credential": credential, "options": EDDSA_JCS}
    )
    assert answer.status_code == 422 and "needs a VCDM 2.0 credential" in answer.json()["detail"]
