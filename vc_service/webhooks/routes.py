import json
import logging
import secrets
from typing import Annotated

from fastapi import APIRouter, Header, Request

from ..deps import Session, State
from ..errors import Invalid, Unauthorized
from ..http.limits import json_nesting_problem
from ..http.text import reject_unstorable_text
from .inbox import store_event

LOGGER = logging.getLogger(__name__)
router = APIRouter(tags=["agent"], include_in_schema=False)
INBOX = "/webhooks/topic/"


@router.post(INBOX + "{topic}/")
async def receive_webhook(
    topic: str,
    request: Request,
    state: State,
    session: Session,
    x_api_key: Annotated[str | None, Header()] = None,
) -> dict:
    # The key first: an unauthenticated body is never parsed (only drained, so that the client
    # reads the 401 before the connection closes).
    body = await request.body()
    if x_api_key is None or not secrets.compare_digest(x_api_key.encode(), state.secrets.webhook_key.encode()):
        raise Unauthorized("webhook key missing or wrong")
    if nesting := json_nesting_problem(body):  # whatever its content type says
        raise Invalid(f"the webhook body is {nesting}")
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise Invalid(f"the webhook body is not JSON: {exc}") from exc
    if not isinstance(payload, dict):
        raise Invalid("the webhook body is not a JSON object")
    await reject_unstorable_text(request)
    event = await store_event(session, topic, payload)
    if event is None:
        LOGGER.debug("duplicate webhook %s dropped", topic)
    else:
        state.worker.wake()  # the worker acts on stored events, in order
    return {"stored": event is not None}
