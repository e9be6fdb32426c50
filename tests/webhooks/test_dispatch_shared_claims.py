"""Two workers on one PostgreSQL database share the due badges: each is offered exactly once.

The workers run in one process here, each with its own sessions and a stand-in agent that
records the offers it is asked to send; what is under test is the row-locked claim
(``FOR UPDATE SKIP LOCKED``), not DIDComm (the end-to-end tests cover that).
"""

import asyncio
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

from vc_service.agent.records import CredentialExchangeRecord
from vc_service.badges.models import Badge
from vc_service.db.base import utcnow
from vc_service.db.engine import create_engine, session_factory
from vc_service.db.migrate import upgrade_to_head
from vc_service.formats.base import PreparedOffer
from vc_service.formats.ld_proof import DIDCOMM_PROOF_TYPE
from vc_service.meetings.models import Meeting
from vc_service.members.models import Member
from vc_service.sig.models import Sig
from vc_service.webhooks.dispatch import WebhookDispatcher

from ..support import create_database, drop_database

BADGES = 120


class RecordingAgent:
    """Answers offers like an agent, slowly enough for the two workers to overlap."""

    def __init__(self) -> None:
        self.offered: list[str] = []

    async def offer_ld_proof_credential(
        self, connection_id: str, credential: dict, proof_type: str, method: str
    ) -> CredentialExchangeRecord:
        await asyncio.sleep(0.01)
        self.offered.append(credential["id"])
        return CredentialExchangeRecord(cred_ex_id=str(uuid.uuid4()), state="offer-sent")

    async def list_credential_exchanges(self, connection_id: str) -> list[CredentialExchangeRecord]:
        return []


async def build(_session, badge: Badge, _member: Member) -> PreparedOffer:
    await asyncio.sleep(0.001)  # the real builder allocates a status entry: the claim is open meanwhile
    return PreparedOffer(
        credential={"id": badge.credential_id, "issuer": "did:key:z6MkIssuer"}, proof_type=DIDCOMM_PROOF_TYPE
    )


async def seed(sessions) -> None:
    async with sessions() as session:
        sig = Sig(slug="sig", name="SIG")
        session.add(sig)
        await session.flush()
        start = datetime(2026, 11, 20, 17, tzinfo=UTC)
        meeting = Meeting(
            sig_id=sig.id, kind="general", title="Shared", starts_at=start, ends_at=start + timedelta(hours=1)
        )
        session.add(meeting)
        await session.flush()
        for index in range(BADGES):
            member = Member(
                sig_id=sig.id,
                name=f"M{index}",
                email=f"m{index}@example.org",
                claim_token_hash=f"t{index}",
                connection_id=f"c{index}",
                connection_state="active",
            )
            session.add(member)
            await session.flush()
            session.add(
                Badge(
                    sig_id=sig.id,
                    member_id=member.id,
                    kind="attendance",
                    badge_key=f"attendance:meeting:{meeting.id}",
                    meeting_id=meeting.id,
                    credential_id=f"urn:uuid:{uuid.uuid4()}",
                )
            )
        await session.commit()


async def test_two_workers_offer_each_badge_once(tmp_path):
    url = create_database("postgresql", tmp_path)
    engines = [create_engine(url), create_engine(url)]
    try:
        await upgrade_to_head(engines[0])
        await seed(session_factory(engines[0]))
        agents = [RecordingAgent(), RecordingAgent()]
        workers = [
            WebhookDispatcher(session_factory(engine), agent, build, offer_timeout=120, claim_timeout=30)
            for engine, agent in zip(engines, agents, strict=True)
        ]

        async def drain(worker: WebhookDispatcher) -> None:
            while await worker.offer_due_badges():
                pass

        await asyncio.gather(*(drain(worker) for worker in workers))
        offered = Counter(agents[0].offered + agents[1].offered)
        assert len(offered) == BADGES and set(offered.values()) == {1}
        assert agents[0].offered and agents[1].offered  # both took part
    finally:
        for engine in engines:
            await engine.dispose()
        drop_database(url)


async def test_a_dead_workers_claim_is_released_after_the_claim_timeout(tmp_path):
    url = create_database("postgresql", tmp_path)
    engine = create_engine(url)
    try:
        await upgrade_to_head(engine)
        sessions = session_factory(engine)
        await seed(sessions)
        async with sessions() as session:
            claimed = await session.get(Badge, 1)
            claimed.sending_since = utcnow() - timedelta(seconds=31)  # claimed by a worker that died
            fresh = await session.get(Badge, 2)
            fresh.sending_since = utcnow()  # a live worker's offer in flight
            await session.commit()
        agent = RecordingAgent()
        worker = WebhookDispatcher(sessions, agent, build, offer_timeout=120, claim_timeout=30)
        await worker.release_stale_claims()
        while await worker.offer_due_badges():
            pass
        async with sessions() as session:
            assert (await session.get(Badge, 1)).cred_ex_id is not None
            assert (await session.get(Badge, 2)).cred_ex_id is None  # never taken from a live worker
        assert len(agent.offered) == BADGES - 1
    finally:
        await engine.dispose()
        drop_database(url)
