"""The SIG's badge formats and what they make: badge rows per format, the attendance tally,
the worker's AnonCreds offers and their recovery after a crash. On both databases; the agent is
a stand-in that records what it is asked (tests/anoncreds/test_formats_end_to_end.py uses real ones)."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from vc_service.agent.records import CredentialExchangeRecord, PresentationExchangeRecord
from vc_service.anoncreds.credentials import proof_request, proof_result
from vc_service.anoncreds.definitions import SCHEMA_ATTRIBUTES, SigDefinitions
from vc_service.anoncreds.models import AnonCredsDefinition
from vc_service.anoncreds.tally import Tally
from vc_service.audit.models import AuditEvent
from vc_service.badges.models import Badge
from vc_service.claims.door import check_in
from vc_service.claims.page import badge_label
from vc_service.db.base import utcnow
from vc_service.formats.anoncreds import revoke_anoncreds_badge
from vc_service.formats.base import NotRevocable
from vc_service.formats.choice import FormatUnavailable, badge_formats, chosen_formats, set_badge_formats
from vc_service.issuance.badge_credentials import didcomm_builder
from vc_service.issuance.jobs import start_meeting_job
from vc_service.issuance.offers import offered_credential_id
from vc_service.issuer.identity import Issuer, Issuers
from vc_service.meetings.models import Attendance, Meeting, Talk
from vc_service.members.models import Member
from vc_service.settings import Settings
from vc_service.sig.models import Sig
from vc_service.status.models import StatusChange
from vc_service.webhooks.dispatch import WebhookDispatcher

DEFINITIONS = {
    kind: AnonCredsDefinition(
        kind=kind, issuer_did="Th7MpTaRZVRYnPiabds81Y", schema_id=f"s-{kind}", cred_def_id=f"cd-{kind}"
    )
    for kind in ("membership", "attendance", "presenter", "participation")
}


def test_formats_are_checked_and_put_in_order():
    assert chosen_formats(["anoncreds", "ld_proof", "anoncreds"], anoncreds_problem=None) == ["ld_proof", "anoncreds"]
    with pytest.raises(FormatUnavailable, match="no ledger here"):
        chosen_formats(["ld_proof", "anoncreds"], anoncreds_problem="no ledger here")
    assert chosen_formats(["ld_proof"], anoncreds_problem="no ledger here") == ["ld_proof"]
    with pytest.raises(ValueError, match="unknown badge format jwt"):
        chosen_formats(["jwt"], anoncreds_problem=None)
    with pytest.raises(ValueError, match="at least one"):
        chosen_formats([], anoncreds_problem=None)


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T17:00:00+00:00")


async def seed(sessions, formats: list[str]) -> dict:
    """Ada attended a 2025 meeting and three of 2026, presenting at the last; Ben only the last."""
    async with sessions() as session:
        sig = Sig(name="Healthcare SIG", slug="healthcare-sig", badge_formats=formats)
        session.add(sig)
        await session.flush()
        meetings = [
            Meeting(
                sig_id=sig.id,
                kind="general",
                title=f"Meeting {day}",
                starts_at=at(day),
                ends_at=at(day) + timedelta(hours=1),
            )
            for day in ("2025-12-04", "2026-09-10", "2026-10-08", "2026-11-05")
        ]
        ada = Member(
            sig_id=sig.id,
            name="Ada",
            email="ada@example.org",
            claim_token_hash="ada",
            connection_id="c-ada",
            connection_state="active",
        )
        ben = Member(
            sig_id=sig.id,
            name="Ben",
            email="ben@example.org",
            claim_token_hash="ben",
            connection_id="c-ben",
            connection_state="active",
        )
        session.add_all([*meetings, ada, ben])
        await session.flush()
        session.add_all(Attendance(meeting_id=meeting.id, member_id=ada.id, source="roster") for meeting in meetings)
        session.add(Attendance(meeting_id=meetings[-1].id, member_id=ben.id, source="roster"))
        session.add(Talk(meeting_id=meetings[-1].id, title="Fluids", presenter_id=ada.id))
        await session.commit()
        return {"sig": sig.id, "meetings": [meeting.id for meeting in meetings], "ada": ada.id, "ben": ben.id}


async def badges_of(session, meeting_id: int | None = None) -> list[tuple]:
    query = select(Badge.member_id, Badge.kind, Badge.format, Badge.badge_key).order_by(
        Badge.member_id, Badge.kind, Badge.format
    )
    if meeting_id is not None:
        query = query.where(Badge.meeting_id == meeting_id)
    return [tuple(row) for row in (await session.execute(query)).all()]


async def test_issue_all_makes_each_badge_once_per_format_with_the_tally(sessions):
    ids = await seed(sessions, ["ld_proof", "anoncreds"])
    last = ids["meetings"][-1]
    async with sessions() as session:
        meeting = await session.get(Meeting, last)
        _job, added = await start_meeting_job(session, meeting)
        assert added == 8
        ada, ben = ids["ada"], ids["ben"]
        assert await badges_of(session, last) == [
            (ada, "attendance", "anoncreds", f"attendance:meeting:{last}:anoncreds"),
            (ada, "attendance", "ld_proof", f"attendance:meeting:{last}"),
            (ada, "participation", "anoncreds", "participation:2026:3:anoncreds"),  # the 2025 meeting is another year
            (ada, "presenter", "anoncreds", "presenter:talk:1:anoncreds"),
            (ada, "presenter", "ld_proof", "presenter:talk:1"),
            (ben, "attendance", "anoncreds", f"attendance:meeting:{last}:anoncreds"),
            (ben, "attendance", "ld_proof", f"attendance:meeting:{last}"),
            (ben, "participation", "anoncreds", "participation:2026:1:anoncreds"),
        ]
        tally = await session.scalar(select(Badge).where(Badge.member_id == ada, Badge.kind == "participation"))
        assert Tally.from_values(tally.credential) == Tally(date(2026, 1, 1), date(2026, 11, 5), 3)

        assert (await start_meeting_job(session, meeting))[1] == 0  # a second "issue all" adds nothing
        earlier = await session.get(Meeting, ids["meetings"][1])
        assert (await start_meeting_job(session, earlier))[1] == 3  # Ada: both attendance formats, tally of 1
        assert (await start_meeting_job(session, earlier))[1] == 0


async def test_json_ld_only_is_the_default_and_changes_are_audited(sessions):
    ids = await seed(sessions, ["ld_proof"])
    async with sessions() as session:
        _job, added = await start_meeting_job(session, await session.get(Meeting, ids["meetings"][-1]))
        assert added == 3 and {row[2] for row in await badges_of(session)} == {"ld_proof"}
        with pytest.raises(FormatUnavailable, match="need a Hyperledger Indy ledger"):
            await set_badge_formats(session, ids["sig"], ["anoncreds"], None, actor="organizer:a@example.org")
        definitions = SigDefinitions(sessions, RecordingAgent())
        assert await set_badge_formats(
            session, ids["sig"], ["anoncreds"], definitions, actor="organizer:a@example.org"
        ) == ["anoncreds"]
        assert set(await definitions.of(ids["sig"])) == set(SCHEMA_ATTRIBUTES)  # registered before the choice is kept
    async with sessions() as session:
        assert await badge_formats(session, ids["sig"]) == ["anoncreds"]
        event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "sig.badge_formats"))
        assert (event.actor, event.detail) == ("organizer:a@example.org", {"formats": ["anoncreds"]})
    async with sessions() as session:
        sig = Sig(name="Fresh SIG", slug="fresh-sig")  # a SIG made without a choice issues Open Badges
        session.add(sig)
        await session.commit()
        assert await badge_formats(session, sig.id) == ["ld_proof"]


async def test_door_check_in_gives_both_formats_and_the_tally_once(sessions):
    ids = await seed(sessions, ["ld_proof", "anoncreds"])
    async with sessions() as session:
        meeting = await session.get(Meeting, ids["meetings"][2])
        for _scan in range(2):
            member, _claim_token = await check_in(session, "claim-key", meeting, "Cy Door", "cy@example.org")
        assert [row[1:3] for row in await badges_of(session, meeting.id)] == [
            ("attendance", "anoncreds"),
            ("attendance", "ld_proof"),
            ("participation", "anoncreds"),
        ]
        tally = await session.scalar(select(Badge).where(Badge.member_id == member.id, Badge.kind == "participation"))
        assert tally.credential["meetings_attended"] == "1"


class RecordingAgent:
    """Answers AnonCreds offers like an agent and lists the exchanges it made; registers schemas
    and credential definitions as on a ledger (ids shaped as Indy's)."""

    def __init__(self) -> None:
        self.records: list[dict] = []
        self.schema_ids: list[str] = []
        self.cred_def_ids: list[str] = []

    async def public_did(self) -> str:
        return "Th7MpTaRZVRYnPiabds81Y"

    async def find_schema_ids(self, issuer_id, name, version) -> list[str]:
        return [schema_id for schema_id in self.schema_ids if schema_id == f"{issuer_id}:2:{name}:{version}"]

    async def register_schema(self, issuer_id, name, version, attributes) -> str:
        self.schema_ids.append(f"{issuer_id}:2:{name}:{version}")
        return self.schema_ids[-1]

    async def find_credential_definition_ids(self, issuer_id, schema_id) -> list[str]:
        sequence = self.schema_ids.index(schema_id) + 1
        return [found for found in self.cred_def_ids if found.startswith(f"{issuer_id}:3:CL:{sequence}:")]

    async def register_credential_definition(self, issuer_id, schema_id, tag, registry_size) -> str:
        self.cred_def_ids.append(f"{issuer_id}:3:CL:{self.schema_ids.index(schema_id) + 1}:{tag}")
        return self.cred_def_ids[-1]

    async def has_active_revocation_registry(self, cred_def_id) -> bool:
        return True

    async def offer_anoncreds_credential(
        self, connection_id, cred_def_id, attributes, comment=None
    ) -> CredentialExchangeRecord:
        record = {
            "cred_ex_id": str(uuid.uuid4()),
            "state": "offer-sent",
            "connection_id": connection_id,
            "cred_offer": {"comment": comment},
            "by_format": {"cred_offer": {"anoncreds": {"cred_def_id": cred_def_id}}},
            "attributes": attributes,
        }
        self.records.append(record)
        return CredentialExchangeRecord.model_validate(record)

    async def list_credential_exchanges(self, connection_id: str) -> list[CredentialExchangeRecord]:
        return [
            CredentialExchangeRecord.model_validate(record)
            for record in self.records
            if record["connection_id"] == connection_id
        ]


def worker(sessions, agent, sig_id: int, definitions) -> WebhookDispatcher:
    issuer = Issuer(
        sig_id=sig_id, slug="healthcare-sig", did="did:key:z6MkSig", name="Healthcare SIG", url=None, description=""
    )
    issuers = Issuers(sessions, agent, Settings(), [issuer])
    return WebhookDispatcher(
        sessions, agent, didcomm_builder(issuers, "http://sig.test", definitions), offer_timeout=120, claim_timeout=30
    )


async def test_the_worker_offers_anoncreds_badges_with_their_values_and_adopts_an_offer_after_a_crash(sessions):
    ids = await seed(sessions, ["anoncreds"])
    async with sessions() as session:
        await start_meeting_job(session, await session.get(Meeting, ids["meetings"][-1]))
        crashed = await session.scalar(select(Badge).where(Badge.member_id == ids["ben"], Badge.kind == "attendance"))
        crashed.sending_since = utcnow() - timedelta(seconds=31)  # claimed by a worker that died after offering
        await session.commit()
    agent = RecordingAgent()
    definitions = SigDefinitions(sessions, agent)
    registered = await definitions.ensure(ids["sig"], "healthcare-sig")
    sent_before_crash = await agent.offer_anoncreds_credential(
        "c-ben", registered["attendance"].cred_def_id, {}, comment=f"Badge {crashed.credential_id}"
    )
    assert offered_credential_id(sent_before_crash) == crashed.credential_id

    running = worker(sessions, agent, ids["sig"], definitions)
    await running.release_stale_claims()
    while await running.offer_due_badges():
        pass
    async with sessions() as session:
        badges = list(await session.scalars(select(Badge).order_by(Badge.id)))
        assert {badge.state for badge in badges} == {"offered"} and len(badges) == 5
        assert (await session.get(Badge, crashed.id)).cred_ex_id == sent_before_crash.cred_ex_id  # adopted, not resent
        assert len(agent.records) == 5
        for badge in badges:
            record = next(record for record in agent.records if record["cred_ex_id"] == badge.cred_ex_id)
            assert offered_credential_id(CredentialExchangeRecord.model_validate(record)) == badge.credential_id
            assert record["by_format"]["cred_offer"]["anoncreds"]["cred_def_id"] == registered[badge.kind].cred_def_id
        presenter = next(badge for badge in badges if badge.kind == "presenter")
        offered = next(record for record in agent.records if record["cred_ex_id"] == presenter.cred_ex_id)["attributes"]
        assert (offered["talk_title"], offered["date_number"], offered["role"]) == ("Fluids", "20261105", "presenter")
        assert presenter.credential == offered  # the organizer sees what the wallet was offered


def ids_of(definitions: dict[str, AnonCredsDefinition]) -> dict[str, str]:
    return {kind: definition.cred_def_id for kind, definition in definitions.items()}


async def test_each_sig_has_its_own_definitions_under_the_shared_schemas_registered_once(sessions):
    agent = RecordingAgent()
    async with sessions() as session:
        first, second = Sig(name="First SIG", slug="first-sig"), Sig(name="Second SIG", slug="second-sig")
        session.add_all([first, second])
        await session.commit()
    definitions = SigDefinitions(sessions, agent)
    assert await definitions.of(first.id) is None  # nothing registered by reading
    firsts = await definitions.ensure(first.id, "first-sig")
    seconds = await definitions.ensure(second.id, "second-sig")
    assert len(agent.schema_ids) == len(SCHEMA_ATTRIBUTES) and len(agent.cred_def_ids) == 2 * len(SCHEMA_ATTRIBUTES)
    for kind in SCHEMA_ATTRIBUTES:
        assert firsts[kind].schema_id == seconds[kind].schema_id
        assert (firsts[kind].cred_def_id.rsplit(":", 1)[1], seconds[kind].cred_def_id.rsplit(":", 1)[1]) == (
            "first-sig",
            "second-sig",
        )
    assert ids_of(await definitions.ensure(second.id, "second-sig")) == ids_of(seconds)
    assert len(agent.cred_def_ids) == 2 * len(SCHEMA_ATTRIBUTES)
    # Another controller reads them from the database, without writing to the ledger.
    assert ids_of(await SigDefinitions(sessions, RecordingAgent()).of(second.id)) == ids_of(seconds)
    # A database restored without its rows finds the SIG's definitions among the agent's, by tag.
    async with sessions() as session:
        for row in await session.scalars(select(AnonCredsDefinition)):
            await session.delete(row)
        await session.commit()
    assert ids_of(await SigDefinitions(sessions, agent).ensure(first.id, "first-sig")) == ids_of(firsts)
    assert len(agent.cred_def_ids) == 2 * len(SCHEMA_ATTRIBUTES)


async def test_without_a_ledger_anoncreds_badges_wait_with_the_reason(sessions):
    ids = await seed(sessions, ["anoncreds"])
    async with sessions() as session:
        await start_meeting_job(session, await session.get(Meeting, ids["meetings"][-1]))
    agent = RecordingAgent()
    await worker(sessions, agent, ids["sig"], None).offer_due_badges()
    async with sessions() as session:
        badges = list(await session.scalars(select(Badge)))
        assert {badge.state for badge in badges} == {"failed"} and not agent.records
        assert "need a Hyperledger Indy ledger" in badges[0].failure_reason and badges[0].next_attempt_at is not None


def test_the_tally_proof_asks_two_predicates_and_needs_them_from_one_credential():
    request = proof_request(
        "participation", DEFINITIONS["participation"], date(2026, 3, 1), min_meetings=3, sig_name="SIG"
    )
    assert request["requested_attributes"]["badge"]["names"] == ["name"]
    predicates = request["requested_predicates"]
    assert (predicates["meetings"]["name"], predicates["meetings"]["p_value"]) == ("meetings_attended", 3)
    assert (predicates["since"]["name"], predicates["since"]["p_value"]) == ("counted_since_number", 20260301)
    with pytest.raises(ValueError, match="since and min_meetings"):
        proof_request("participation", DEFINITIONS["participation"], None, min_meetings=3, sig_name="SIG")

    def answered(first: int, second: int) -> PresentationExchangeRecord:
        proof = {
            "requested_proof": {
                "predicates": {"meetings": {"sub_proof_index": first}, "since": {"sub_proof_index": second}}
            }
        }
        record = {"pres_ex_id": "p", "state": "done", "verified": "true", "by_format": {"pres": {"anoncreds": proof}}}
        return PresentationExchangeRecord.model_validate(record)

    assert proof_result(answered(0, 0))["verified"] is True
    mixed = proof_result(answered(0, 1))  # last year's high count with this year's window: refused
    assert mixed["verified"] is False and "different credentials" in mixed["error"]


def test_the_claim_page_names_each_badge_with_its_format():
    tally = Tally(date(2026, 1, 1), date(2026, 11, 5), 3)
    assert badge_label(
        Badge(kind="participation", format="anoncreds", badge_key=tally.key, credential=tally.values()), None, None
    ) == ("Attendance tally (3 meetings since 2026-01-01) · AnonCreds")
    meeting = Meeting(title="Journal club", starts_at=datetime(2026, 11, 5, 17, tzinfo=UTC))
    talk = Talk(title="Sepsis bundles")
    presenter = Badge(kind="presenter", format="anoncreds", badge_key="presenter:talk:4:anoncreds")
    assert badge_label(presenter, meeting, talk) == "Presenter — Sepsis bundles (Journal club, 5 Nov 2026) · AnonCreds"
    presenter = Badge(kind="presenter", format="ld_proof", badge_key="presenter:talk:4")
    assert badge_label(presenter, meeting, talk) == "Presenter — Sepsis bundles (Journal club, 5 Nov 2026)"
    membership = Badge(
        kind="membership",
        format="ld_proof",
        badge_key="membership:2027-06-30",
        valid_until=datetime(2027, 6, 30, tzinfo=UTC),
    )
    assert badge_label(membership, None, None) == "Membership — valid until 30 Jun 2027"


class RevokingAgent:
    def __init__(self) -> None:
        self.revoked: list[str] = []

    async def revoke_anoncreds_credential(self, cred_ex_id: str) -> None:
        self.revoked.append(cred_ex_id)


async def test_an_issued_anoncreds_badge_is_revoked_once_with_its_reason_kept(sessions):
    ids = await seed(sessions, ["ld_proof", "anoncreds"])
    agent = RevokingAgent()
    async with sessions() as session:
        await start_meeting_job(session, await session.get(Meeting, ids["meetings"][-1]))
        badges = {
            (badge.kind, badge.format): badge
            for badge in await session.scalars(select(Badge).where(Badge.member_id == ids["ben"]))
        }
        tally = badges[("participation", "anoncreds")]
        with pytest.raises(NotRevocable, match="not issued"):
            await revoke_anoncreds_badge(session, agent, tally, "too early", "organizer:a@example.org")
        tally.state, tally.cred_ex_id = "issued", "ex-1"
        await revoke_anoncreds_badge(session, agent, tally, "counted a meeting twice", "organizer:a@example.org")
        assert agent.revoked == ["ex-1"] and tally.revoked_at is not None
        with pytest.raises(NotRevocable, match="revoked already"):
            await revoke_anoncreds_badge(session, agent, tally, "again", "organizer:a@example.org")
        with pytest.raises(NotRevocable, match="Open Badge"):
            await revoke_anoncreds_badge(
                session, agent, badges[("attendance", "ld_proof")], "wrong tool", "organizer:a@example.org"
            )
        change = await session.scalar(select(StatusChange).where(StatusChange.credential_id == tally.credential_id))
        assert (change.action, change.reason, change.actor) == (
            "revoke",
            "counted a meeting twice",
            "organizer:a@example.org",
        )
        audit = await session.scalar(select(AuditEvent).where(AuditEvent.action == "credential.revoke"))
        assert (audit.subject, audit.detail) == (
            tally.credential_id,
            {"reason": "counted a meeting twice", "format": "anoncreds"},
        )
