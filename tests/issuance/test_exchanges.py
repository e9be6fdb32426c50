"""The badge state machine driven by credential exchange records (webhooks or reconciliation)."""

from datetime import UTC, datetime

import pytest

from vc_service.agent.records import CredentialExchangeRecord
from vc_service.badges.models import Badge
from vc_service.issuance.exchanges import RETRY_DELAYS, apply_exchange_record, schedule_retry
from vc_service.issuance.offers import offered_credential_id


def badge(**fields) -> Badge:
    return Badge(state="pending", attempts=0, credential_id="urn:uuid:1", **fields)


def record(state: str, **extra) -> CredentialExchangeRecord:
    return CredentialExchangeRecord.model_validate({"cred_ex_id": "ex", "state": state, **extra})


@pytest.mark.parametrize(
    ("states", "final"),
    [
        (["offer-sent"], "offered"),
        (["offer-sent", "request-received", "credential-issued"], "offered"),  # sent, not yet stored
        (["offer-sent", "request-received", "credential-issued", "done"], "issued"),
        (["offer-sent", "done"], "issued"),
        (["done", "offer-sent"], "issued"),  # a late webhook never moves a badge back
        (["offer-sent", "abandoned"], "failed"),
    ],
)
def test_states_follow_the_exchange(states, final):
    subject = badge()
    for state in states:
        apply_exchange_record(subject, record(state))
    assert subject.state == final


def test_an_issued_exchange_keeps_the_signed_credential():
    subject = badge()
    signed = {"id": "urn:uuid:1", "proof": {"type": "Ed25519Signature2020"}}
    apply_exchange_record(subject, record("credential-issued", by_format={"cred_issue": {"ld_proof": signed}}))
    assert (subject.state, subject.credential) == ("offered", signed)
    apply_exchange_record(subject, record("done"))
    assert (subject.state, subject.credential, subject.delivery) == ("issued", signed, "didcomm")
    assert subject.issued_at is not None


def test_an_abandoned_exchange_is_retried_with_growing_delays_then_given_up():
    subject = badge(cred_ex_id="ex")
    now = datetime(2026, 11, 20, tzinfo=UTC)
    for delay in RETRY_DELAYS:
        schedule_retry(subject, "wallet said no", now)
        assert subject.next_attempt_at == now + delay
        assert (subject.state, subject.failure_reason, subject.cred_ex_id) == ("failed", "wallet said no", None)
    schedule_retry(subject, "wallet said no", now)
    assert subject.next_attempt_at is None  # given up: shown as failed with its reason


def test_the_offered_credential_id_is_read_from_the_record():
    offer = {"cred_ex_id": "ex", "by_format": {"cred_offer": {"ld_proof": {"credential": {"id": "urn:uuid:9"}}}}}
    assert offered_credential_id(CredentialExchangeRecord.model_validate(offer)) == "urn:uuid:9"
    assert offered_credential_id(CredentialExchangeRecord(cred_ex_id="ex")) is None
