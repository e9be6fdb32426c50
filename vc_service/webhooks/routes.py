import secrets
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, HTTPException, status

from ..deps import Session, State
from .inbox import store_event

LOGGER = logging.getLogger(__name__)
router = APIRouter(tags=["agent"], include_in_schema=False)


@router.post("/webhooks/topic/{topic}/")
async def receive_webhook(
    topic: str,
    payload: Annotated[dict[str, Any], Body()],
    state: State,
    session: Session,
    x_api_key: Annotated[str | None, Header()] = None,
) -> dict:
    if x_api_key is None or not secrets.compare_digest(x_api_key.encode(), state.secrets.webhook_key.encode()):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "webhook key missing or wrong")
    event = await store_event(session, topic, payload)
    if event is None:
        LOGGER.debug("duplicate webhook %s dropped", topic)
    else:
        state.worker.wake()  # the worker acts on stored events, in order
    return {"stored": event is not None}
