from typing import Any, Literal

from fastapi import APIRouter, Depends, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, RootModel

from ..deps import State
from ..routing import verify_limit
from .checks import VerificationResult, verify_credential, verify_presentation, verify_vc_jwt

router = APIRouter(tags=["credentials"])

CheckName = Literal["proof", "issuer", "validity", "status", "shape"]


class VerifyCredentialOptions(BaseModel):
    """VC-API verify options this service honours; any other (``challenge``, ``domain``: they
    belong to presentations) is refused by name, not ignored."""

    model_config = ConfigDict(extra="forbid")

    checks: list[CheckName] | None = Field(None, min_length=1, description="Run only these checks (default: all)")


class VerifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verifiableCredential: dict[str, Any] | str = Field(
        description="A credential with its proof, or a VC-JWT (compact, as jwt_vc_json wallets hold it)"
    )
    options: VerifyCredentialOptions = VerifyCredentialOptions()


class Problem(BaseModel):
    check: str
    message: str


class VerifyResponse(BaseModel):
    verified: bool
    checks: list[str]
    warnings: list[Problem]
    errors: list[Problem]


class Refusal(BaseModel):
    detail: str


class NotVerified(RootModel[VerifyResponse | Refusal]):
    """The verdict of a failed verification, or a request refused before any check (a body that is not text)."""


# VC-API (w3c-ccg/vc-api verifier.yml and its conformance suite): 200 when verified; a credential
# or presentation that fails verification is a 400, with the same result body.
NOT_VERIFIED: dict[int | str, dict[str, Any]] = {
    status.HTTP_400_BAD_REQUEST: {"model": NotVerified, "description": "Not verified: `errors` names each failed check"}
}


def verdict(result: VerificationResult) -> JSONResponse:
    return JSONResponse(
        result.as_dict(), status_code=status.HTTP_200_OK if result.verified else status.HTTP_400_BAD_REQUEST
    )


@router.post(
    "/credentials/verify",
    response_model=VerifyResponse,
    summary="Verify a credential (W3C VC-API)",
    responses=NOT_VERIFIED,
    dependencies=[Depends(verify_limit)],
)
async def verify(body: VerifyRequest, state: State) -> JSONResponse:
    given = body.verifiableCredential
    parts = (state.contexts, await state.known_issuers(), state.status_lists, state.outbound.for_request())
    if isinstance(given, str):
        result = await verify_vc_jwt(state.agent, given, *parts, checks=body.options.checks)
    else:
        result = await verify_credential(state.agent, given, *parts, checks=body.options.checks)
    return verdict(result)


class PresentationOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    challenge: str = Field(min_length=1, max_length=500)
    domain: str | None = Field(None, max_length=500)


class VerifyPresentationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verifiablePresentation: dict[str, Any]
    options: PresentationOptions


@router.post(
    "/presentations/verify",
    response_model=VerifyResponse,
    responses=NOT_VERIFIED,
    dependencies=[Depends(verify_limit)],
    summary="Verify a presentation: holder proof, challenge, domain, holder binding, credentials (VC-API)",
)
async def verify_presentation_route(body: VerifyPresentationRequest, state: State) -> JSONResponse:
    result = await verify_presentation(
        state.agent,
        body.verifiablePresentation,
        body.options.challenge,
        body.options.domain,
        state.contexts,
        await state.known_issuers(),
        state.status_lists,
        state.outbound.for_request(),
    )
    return verdict(result)
