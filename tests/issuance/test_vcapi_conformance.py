"""POST /credentials/issue measured against VCDM 2.0/1.1 and VC-API, with the real agent."""

import copy

import pytest

from ..support import OB3_CONTEXT, VCDM2, attendance_credential

VCDM1 = "https://www.w3.org/2018/credentials/v1"
# VCDM 2.0's smallest credential: the example of issue 16.
PLAIN = {"@context": [VCDM2], "type": ["VerifiableCredential"], "credentialSubject": {"id": "did:example:a"}}
EDDSA_JCS = {"proofType": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022"}


@pytest.fixture(scope="module")
def issuer_did(service) -> str:
    return service.client().get("/issuer").json()["did"]


def issue(service, credential: dict, **options):
    return service.client(organizer=True).post(
        "/credentials/issue", json={"credential": credential, "options": options}
    )


def verify(service, credential: dict):
    return service.client().post("/credentials/verify", json={"verifiableCredential": credential})


@pytest.mark.parametrize("options", [{}, EDDSA_JCS], ids=["Ed25519Signature2020", "eddsa-jcs-2022"])
def test_a_plain_credential_is_signed_with_the_did_as_issuer_and_verifies(service, wallet, issuer_did, options):
    answer = issue(service, PLAIN, **options)
    assert answer.status_code == 201, answer.text
    signed = answer.json()["verifiableCredential"]
    assert signed["issuer"] == issuer_did  # no Profile terms the VC context does not define
    assert verify(service, signed).json()["verified"] is True
    if not options:
        with wallet.admin() as admin:
            assert (
                admin.post("/vc/credentials/verify", json={"verifiableCredential": signed}).json()["verified"] is True
            )


def test_an_issuer_given_as_an_object_stays_one(service, issuer_did):
    signed = issue(service, {**PLAIN, "issuer": {"id": issuer_did}}).json()["verifiableCredential"]
    assert signed["issuer"] == {"id": issuer_did}


def test_a_vcdm_1_1_plain_credential_is_signed_too(service, issuer_did):
    answer = issue(service, {**PLAIN, "@context": [VCDM1]})
    assert answer.status_code == 201, answer.text
    assert answer.json()["verifiableCredential"]["issuer"] == issuer_did


def test_an_open_badge_still_gets_the_sigs_profile(service, issuer_did):
    signed = issue(service, attendance_credential(), **EDDSA_JCS).json()["verifiableCredential"]
    assert signed["issuer"]["id"] == issuer_did and signed["issuer"]["type"] == ["Profile"]


def test_several_subjects_are_signed_when_the_agent_can(service):
    badge = attendance_credential()
    badge["credentialSubject"] = [badge["credentialSubject"], {**badge["credentialSubject"], "id": "did:example:b"}]
    answer = issue(service, badge)
    assert answer.status_code == 201, answer.text
    signed = answer.json()["verifiableCredential"]
    assert len(signed["credentialSubject"]) == 2 and verify(service, signed).json()["verified"] is True


def test_every_subject_of_an_open_badge_is_checked(service):
    badge = attendance_credential()
    badge["credentialSubject"] = [badge["credentialSubject"], {"id": "did:example:b"}]
    answer = issue(service, badge)
    assert answer.status_code == 422 and "AchievementSubject" in answer.json()["detail"]


def test_subjects_the_agent_cannot_sign_are_its_documented_502_not_a_500(service):
    """ACA-Py 1.7 fails (500) on a list of subjects that hold only an id; so does its own check
    of undefined terms, which the service runs to explain the failure: 502 naming the agent."""
    answer = issue(service, {**PLAIN, "credentialSubject": [{"id": "did:example:a"}, {"id": "did:example:b"}]})
    assert answer.status_code == 502, answer.text
    assert answer.json()["detail"].startswith("agent error:")


def test_related_resources_are_signed(service):
    related = [
        {"id": "https://example.org/a.json", "digestSRI": "sha384-abc"},
        {"id": "https://example.org/b.json", "digestMultibase": "uEiB"},
    ]
    answer = issue(service, {**PLAIN, "relatedResource": related})
    assert answer.status_code == 201, answer.text
    assert verify(service, answer.json()["verifiableCredential"]).json()["verified"] is True


def test_a_context_that_redefines_a_protected_term_is_422_naming_it(service):
    answer = issue(service, {**PLAIN, "@context": [VCDM2, {"VerifiableCredential": "https://example.org/VC"}]})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"] == "the JSON-LD contexts cannot be applied: protected term redefinition"


def _with(**fields) -> dict:
    return {**copy.deepcopy(PLAIN), **fields}


@pytest.mark.parametrize(
    ("credential", "field"),
    [
        (_with(**{"@context": [VCDM2, 42]}), "@context[1]"),
        (_with(**{"@context": [OB3_CONTEXT, VCDM2]}), "@context"),
        (_with(issuer=None), "issuer"),
        (_with(issuer=""), "issuer"),
        (_with(issuer={"name": "no id"}), "issuer"),
        (_with(type=[]), "type"),
        (_with(evidence=[{"id": "https://example.org/slides"}]), "evidence[0]"),
        (_with(evidence=[{}]), "evidence[0]"),
        (_with(termsOfUse={}), "termsOfUse"),
        (_with(termsOfUse=[{"id": "https://example.org/tou"}]), "termsOfUse[0]"),
        (_with(refreshService={"id": "https://example.org/refresh"}), "refreshService"),
        (_with(credentialSchema={"type": "JsonSchema"}), "credentialSchema"),
        (_with(credentialSchema=[{"id": "https://example.org/schema.json"}]), "credentialSchema[0]"),
        (_with(validFrom="2026-11-20T17:00:00"), "validFrom"),
        (_with(validFrom="2026-11-20 17:00:00Z"), "validFrom"),
        (_with(validUntil="20991120T170000Z"), "validUntil"),
        (_with(id="not a url"), "id"),
    ],
    ids=[
        "context-a-number",
        "first-context-not-vc",
        "issuer-null",
        "issuer-empty",
        "issuer-without-id",
        "empty-type",
        "evidence-without-type",
        "empty-evidence",
        "empty-terms-of-use",
        "terms-of-use-without-type",
        "refresh-service-without-type",
        "schema-without-id",
        "schema-without-type",
        "validFrom-without-zone",
        "validFrom-not-xsd",
        "validUntil-not-xsd",
        "id-not-url",
    ],
)
def test_what_vcdm_forbids_an_issuer_is_422_naming_the_field(service, credential, field):
    answer = issue(service, credential)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"].startswith(field), answer.json()["detail"]


def test_a_credential_status_entry_without_type_is_422_at_verify(service, signed_plain):
    changed = {**signed_plain, "credentialStatus": {"id": "https://example.org/status/1#3"}}
    answer = verify(service, changed)
    assert answer.status_code == 422 and answer.json()["detail"] == "credentialStatus needs a type"


@pytest.fixture(scope="module")
def signed_plain(service) -> dict:
    return issue(service, PLAIN).json()["verifiableCredential"]


def test_options_credential_id_names_the_credential(service):
    answer = issue(service, PLAIN, credentialId="urn:uuid:8a3c7f0e-2b1d-4e5f-9a6b-7c8d9e0f1a2b")
    assert answer.status_code == 201, answer.text
    assert answer.json()["verifiableCredential"]["id"] == "urn:uuid:8a3c7f0e-2b1d-4e5f-9a6b-7c8d9e0f1a2b"


@pytest.mark.parametrize(
    ("credential", "options", "named"),
    [
        (_with(id="urn:uuid:1"), {"credentialId": "urn:uuid:2"}, "options.credentialId differs"),
        (PLAIN, {"credentialId": "not a url"}, "id must be a URL"),
        (PLAIN, {"mandatoryPointers": ["/issuer"]}, "mandatoryPointers"),
        (PLAIN, {"challenge": "c"}, "challenge"),
        (PLAIN, {"domain": "example.org"}, "domain"),
    ],
    ids=["credentialId-and-id-differ", "credentialId-not-url", "mandatoryPointers", "challenge", "domain"],
)
def test_issue_options_are_taken_or_refused_by_name(service, credential, options, named):
    answer = issue(service, credential, **options)
    assert answer.status_code == 422, answer.text
    assert named in str(answer.json()["detail"])
