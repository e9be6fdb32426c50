"""Identify a webhook event by (topic, record, state) and store it once."""

import hashlib
import json

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from .models import WebhookEvent

# The key naming the record an event is about, most specific first: an ld_proof detail
# event carries cred_ex_id too, and exchange events carry the connection_id as well.
RECORD_ID_KEYS = (
    "cred_ex_ld_proof_id",
    "cred_ex_id",
    "pres_ex_id",
    "oob_id",
    "connection_id",
    "message_id",
    "thread_id",
    "@id",
)


def event_key(payload: dict) -> tuple[str, str]:
    """(record id, state) of an event; unknown shapes are identified by their content."""
    record_id = next((str(payload[key]) for key in RECORD_ID_KEYS if payload.get(key)), None)
    if record_id is None:
        canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        record_id = "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
    return record_id, str(payload.get("state") or "")


async def store_event(session: AsyncSession, topic: str, payload: dict) -> WebhookEvent | None:
    """Store the event and commit; ``None`` when the same event was stored before."""
    record_id, state = event_key(payload)
    event = WebhookEvent(topic=topic, record_id=record_id, state=state, payload=payload)
    session.add(event)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        return None
    return event
