"""The controller's background worker: dispatches every stored webhook event to the capability
its topic belongs to (members' connections, badge exchanges, proof requests, problem reports),
offers due badges and, with an SMTP server, runs the mail outbox beside (notifications/outbox.py).

One loop, woken by new events and new jobs (and every few seconds regardless). At start it
reconciles with the agent's records, so nothing that happened while the controller was down
(webhooks are held only in the agent's memory) leaves a badge or a connection stuck. It sits
above the capabilities it calls: none of them imports it.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ..agent.client import AgentClient
from ..agent.errors import AgentError, AgentFailed, AgentUnavailable
from ..agent.records import webhook_payload
from ..badges.models import Badge
from ..db.base import utcnow
from ..formats.base import CannotOffer, PreparedOffer
from ..issuance.exchanges import apply_exchange_record, mark_issued, on_credential_exchange_event, schedule_retry
from ..issuance.offers import offered_credential_id, send_offer
from ..members.connections import apply_connection_record, member_alias, on_connection_event
from ..members.models import Member
from ..notifications.outbox import MailOutbox
from ..proofs.service import on_presentation_event, on_problem_report, on_refused_message
from .models import WebhookEvent

LOGGER = logging.getLogger(__name__)
TICK_SECONDS = 2.0
CONCURRENT_OFFERS = 8
# Claimed per round: small enough that other controllers' workers take a share of a big batch
# (and a dead worker's claims are few), large enough to keep the offers overlapping.
BATCH_SIZE = 2 * CONCURRENT_OFFERS
# An event about a record nobody knows yet (its webhook overtook our own commit) is kept
# and retried for this long, then set aside.
UNMATCHED_EVENT_PATIENCE = timedelta(minutes=5)

# (session, agent, event payload parsed as its topic's record) -> handled? Webhook payloads leave
# out the exchanged documents, so a handler that needs them asks the agent for the record.
EventHandler = Callable[[AsyncSession, AgentClient, Any], Awaitable[bool]]
EVENT_HANDLERS: dict[str, EventHandler] = {
    "connections": on_connection_event,
    "issue_credential_v2_0": on_credential_exchange_event,
    "present_proof_v2_0": on_presentation_event,
    "problem_report": on_problem_report,
    "message_refused": on_refused_message,
}
# Prepares a badge's offer to a member, in the badge's format (see formats/).
OfferBuilder = Callable[[AsyncSession, Badge, Member], Awaitable[PreparedOffer]]


class WebhookDispatcher:
    """Several controllers may run one worker each on the same PostgreSQL database.

    Rows are claimed with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite serves one controller),
    so two workers never take the same badge or event; a claim whose worker died is released,
    after the agent's records are checked, once it is older than ``claim_timeout``: longer than
    any one call to the agent, so a live worker's offer is never mistaken for a dead one's.
    """

    def __init__(
        self,
        sessions: async_sessionmaker,
        agent: AgentClient,
        build_offer: OfferBuilder,
        offer_timeout: float,
        claim_timeout: float,
        outbox: MailOutbox | None = None,
    ) -> None:
        self._sessions = sessions
        self._outbox = outbox  # its own task: a slow SMTP server never holds up the offers
        self._offer_timeout = timedelta(seconds=offer_timeout)
        self._claim_timeout = timedelta(seconds=claim_timeout)
        self._agent = agent
        self._build_offer = build_offer
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None

    def wake(self) -> None:
        self._wake.set()
        if self._outbox:
            self._outbox.wake()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="webhook-dispatcher")
        if self._outbox:
            self._outbox.start()

    async def stop(self) -> None:
        if self._outbox:
            await self._outbox.stop()
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        reconciled = False
        while True:
            self._wake.clear()  # a wake during this round makes the next one start at once
            try:
                if not reconciled:
                    await self.reconcile()
                    reconciled = True
                await self.dispatch_webhook_events()
                await self.resume_stale_exchanges()
                await self.release_stale_claims()
                while await self.offer_due_badges():
                    await self.dispatch_webhook_events()
            except AgentError as exc:
                LOGGER.warning("worker: agent unavailable, will retry: %s", exc)
            except Exception:  # the loop must outlive any one bad record; the error is logged
                LOGGER.exception("worker: unexpected error")
            try:
                await asyncio.wait_for(self._wake.wait(), TICK_SECONDS)
            except TimeoutError:
                pass

    async def dispatch_webhook_events(self) -> None:
        """Each stored event not handled yet, in order, to its topic's handler."""
        async with self._sessions() as session:
            events = await session.scalars(
                select(WebhookEvent)
                .where(WebhookEvent.processed_at.is_(None))
                .order_by(WebhookEvent.id)
                .limit(500)
                .with_for_update(skip_locked=True)
            )
            now = utcnow()
            for event in events:
                handler = EVENT_HANDLERS.get(event.topic)
                try:
                    record = webhook_payload(event.topic, event.payload)
                    handled = handler is None or await handler(session, self._agent, record)
                except (AgentUnavailable, AgentFailed):
                    raise  # the agent is away: this event and the rest wait for the next round
                except ValidationError as exc:  # stored as it came (see routes.py), but not its topic's record
                    LOGGER.warning(
                        "worker: event %s (%s) is not its topic's record; set aside: %s", event.id, event.topic, exc
                    )
                    handled = True
                except Exception:  # a malformed event must not block the ones after it
                    LOGGER.exception("worker: event %s (%s) could not be handled; set aside", event.id, event.topic)
                    handled = True
                if handled or now - event.received_at > UNMATCHED_EVENT_PATIENCE:
                    event.processed_at = now
            await session.commit()

    async def offer_due_badges(self) -> int:
        """Offer a batch of due badges to connected members; returns how many were tried."""
        async with self._sessions() as session:
            now = utcnow()
            rows = (
                await session.execute(
                    select(Badge, Member)
                    .join(Member, Badge.member_id == Member.id)
                    .where(
                        Member.connection_state == "active",
                        Badge.sending_since.is_(None),
                        or_(
                            Badge.state == "pending",
                            and_(Badge.state == "failed", Badge.next_attempt_at <= now),
                        ),
                    )
                    .order_by(Badge.id)
                    .limit(BATCH_SIZE)
                    .with_for_update(of=Badge, skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            offers = []
            for badge, member in rows:
                try:
                    offers.append((badge, member, await self._build_offer(session, badge, member)))
                except CannotOffer as exc:
                    schedule_retry(badge, str(exc))
            for badge, _member, _offer in offers:
                badge.sending_since = now
            await session.commit()  # from here a crash is resolved by reconcile(), not by resending

            limit = asyncio.Semaphore(CONCURRENT_OFFERS)

            async def offer(badge: Badge, member: Member, prepared: PreparedOffer) -> None:
                connection_id = member.connection_id
                if connection_id is None:  # the query takes active members, and an active connection has its id
                    raise RuntimeError(f"member {member.id} is connected but has no connection id")
                async with limit:
                    try:
                        record = await send_offer(self._agent, connection_id, prepared)
                    except AgentError as exc:
                        schedule_retry(badge, f"offer failed: {exc}")
                        return
                badge.cred_ex_id = record.cred_ex_id
                badge.sending_since = None
                apply_exchange_record(badge, record)

            await asyncio.gather(*(offer(*entry) for entry in offers))
            await session.commit()
            LOGGER.info("worker: offered %d badges", len(offers))
            return len(offers)

    async def reconcile(self) -> None:
        """Catch up with what the agent did while no webhook could reach us."""
        async with self._sessions() as session:
            waiting = await session.scalars(
                select(Member).where(
                    Member.invitation_msg_id.is_not(None), Member.connection_state.is_distinct_from("active")
                )
            )
            for member in waiting:
                for record in await self._agent.list_connections(member_alias(member.id)):
                    apply_connection_record(member, record)

            offered = await session.scalars(
                select(Badge).where(Badge.state == "offered", Badge.cred_ex_id.is_not(None))
            )
            for badge in offered:
                await self._resume_exchange(badge, withdraw=False)
            await session.commit()

    async def release_stale_claims(self) -> None:
        """Badges claimed by a worker that died before it recorded the agent's answer."""
        async with self._sessions() as session:
            unconfirmed = (
                await session.execute(
                    select(Badge, Member)
                    .join(Member, Badge.member_id == Member.id)
                    .where(
                        Badge.sending_since < utcnow() - self._claim_timeout,
                        Badge.cred_ex_id.is_(None),
                    )
                    .with_for_update(of=Badge, skip_locked=True)
                )
            ).all()
            for badge, member in unconfirmed:
                records = (
                    await self._agent.list_credential_exchanges(member.connection_id) if member.connection_id else []
                )
                sent = next(
                    (record for record in records if offered_credential_id(record) == badge.credential_id), None
                )
                badge.sending_since = None
                if sent is not None:  # the offer went out before the crash: adopt it, never resend
                    badge.cred_ex_id = sent.cred_ex_id
                    apply_exchange_record(badge, sent)
            await session.commit()

    async def resume_stale_exchanges(self) -> None:
        """Offers the wallet has not completed within the offer timeout."""
        async with self._sessions() as session:
            stale = await session.scalars(
                select(Badge)
                .where(
                    Badge.state == "offered",
                    Badge.cred_ex_id.is_not(None),
                    Badge.updated_at < utcnow() - self._offer_timeout,
                )
                .with_for_update(skip_locked=True)
            )
            for badge in stale:
                await self._resume_exchange(badge, withdraw=True)
            await session.commit()

    async def _resume_exchange(self, badge: Badge, withdraw: bool) -> None:
        """Bring an exchange that stopped moving (the agent restarted, the wallet went quiet) on.

        A request that arrived but was never answered gets its credential now. With
        ``withdraw``, an offer the wallet never answered is withdrawn (the wallet is told, so it
        can never complete) and the badge offered afresh after the retry delay. A credential
        that was sent but never acknowledged counts as issued: the wallet most likely stored it
        and its acknowledgement was lost with the agent, and offering again could give it twice.
        """
        cred_ex_id = badge.cred_ex_id
        if cred_ex_id is None:  # both callers select only badges with an exchange
            raise ValueError(f"badge {badge.id} has no credential exchange to resume")
        record = await self._agent.get_credential_exchange(cred_ex_id)
        if record is None:
            schedule_retry(badge, "the agent no longer has the exchange")
        elif record.state == "request-received":
            apply_exchange_record(badge, await self._agent.continue_credential_exchange(cred_ex_id))
        elif withdraw and record.state == "offer-sent":
            await self._agent.abandon_credential_exchange(cred_ex_id, "offer withdrawn: a new one follows")
            schedule_retry(badge, f"the wallet did not answer the offer within {self._offer_timeout.seconds} s")
        elif withdraw and record.state == "credential-issued":
            LOGGER.warning("badge %s: credential sent, never acknowledged; counted as issued", badge.id)
            mark_issued(badge, record)
        else:
            apply_exchange_record(badge, record)
