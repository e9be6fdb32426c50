from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Response, status
from pydantic import BaseModel

from ..credentials.document import as_list
from ..deps import Session, State
from ..errors import BadRequest
from ..routing import ClaimingMember, claim_limit
from .service import Issuing, answer_exchange, open_exchange, open_exchange_of, presentation_request

router = APIRouter(tags=["vc-api exchanges"])


class ExchangeOpened(BaseModel):
    exchangeUrl: str
    deepLink: str
    expiresAt: str


@router.post(
    "/c/{token}/exchanges",
    dependencies=[Depends(claim_limit)],
    status_code=status.HTTP_201_CREATED,
    summary="Open a VC-API exchange for the member's badges",
)
async def create_exchange(member: ClaimingMember, state: State, session: Session) -> ExchangeOpened:
    """What the claim page shows as "Add to Learner Credential Wallet", for a wallet that asks in JSON."""
    issuer = await state.issuers.of(member.sig_id)
    opened = await open_exchange(
        session, member, issuer.did, state.settings.base_url, timedelta(minutes=state.settings.vcapi_exchange_minutes)
    )
    return ExchangeOpened(exchangeUrl=opened.url, deepLink=opened.deep_link, expiresAt=opened.expires_at.isoformat())


@router.post(
    "/workflows/{workflow_id}/exchanges/{exchange_id}",
    dependencies=[Depends(claim_limit)],
    summary="Take part in a VC-API exchange",
)
async def participate(
    workflow_id: str,
    exchange_id: str,
    body: Annotated[dict[str, Any], Body()],
    state: State,
    session: Session,
    response: Response,
) -> dict:
    """``{}``: the request for DID Authentication. ``{"verifiablePresentation": ...}``: the
    badges, as ``{"verifiablePresentation": ...}``. A presentation by itself (the Learner Credential
    Wallet's deep link): the badges, as a presentation."""
    exchange = await open_exchange_of(session, workflow_id, exchange_id)
    if not body:
        return await presentation_request(session, exchange, state.settings.base_url)
    issuing = Issuing(state.agent, state.issuers, state.settings.base_url, state.contexts)
    response.headers["Cache-Control"] = "no-store"
    if "verifiablePresentation" in body:
        presentation = await answer_exchange(
            session, exchange, body["verifiablePresentation"], issuing, asked_domain=True
        )
        return {"verifiablePresentation": presentation}
    if "VerifiablePresentation" in as_list(body.get("type")):
        return await answer_exchange(session, exchange, body, issuing, asked_domain=False)
    raise BadRequest('send {} for the exchange\'s request, or {"verifiablePresentation": ...} to answer it')
