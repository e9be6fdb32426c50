"""POST /credentials/issue against the running service and its real agent."""

import copy

import pytest

from ..support import OB3_CONTEXT, VCDM2, attendance_credential


@pytest.fixture(scope="module")
def issuer_did(service) -> str:
    return service.client().get("/issuer").json()["did"]


def test_issues_an_open_badge_signed_by_the_sig(service, issuer_did):
    response = service.client(organizer=True).post("/credentials/issue", json={"credential": attendance_credential()})
    assert response.status_code == 201, response.text
    vc = response.json()["verifiableCredential"]
    assert vc["@context"][:2] == [VCDM2, OB3_CONTEXT]
    assert vc["issuer"]["id"] == issuer_did
    assert vc["issuer"]["type"] == ["Profile"]
    assert vc["id"].startswith("urn:uuid:")
    assert "validFrom" in vc
    assert vc["proof"]["type"] == "Ed25519Signature2020"
    assert vc["proof"]["verificationMethod"].startswith(issuer_did + "#")


def test_uses_the_sigs_own_context(service):
    sig_context = f"{service.url}/contexts/sig-credentials-v1.jsonld"
    credential = attendance_credential()
    credential["@context"].append(sig_context)
    credential["credentialSubject"]["meetingKind"] = "journal-club"
    response = service.client(organizer=True).post("/credentials/issue", json={"credential": credential})
    assert response.status_code == 201, response.text
    served = service.client().get("/contexts/sig-credentials-v1.jsonld")
    assert served.status_code == 200
    assert served.headers["content-type"] == "application/ld+json"
    assert "meetingKind" in served.json()["@context"]


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "not-the-key"}])
def test_refuses_callers_without_the_organizer_key(service, headers):
    response = service.client().post(
        "/credentials/issue", json={"credential": attendance_credential()}, headers=headers
    )
    assert response.status_code == 401
    assert "X-API-Key" in response.json()["detail"]


def test_unpinned_context_is_refused_naming_the_url(service):
    credential = attendance_credential()
    credential["@context"].append("https://example.org/unpinned/v1")
    response = service.client(organizer=True).post("/credentials/issue", json={"credential": credential})
    assert response.status_code == 422
    assert "https://example.org/unpinned/v1" in response.json()["detail"]


def test_unpinned_context_nested_in_an_inline_context_is_refused(service):
    credential = attendance_credential()
    credential["@context"].append({"Meeting": {"@id": "urn:x:Meeting", "@context": "https://example.org/nested/v1"}})
    response = service.client(organizer=True).post("/credentials/issue", json={"credential": credential})
    assert response.status_code == 422
    assert "https://example.org/nested/v1" in response.json()["detail"]


def test_foreign_issuer_is_refused(service):
    credential = attendance_credential(issuer="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
    response = service.client(organizer=True).post("/credentials/issue", json={"credential": credential})
    assert response.status_code == 422
    assert "issuer must be this SIG's DID" in response.json()["detail"]


def _without(path: str) -> dict:
    credential = attendance_credential()
    *parents, last = path.split(".")
    node = credential
    for key in parents:
        node = node[key]
    del node[last]
    return credential


@pytest.mark.parametrize(
    ("credential", "message"),
    [
        (_without("credentialSubject"), "credentialSubject"),
        (attendance_credential(type=["OpenBadgeCredential"]), "VerifiableCredential"),
        (attendance_credential(type=[1, "VerifiableCredential"]), "type"),
        (attendance_credential(**{"@context": ["https://www.w3.org/2018/credentials/v2"]}), "@context"),
        (_without("credentialSubject.achievement"), "achievement"),
        (_without("credentialSubject.achievement.criteria"), "criteria"),
        (attendance_credential(validFrom="yesterday"), "validFrom"),
        (attendance_credential(validFrom="2026-11-20T17:00:00Z", validUntil="2026-11-19T17:00:00Z"), "validUntil"),
        (attendance_credential(proof={"type": "Ed25519Signature2020"}), "proof"),
    ],
    ids=[
        "no-subject",
        "no-VerifiableCredential-type",
        "type-not-strings",
        "unknown-base-context",
        "no-achievement",
        "no-criteria",
        "bad-date",
        "ends-before-start",
        "already-signed",
    ],
)
def test_malformed_credentials_get_422_naming_the_problem(service, credential, message):
    response = service.client(organizer=True).post("/credentials/issue", json={"credential": credential})
    assert response.status_code == 422, response.text
    assert message in response.json()["detail"]


def test_undefined_term_is_a_422_from_the_agent_not_a_500(service):
    credential = attendance_credential()
    credential["credentialSubject"]["favouriteColour"] = "green"  # no pinned context defines it
    response = service.client(organizer=True).post("/credentials/issue", json={"credential": credential})
    assert response.status_code == 422, response.text
    assert "credentialSubject.favouriteColour" in response.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b'{"credential": "a string"}',
        b'{"credential": {}, "options": {"proofType": "RsaSignature2018"}}',
    ],
    ids=["malformed-json", "not-an-object", "credential-not-object", "unsupported-proof-type"],
)
def test_bad_request_bodies_get_422(service, body):
    response = service.client(organizer=True).post(
        "/credentials/issue", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"]


def test_the_input_credential_is_not_changed_by_issuing(service):
    credential = attendance_credential()
    before = copy.deepcopy(credential)
    service.client(organizer=True).post("/credentials/issue", json={"credential": credential})
    assert credential == before
