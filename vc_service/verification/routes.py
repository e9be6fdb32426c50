from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from ..deps import State
from .checks import verify_credential

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


@router.post(
    "/credentials/verify", response_model=VerifyResponse, summary="Verify a credential (W3C VC-API)"
)
async def verify(body: VerifyRequest, state: State) -> dict:
    result = await verify_credential(
        state.agent, body.verifiableCredential, state.contexts, state.known_issuers, state.status_lists
    )
    return result.as_dict()
