"""What each format answers, and the status changes it refuses."""

import asyncio
from datetime import UTC, datetime

import pytest

from vc_service.agent.records import CredentialExchangeRecord
from vc_service.badges.models import Badge
from vc_service.credentials.document import OB3_CONTEXT
from vc_service.formats.anoncreds import AnonCredsFormat, revoke_anoncreds_badge
from vc_service.formats.base import CannotChangeStatus, CannotSuspend, NotRevocable
from vc_service.formats.ld_proof import LdProofFormat
from vc_service.formats.ld_proof_requests import OB3_CREDENTIAL_IRI, presentation_definition
from vc_service.formats.models import FormatName
from vc_service.formats.registry import badge_format

LD_PROOF = LdProofFormat()
ANONCREDS = AnonCredsFormat()
REVOCATION = {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}
SUSPENSION = {"type": "BitstringStatusListEntry", "statusPurpose": "suspension"}


def test_an_open_badge_is_a_file_and_can_be_suspended():
    assert LD_PROOF.name == FormatName.LD_PROOF
    assert LD_PROOF.label == "Open Badges (JSON-LD)"
    assert LD_PROOF.can_be_file and LD_PROOF.can_suspend
    assert not LD_PROOF.needs_ledger and not LD_PROOF.issues_tallies
    assert LD_PROOF.note is None


def test_an_open_badge_is_suspendable_only_when_it_carries_a_suspension_entry():
    assert LD_PROOF.suspendable(Badge(credential={"credentialStatus": [REVOCATION, SUSPENSION]}))
    assert not LD_PROOF.suspendable(Badge(credential={"credentialStatus": REVOCATION}))


def test_an_anoncreds_badge_lives_only_in_a_wallet_and_cannot_be_suspended():
    assert ANONCREDS.name == FormatName.ANONCREDS
    assert ANONCREDS.label == "AnonCreds"
    assert not ANONCREDS.can_be_file and not ANONCREDS.can_suspend
    assert ANONCREDS.needs_ledger and ANONCREDS.proves_predicates and ANONCREDS.issues_tallies
    assert not ANONCREDS.suspendable(Badge(credential={"credentialStatus": [REVOCATION, SUSPENSION]}))


def test_an_anoncreds_badge_refuses_suspension_with_a_reason():
    badge = Badge(format=FormatName.ANONCREDS, state="issued", cred_ex_id="exchange-1")
    for action in ("suspend", "unsuspend"):
        with pytest.raises(CannotSuspend, match="revoked, not suspended"):
            asyncio.run(ANONCREDS.change_suspension(None, badge, action, "why", "organizer:a", None))  # type: ignore[arg-type]
    assert issubclass(CannotSuspend, CannotChangeStatus)


@pytest.mark.parametrize(
    ("badge", "refusal"),
    [
        (Badge(id=1, format=FormatName.LD_PROOF, state="issued", cred_ex_id="x"), "Open Badge"),
        (Badge(id=2, format=FormatName.ANONCREDS, state="offered", cred_ex_id="x"), "not issued"),
        (
            Badge(id=3, format=FormatName.ANONCREDS, state="issued", cred_ex_id="x", revoked_at=datetime.now(UTC)),
            "revoked already",
        ),
        (Badge(id=4, format=FormatName.ANONCREDS, state="issued", cred_ex_id=None), "no credential exchange"),
    ],
)
def test_anoncreds_revocation_refuses_what_it_cannot_revoke(badge, refusal):
    # Refused before anything reaches the agent or the session.
    with pytest.raises(NotRevocable, match=refusal):
        asyncio.run(revoke_anoncreds_badge(None, None, badge, "why", "organizer:a"))  # type: ignore[arg-type]


def test_a_second_format_keys_its_badges_apart_and_back():
    assert LD_PROOF.job_key("attendance:meeting:1") == "attendance:meeting:1"
    assert ANONCREDS.job_key("attendance:meeting:1") == "attendance:meeting:1:anoncreds"
    for fmt in (LD_PROOF, ANONCREDS):
        assert fmt.badge_key(fmt.job_key("presenter:talk:2")) == "presenter:talk:2"


def test_each_format_recognises_only_its_own_offers():
    ld_record = CredentialExchangeRecord.model_validate(
        {"cred_ex_id": "a", "by_format": {"cred_offer": {"ld_proof": {"credential": {"id": "urn:uuid:1"}}}}}
    )
    anoncreds_record = CredentialExchangeRecord.model_validate(
        {
            "cred_ex_id": "b",
            "by_format": {"cred_offer": {"anoncreds": {}}},
            "cred_offer": {"comment": "Badge urn:uuid:2"},
        }
    )
    assert LD_PROOF.offered_credential_id(ld_record) == "urn:uuid:1"
    assert LD_PROOF.offered_credential_id(anoncreds_record) is None
    assert ANONCREDS.offered_credential_id(anoncreds_record) == "urn:uuid:2"
    assert ANONCREDS.offered_credential_id(ld_record) is None


def test_the_registry_hands_out_these_formats():
    assert isinstance(badge_format(FormatName.LD_PROOF), LdProofFormat)
    assert isinstance(badge_format(FormatName.ANONCREDS), AnonCredsFormat)


def test_proof_requests_are_shaped_for_aca_py_and_credo_holders():
    definition = presentation_definition(
        "attended", "did:key:z6MkIssuer", datetime(2026, 1, 1, tzinfo=UTC), datetime.now(UTC)
    )
    (descriptor,) = definition["input_descriptors"]
    assert descriptor["schema"] == [{"uri": OB3_CREDENTIAL_IRI}, {"uri": OB3_CONTEXT, "required": False}]
    assert definition["format"] == {"ldp_vp": {"proof_type": ["Ed25519Signature2020"]}}
    filters = [field["filter"] for field in descriptor["constraints"]["fields"]]
    assert all("type" in found for found in filters if "const" in found)
