"""What an AnonCreds badge says and asks, and how the agent is pointed at a ledger. No agent."""

from datetime import UTC, date, datetime

import httpx
import pytest

from tests.agent.fake import FakeAgent
from vc_service.agent.client import AgentClient
from vc_service.agent.records import PresentationExchangeRecord
from vc_service.agent.supervisor import agent_command, agent_environment
from vc_service.anoncreds.credentials import credential_attributes, proof_request, proof_result
from vc_service.anoncreds.definitions import SCHEMA_ATTRIBUTES, AnonCredsSetupError, wait_for_revocation_registry
from vc_service.anoncreds.models import AnonCredsDefinition
from vc_service.badges.templates import MeetingFacts, TalkFacts
from vc_service.service_secrets import ServiceSecrets
from vc_service.settings import Settings

MEETING = MeetingFacts(
    "Journal club: sepsis",
    "journal-club",
    datetime(2026, 11, 20, 17, tzinfo=UTC),
    datetime(2026, 11, 20, 18, tzinfo=UTC),
)
DEFINITION = AnonCredsDefinition(
    kind="attendance",
    issuer_did="Th7MpTaRZVRYnPiabds81Y",
    schema_id="s",
    cred_def_id="Th7MpTaRZVRYnPiabds81Y:3:CL:7:badge",
)


def test_attendance_and_presenter_attributes_carry_the_meeting_and_a_date_number():
    attendance = credential_attributes("attendance", "Healthcare SIG", "Ada", meeting=MEETING)
    assert attendance == {
        "sig": "Healthcare SIG",
        "name": "Ada",
        "role": "attendee",
        "meeting": "Journal club: sepsis",
        "meeting_kind": "journal-club",
        "date": "2026-11-20",
        "date_number": "20261120",
    }
    presenter = credential_attributes(
        "presenter", "Healthcare SIG", "Ada", meeting=MEETING, talk=TalkFacts("Sepsis", "Ada")
    )
    assert list(presenter) == SCHEMA_ATTRIBUTES["presenter"] and presenter["talk_title"] == "Sepsis"
    membership = credential_attributes("membership", "Healthcare SIG", "Ada", valid_until=date(2027, 6, 30))
    assert membership["valid_until_number"] == "20270630" and membership["role"] == "member"


@pytest.mark.parametrize(
    ("kind", "facts"), [("attendance", {}), ("presenter", {"meeting": MEETING}), ("membership", {})]
)
def test_a_badge_without_its_facts_is_refused(kind, facts):
    with pytest.raises(ValueError):
        credential_attributes(kind, "SIG", "Ada", **facts)


def test_a_proof_request_reveals_the_facts_and_proves_the_date_by_a_predicate():
    request = proof_request("attendance", DEFINITION, since=date(2026, 11, 1), sig_name="Healthcare SIG")
    assert request["name"] == "Attendee of Healthcare SIG"  # what the wallet shows: the SIG, not the shared DID
    restriction = [{"cred_def_id": DEFINITION.cred_def_id}]
    assert request["requested_attributes"]["badge"] == {
        "names": ["sig", "name", "role", "meeting", "meeting_kind", "date"],
        "restrictions": restriction,
    }
    assert request["requested_predicates"]["since"] == {
        "name": "date_number",
        "p_type": ">=",
        "p_value": 20261101,
        "restrictions": restriction,
    }
    assert request["non_revoked"]["to"] >= request["non_revoked"]["from"] > 0
    assert proof_request("attendance", DEFINITION, since=None, sig_name="Healthcare SIG")["requested_predicates"] == {}


def test_proof_result_reads_the_verdict_and_the_revealed_values():
    record = {
        "pres_ex_id": "p1",
        "state": "done",
        "verified": "false",
        "by_format": {
            "pres": {
                "anoncreds": {
                    "requested_proof": {
                        "revealed_attr_groups": {
                            "badge": {"values": {"meeting": {"raw": "Journal club", "encoded": "1"}}}
                        }
                    }
                }
            }
        },
    }
    assert proof_result(PresentationExchangeRecord.model_validate(record)) == {
        "id": "p1",
        "state": "done",
        "verified": False,
        "revealed": {"meeting": "Journal club"},
        "error": None,
    }
    unanswered = PresentationExchangeRecord.model_validate({"pres_ex_id": "p2", "state": "request-sent"})
    assert proof_result(unanswered)["verified"] is None


def test_the_agent_runs_without_a_ledger_unless_a_genesis_is_set(tmp_path):
    secrets = ServiceSecrets.load_or_create(tmp_path)
    plain = Settings(data_dir=tmp_path, ledger_seed="000000000000000000000000Steward1")
    assert "--no-ledger" in agent_command(plain)
    assert "ACAPY_WALLET_SEED" not in agent_environment(plain, secrets, "http://127.0.0.1:8000/webhooks")

    on_ledger = Settings(
        data_dir=tmp_path,
        ledger_genesis="https://ledger.example.org/genesis",
        ledger_seed="000000000000000000000000Steward1",
        tails_server_url="http://127.0.0.1:6543",
    )
    command = " ".join(agent_command(on_ledger))
    assert "--no-ledger" not in command
    assert "--wallet-type askar-anoncreds --genesis-url https://ledger.example.org/genesis" in command
    assert "--tails-server-base-url http://127.0.0.1:6543 --tails-server-upload-url http://127.0.0.1:6543" in command
    assert "Steward1" not in command  # the seed is a secret: environment only
    assert agent_environment(on_ledger, secrets, "http://x")["ACAPY_WALLET_SEED"] == "000000000000000000000000Steward1"
    assert "--genesis-file /srv/pool_genesis" in " ".join(
        agent_command(on_ledger.model_copy(update={"ledger_genesis": "/srv/pool_genesis"}))
    )


def registry_agent(answers: list[int]) -> AgentClient:
    """An agent whose active-registry answers are these status codes, then 200."""

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == f"/anoncreds/revocation/active-registry/{DEFINITION.cred_def_id}"
        status = answers.pop(0) if answers else 200
        return httpx.Response(
            status, json={"result": {"state": "finished"}} if status == 200 else {"message": "No active registry"}
        )

    return AgentClient("http://agent.test", "key", timeout=1.0, transport=FakeAgent(handler))


async def test_the_service_waits_until_a_definition_can_issue():
    async with registry_agent([404, 404]) as agent:
        await wait_for_revocation_registry(agent, DEFINITION.cred_def_id, timeout=5)
    async with registry_agent([404] * 100) as agent:
        with pytest.raises(AnonCredsSetupError, match="no active revocation registry"):
            await wait_for_revocation_registry(agent, DEFINITION.cred_def_id, timeout=0.6)
