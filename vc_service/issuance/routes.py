from typing import Any

from fastapi import APIRouter, status
from pydantic import BaseModel

from ..deps import Organizer, State
from .signing import IssueOptions, sign_credential

router = APIRouter(tags=["credentials"])


class IssueRequest(BaseModel):
    credential: dict[str, Any]
    options: IssueOptions = IssueOptions()


class IssueResponse(BaseModel):
    verifiableCredential: dict[str, Any]


@router.post(
    "/credentials/issue",
    status_code=status.HTTP_201_CREATED,
    response_model=IssueResponse,
    dependencies=[Organizer],
    summary="Sign a credential as the SIG (W3C VC-API)",
)
async def issue_credential(body: IssueRequest, state: State) -> IssueResponse:
    signed = await sign_credential(state.agent, body.credential, state.issuer, state.contexts, body.options)
    return IssueResponse(verifiableCredential=signed)
