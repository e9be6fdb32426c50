"""Badges over DIDComm: offer through the member's connection, follow the exchange's states.

The same function applies a credential exchange record whether it comes from a webhook or
from asking the agent after a restart, so both paths agree.
"""

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..agent.client import AgentClient
from ..agent.records import CredentialExchangeRecord
from ..anoncreds.credentials import on_anoncreds_exchange_event
from ..badges.models import Badge
from ..db.base import utcnow
from ..delivery.state import DIDCOMM

LOGGER = logging.getLogger(__name__)
RETRY_DELAYS = (timedelta(seconds=5), timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10))
# Issued means the wallet acknowledged storing it ("done"), not merely that it was sent.
ISSUED_STATES = {"done"}
OFFERED_STATES = {"offer-sent", "request-received", "credential-issued"}


def schedule_retry(badge: Badge, reason: str, now: datetime | None = None) -> None:
    """Failed, with the reason; tried again after a growing delay, until the delays run out."""
    now = now or utcnow()
    badge.attempts += 1
    badge.state = "failed"
    badge.failure_reason = reason
    badge.sending_since = None
    badge.cred_ex_id = None
    badge.next_attempt_at = now + RETRY_DELAYS[badge.attempts - 1] if badge.attempts <= len(RETRY_DELAYS) else None


def mark_issued(badge: Badge, record: CredentialExchangeRecord) -> None:
    DIDCOMM.mark_delivered(badge, record.by_format.cred_issue.ld_proof)


def apply_exchange_record(badge: Badge, record: CredentialExchangeRecord) -> None:
    """Move the badge to what the agent's exchange record says; states never go backwards."""
    state = record.state
    if badge.state == "issued":
        return
    if state in ISSUED_STATES:
        mark_issued(badge, record)
    elif state in OFFERED_STATES:
        badge.state = "offered"
        badge.credential = record.by_format.cred_issue.ld_proof or badge.credential
    elif state == "abandoned":
        schedule_retry(badge, f"the wallet or agent abandoned the exchange: {record.error_msg or 'no reason given'}")


async def on_credential_exchange_event(
    session: AsyncSession, agent: AgentClient, event: CredentialExchangeRecord
) -> bool:
    """Apply the agent's own record of the exchange an event names, not the event (a webhook with
    the key could claim ``done``); False when no badge knows that exchange (yet)."""
    badge = await session.scalar(select(Badge).where(Badge.cred_ex_id == event.cred_ex_id))
    if badge is None:  # an AnonCreds badge's exchange, or one not recorded yet
        return await on_anoncreds_exchange_event(session, agent, event)
    if badge.state == "issued":
        return True  # final: nothing to confirm
    record = await agent.get_credential_exchange(event.cred_ex_id)
    if record is not None:  # one the agent no longer has is resumed (retried) by the worker's round
        apply_exchange_record(badge, record)
    return True
