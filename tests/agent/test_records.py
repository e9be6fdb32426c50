"""ACA-Py 1.7 records parsed at the client and webhook boundary: payloads shaped as the agent sends
them (the records' ``serialize()``: protocols/issue_credential/v2_0/models/cred_ex_record.py,
present_proof/v2_0/models/pres_exchange.py, connections/models/conn_record.py)."""

import pytest
from pydantic import ValidationError

from vc_service.agent.records import (
    ConnectionRecord,
    CredentialExchangeDetail,
    CredentialExchangeRecord,
    PresentationExchangeRecord,
    ProblemReport,
    webhook_payload,
)
from vc_service.issuance.offers import offered_credential_id

CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    "id": "urn:uuid:6f0e0d0c-1b2a-4c3d-8e9f-0a1b2c3d4e5f",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "did:key:z6MkSig", "type": ["Profile"], "name": "Healthcare SIG"},
    "credentialSubject": {"id": "did:key:z6MkMember", "type": ["AchievementSubject"]},
}
SIGNED = {**CREDENTIAL, "proof": {"type": "Ed25519Signature2020", "proofValue": "z3FXQ"}}

LD_PROOF_EXCHANGE = {
    "state": "done",
    "created_at": "2026-11-20 17:00:00.000000Z",
    "updated_at": "2026-11-20 17:00:02.000000Z",
    "trace": False,
    "cred_ex_id": "9b1f0c5e-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
    "connection_id": "c2d1e0f9-8a7b-4c6d-9e5f-4a3b2c1d0e9f",
    "thread_id": "5e4d3c2b-1a09-4f8e-9d7c-6b5a49382716",
    "initiator": "self",
    "role": "issuer",
    "cred_offer": {
        "@type": "https://didcomm.org/issue-credential/2.0/offer-credential",
        "@id": "5e4d3c2b-1a09-4f8e-9d7c-6b5a49382716",
        "formats": [{"attach_id": "ld_proof", "format": "aries/ld-proof-vc-detail@v1.0"}],
        "offers~attach": [{"@id": "ld_proof", "mime-type": "application/json", "data": {"base64": "e30="}}],
    },
    "by_format": {
        "cred_offer": {"ld_proof": {"credential": CREDENTIAL, "options": {"proofType": "Ed25519Signature2020"}}},
        "cred_request": {"ld_proof": {"credential": CREDENTIAL, "options": {"proofType": "Ed25519Signature2020"}}},
        "cred_issue": {"ld_proof": SIGNED},
    },
    "auto_offer": False,
    "auto_issue": True,
    "auto_remove": False,
}

ANONCREDS_EXCHANGE = {
    "state": "offer-sent",
    "cred_ex_id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    "connection_id": "c2d1e0f9-8a7b-4c6d-9e5f-4a3b2c1d0e9f",
    "role": "issuer",
    "cred_preview": {"attributes": [{"name": "meeting", "value": "Journal club"}]},
    "cred_offer": {"@type": "https://didcomm.org/issue-credential/2.0/offer-credential", "comment": "Badge urn:uuid:7"},
    "by_format": {
        "cred_offer": {
            "anoncreds": {
                "schema_id": "Th7MpTaRZVRYnPiabds81Y:2:attendance:1.0",
                "cred_def_id": "Th7MpTaRZVRYnPiabds81Y:3:CL:8:default",
                "nonce": "1234567890",
                "key_correctness_proof": {"c": "1", "xz_cap": "2", "xr_cap": []},
            }
        }
    },
}

PRESENTATION = {
    "@context": ["https://www.w3.org/2018/credentials/v1"],
    "type": ["VerifiablePresentation"],
    "holder": "did:key:z6MkMember",
    "verifiableCredential": [SIGNED],
    "proof": {"type": "Ed25519Signature2020", "verificationMethod": "did:key:z6MkMember#z6MkMember"},
}

PRESENTATION_EXCHANGE = {
    "state": "done",
    "pres_ex_id": "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
    "connection_id": None,
    "thread_id": "8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d",
    "initiator": "self",
    "role": "verifier",
    "verified": "true",
    "verified_msgs": [],
    "pres_request": {"@type": "https://didcomm.org/present-proof/2.0/request-presentation"},
    "by_format": {
        "pres_request": {"dif": {"options": {"challenge": "c"}, "presentation_definition": {"id": "d"}}},
        "pres": {"dif": PRESENTATION},
    },
    "auto_present": False,
    "auto_verify": True,
    "auto_remove": False,
}

ANONCREDS_PROOF = {
    "proof": {"proofs": [], "aggregated_proof": {}},
    "requested_proof": {
        "revealed_attrs": {},
        "revealed_attr_groups": {
            "badge": {"sub_proof_index": 0, "values": {"meeting": {"raw": "Journal club", "encoded": "1"}}}
        },
        "self_attested_attrs": {},
        "unrevealed_attrs": {},
        "predicates": {"since": {"sub_proof_index": 0}},
    },
    "identifiers": [{"schema_id": "s", "cred_def_id": "d", "rev_reg_id": "r", "timestamp": 1}],
}

CONNECTION = {
    "state": "active",
    "rfc23_state": "completed",
    "connection_id": "c2d1e0f9-8a7b-4c6d-9e5f-4a3b2c1d0e9f",
    "my_did": "did:peer:4zQmMine",
    "their_did": "did:peer:4zQmTheirs",
    "their_label": "Member's wallet",
    "their_role": "invitee",
    "alias": "member:12",
    "invitation_msg_id": "3c2b1a09-8f7e-4d6c-9b5a-493827160f1e",
    "accept": "auto",
    "connection_protocol": "didexchange/1.1",
}

PROBLEM_REPORT = {
    "@type": "https://didcomm.org/present-proof/2.0/problem-report",
    "@id": "7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2910",
    "~thread": {"thid": "8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d"},
    "description": {"en": "No matching credentials", "code": "abandoned"},
}


def test_an_ld_proof_exchange_gives_the_offered_and_the_signed_credential():
    record = CredentialExchangeRecord.model_validate(LD_PROOF_EXCHANGE)
    assert (record.cred_ex_id, record.state, record.connection_id) == (
        LD_PROOF_EXCHANGE["cred_ex_id"],
        "done",
        CONNECTION["connection_id"],
    )
    assert record.by_format.cred_issue.ld_proof == SIGNED  # the document stays a dict, whole
    assert offered_credential_id(record) == CREDENTIAL["id"]


def test_an_anoncreds_exchange_names_its_badge_in_the_offers_comment():
    record = CredentialExchangeRecord.model_validate(ANONCREDS_EXCHANGE)
    assert record.by_format.cred_offer.ld_proof is None
    assert record.by_format.cred_offer.anoncreds is not None
    assert record.by_format.cred_offer.anoncreds["cred_def_id"].endswith(":CL:8:default")
    assert record.by_format.cred_issue.ld_proof is None
    assert offered_credential_id(record) == "urn:uuid:7"


def test_the_exchange_detail_carries_the_anoncreds_revocation_ids():
    detail = CredentialExchangeDetail.model_validate(
        {
            "cred_ex_record": {**ANONCREDS_EXCHANGE, "state": "done"},
            "ld_proof": None,
            "anoncreds": {
                "cred_ex_anoncreds_id": "a",
                "cred_ex_id": ANONCREDS_EXCHANGE["cred_ex_id"],
                "rev_reg_id": "Th7MpTaRZVRYnPiabds81Y:4:Th7MpTaRZVRYnPiabds81Y:3:CL:8:default:CL_ACCUM:0",
                "cred_rev_id": "3",
            },
        }
    )
    assert detail.cred_ex_record.state == "done"
    assert detail.anoncreds is not None and detail.anoncreds.cred_rev_id == "3"
    assert CredentialExchangeDetail.model_validate({"cred_ex_record": LD_PROOF_EXCHANGE}).anoncreds is None


def test_a_presentation_exchange_gives_the_presentation_or_the_anoncreds_proof():
    record = PresentationExchangeRecord.model_validate(PRESENTATION_EXCHANGE)
    assert (record.role, record.state, record.verified, record.connection_id) == ("verifier", "done", "true", None)
    assert record.by_format.pres.dif == PRESENTATION
    assert record.by_format.pres.anoncreds is None

    anoncreds = PresentationExchangeRecord.model_validate(
        {**PRESENTATION_EXCHANGE, "by_format": {"pres": {"anoncreds": ANONCREDS_PROOF}}}
    )
    proof = anoncreds.by_format.pres.anoncreds
    assert proof is not None and anoncreds.by_format.pres.dif is None
    assert proof.requested_proof.revealed_attr_groups["badge"].values["meeting"].raw == "Journal club"
    assert proof.requested_proof.predicates["since"].sub_proof_index == 0


def test_a_connection_record():
    record = ConnectionRecord.model_validate(CONNECTION)
    assert (record.connection_id, record.state, record.alias, record.their_did) == (
        CONNECTION["connection_id"],
        "active",
        "member:12",
        "did:peer:4zQmTheirs",
    )


def test_a_problem_report_names_its_thread_and_reason():
    report = ProblemReport.model_validate(PROBLEM_REPORT)
    assert (report.thread_id, report.text) == ("8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d", "No matching credentials")
    bare = ProblemReport.model_validate({"@type": "https://didcomm.org/notification/1.0/problem-report"})
    assert (bare.thread_id, bare.text) == (None, None)


@pytest.mark.parametrize(
    ("topic", "payload", "model"),
    [
        ("connections", CONNECTION, ConnectionRecord),
        ("issue_credential_v2_0", LD_PROOF_EXCHANGE, CredentialExchangeRecord),
        ("issue_credential_v2_0", ANONCREDS_EXCHANGE, CredentialExchangeRecord),
        ("present_proof_v2_0", PRESENTATION_EXCHANGE, PresentationExchangeRecord),
        ("problem_report", PROBLEM_REPORT, ProblemReport),
        ("message_refused", PROBLEM_REPORT, ProblemReport),
    ],
)
def test_each_webhook_topic_is_parsed_as_its_record(topic, payload, model):
    assert isinstance(webhook_payload(topic, payload), model)


def test_topics_the_controller_does_not_act_on_are_not_parsed():
    assert webhook_payload("issue_credential_v2_0_ld_proof", {"cred_ex_ld_proof_id": "d", "state": "done"}) is None
    assert webhook_payload("ping", {"junk": [1, 2]}) is None


@pytest.mark.parametrize(
    ("topic", "payload"),
    [
        ("present_proof_v2_0", {"state": "done", "role": "verifier", "pres_ex_id": {"not": "an id"}}),
        ("issue_credential_v2_0", {"state": "done"}),  # no exchange named
        ("connections", {"alias": "member:1", "connection_id": 7}),
        ("problem_report", {"description": "not an object"}),
        ("issue_credential_v2_0", {"cred_ex_id": "x", "by_format": {"cred_issue": []}}),
    ],
)
def test_junk_payloads_are_refused(topic, payload):
    with pytest.raises(ValidationError):
        webhook_payload(topic, payload)
