"""The eddsa-rdfc-2022 Data Integrity proof end to end: the agent signs through the service, the
service's verifier and an independent one (Digital Bazaar's, tests/node/) agree."""

import copy
import json
import subprocess

import pytest

from ..support import PROJECT_DIR, SHARED_CONTEXTS, VCDM2, attendance_credential

NODE_VERIFIER = PROJECT_DIR / "tests" / "node" / "verify-eddsa-rdfc-2022.mjs"


def node_verifies(credential: dict) -> dict:
    """Digital Bazaar's verdict, offline: the pinned Open Badges context from its files, the
    credentials v2 context as the JS library bundles it, the issuer's did:key as Multikey."""
    answer = subprocess.run(
        ["node", str(NODE_VERIFIER), str(SHARED_CONTEXTS)],
        input=json.dumps(credential),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert answer.returncode == 0, answer.stderr
    return json.loads(answer.stdout)


def plain_credential() -> dict:
    """Not a badge: VCDM 2.0 and its own terms (the SIG's issuer profile brings ``Profile``, ``url``)."""
    terms = {
        "memberOf": "https://schema.org/memberOf",
        "Profile": "https://schema.org/Organization",
        "url": {"@id": "https://schema.org/url", "@type": "@id"},
    }
    return {
        "@context": [VCDM2, terms],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:member-1", "memberOf": "Healthcare SIG"},
    }


@pytest.fixture(scope="module", params=["badge", "plain"])
def signed(request, service) -> dict:
    """An Open Badges 3.0 badge (options spelled as VC-API's ``type``) and a plain VCDM 2.0
    credential (the older ``proofType``)."""
    if request.param == "badge":
        credential, options = attendance_credential(), {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}
    else:
        credential, options = plain_credential(), {"proofType": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}
    answer = service.client(organizer=True).post(
        "/credentials/issue", json={"credential": credential, "options": options}
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["verifiableCredential"]


def tampered(credential: dict) -> dict:
    copied = copy.deepcopy(credential)
    copied["credentialSubject"]["id"] = "did:example:someone-else"
    return copied


def test_the_proof_is_eddsa_rdfc_by_the_sigs_key(service, signed):
    did = service.client().get("/issuer").json()["did"]
    (proof,) = signed["proof"]
    assert (proof["type"], proof["cryptosuite"], proof["proofPurpose"]) == (
        "DataIntegrityProof",
        "eddsa-rdfc-2022",
        "assertionMethod",
    )
    assert proof["verificationMethod"] == f"{did}#{did.removeprefix('did:key:')}" and proof["proofValue"].startswith(
        "z"
    )


def test_an_independent_implementation_verifies_it_and_not_a_tampered_copy(signed):
    assert node_verifies(signed) == {"verified": True}
    verdict = node_verifies(tampered(signed))
    assert verdict["verified"] is False and "Invalid signature" in verdict["error"], verdict


def test_the_service_verifies_it_and_not_a_tampered_copy(service, signed):
    verdict = service.client().post("/credentials/verify", json={"verifiableCredential": signed}).json()
    assert verdict["verified"] is True and verdict["errors"] == [] and "proof" in verdict["checks"], verdict
    verdict = service.client().post("/credentials/verify", json={"verifiableCredential": tampered(signed)}).json()
    assert verdict["verified"] is False and verdict["errors"] == [
        {"check": "proof", "message": "Invalid signature."}
    ], verdict


def test_a_term_no_context_defines_is_refused_with_a_4xx_naming_it(service):
    credential = attendance_credential()
    credential["credentialSubject"]["favouriteColour"] = "green"
    answer = service.client(organizer=True).post(
        "/credentials/issue",
        json={"credential": credential, "options": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}},
    )
    assert answer.status_code in (400, 422) and "favouriteColour" in answer.text, answer.text
