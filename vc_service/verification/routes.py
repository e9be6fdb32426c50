from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from ..deps import State
from ..web.ratelimit import RateLimit
from .checks import verify_credential, verify_presentation

router = APIRouter(tags=["credentials"])


class VerifyRequest(BaseModel):
    verifiableCredential: dict[str, Any]


class Problem(BaseModel):
    check: str
    message: str


class VerifyResponse(BaseModel):
    verified: bool
    checks: list[str]
    warnings: list[Problem]
    errors: list[Problem]


# Public and costly (the agent checks each proof): one limit for the API and the verify page.
verify_limit = RateLimit("verify_rate_limit")


@router.post(
    "/credentials/verify", response_model=VerifyResponse, summary="Verify a credential (W3C VC-API)",
    dependencies=[Depends(verify_limit)],
)
async def verify(body: VerifyRequest, state: State) -> dict:
    result = await verify_credential(
        state.agent, body.verifiableCredential, state.contexts, await state.known_issuers(), state.status_lists,
        state.outbound.for_request(),
    )  # fmt: skip
    return result.as_dict()


class PresentationOptions(BaseModel):
    challenge: str = Field(min_length=1, max_length=500)
    domain: str | None = Field(None, max_length=500)


class VerifyPresentationRequest(BaseModel):
    verifiablePresentation: dict[str, Any]
    options: PresentationOptions


@router.post(
    "/presentations/verify",
    response_model=VerifyResponse,
    dependencies=[Depends(verify_limit)],
    summary="Verify a presentation: holder proof, challenge, domain, holder binding, credentials (VC-API)",
)
async def verify_presentation_route(body: VerifyPresentationRequest, state: State) -> dict:
    result = await verify_presentation(
        state.agent, body.verifiablePresentation, body.options.challenge, body.options.domain,
        state.contexts, await state.known_issuers(), state.status_lists, state.outbound.for_request(),
    )  # fmt: skip
    return result.as_dict()
