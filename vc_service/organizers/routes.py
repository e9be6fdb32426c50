from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Form, HTTPException, Query, Security
from fastapi.requests import HTTPConnection
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from ..audit.models import AuditEvent
from ..deps import MAX_ROW_ID, CurrentOrganizer, RowId, Session, State, access_tokens
from .keys import revoke_api_key
from .models import OrganizerApiKey
from .tokens import authenticate_client

router = APIRouter(tags=["organizers"])


class ApiKeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    account_id: int
    label: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@router.get(
    "/organizer-keys",
    response_model=list[ApiKeyOut],
    summary="The SIG's organizer API keys (never the keys themselves)",
)
async def list_keys(organizer: CurrentOrganizer, session: Session) -> list[OrganizerApiKey]:
    return list(
        await session.scalars(
            select(OrganizerApiKey).where(OrganizerApiKey.sig_id == organizer.sig_id).order_by(OrganizerApiKey.id)
        )
    )


@router.delete("/organizer-keys/{key_id}", response_model=ApiKeyOut, summary="Revoke an organizer API key")
async def revoke_key(key_id: RowId, organizer: CurrentOrganizer, session: Session) -> OrganizerApiKey:
    return await revoke_api_key(session, organizer.sig_id, key_id, organizer.actor)


class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor: str
    action: str
    subject: str
    detail: dict


@router.get("/audit", response_model=list[AuditEventOut], summary="The SIG's audit log, newest first")
async def audit_log(
    organizer: CurrentOrganizer,
    session: Session,
    limit: int = Query(100, ge=1, le=1000),
    before: int | None = Query(None, ge=1, le=MAX_ROW_ID),
) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.sig_id == organizer.sig_id)
    if before is not None:
        query = query.where(AuditEvent.id < before)
    return list(await session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))


class AccessToken(BaseModel):
    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int


class OAuthError(BaseModel):
    error: Literal["invalid_request", "invalid_client", "unsupported_grant_type"]
    error_description: str


class ClientBasic(HTTPBasic):
    """HTTP Basic for the token endpoint: a malformed header is a client without credentials
    (RFC 6749's ``invalid_client``), not FastAPI's bare 401."""

    # FastAPI's own HTTPBasic.__call__ breaks HTTPBase's return type the same way (with a type: ignore there).
    async def __call__(self, request: HTTPConnection) -> HTTPBasicCredentials | None:  # type: ignore[override]
        try:
            return await super().__call__(request)
        except HTTPException:
            return HTTPBasicCredentials(username="", password="")


client_basic = ClientBasic(auto_error=False, description="client_id:client_secret (an organizer key's id and the key)")
# RFC 6749 §5.1: token answers, refusals included, are never cached.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def oauth_error(code: int, error: str, description: str, basic: bool = False) -> JSONResponse:
    headers = {**NO_STORE, **({"WWW-Authenticate": 'Basic realm="oauth"'} if basic else {})}
    return JSONResponse({"error": error, "error_description": description}, status_code=code, headers=headers)


@router.post(
    "/oauth/token",
    response_model=AccessToken,
    responses={400: {"model": OAuthError}, 401: {"model": OAuthError}},
    summary="OAuth2 client credentials (RFC 6749 §4.4): an access token for an organizer key",
)
async def oauth_token(
    state: State,
    session: Session,
    basic: Annotated[HTTPBasicCredentials | None, Security(client_basic)],
    grant_type: Annotated[str | None, Form(max_length=100)] = None,
    client_id: Annotated[str | None, Form(max_length=100)] = None,
    client_secret: Annotated[str | None, Form(max_length=200)] = None,
) -> JSONResponse:
    """Errors as RFC 6749 §5.2 names them; a client authenticates one way only (§2.3)."""
    if grant_type is None:
        return oauth_error(400, "invalid_request", "grant_type is missing")
    if grant_type != "client_credentials":
        return oauth_error(400, "unsupported_grant_type", "only grant_type client_credentials is supported")
    if basic is not None and (client_id is not None or client_secret is not None):
        return oauth_error(
            400, "invalid_request", "authenticate with HTTP Basic or with client_id and client_secret, not both"
        )
    given_id, given_secret = (basic.username, basic.password) if basic else (client_id, client_secret)
    if not given_id or not given_secret:
        return oauth_error(401, "invalid_client", "client_id and client_secret are required", basic=True)
    api_key = await authenticate_client(session, given_id, given_secret)
    if api_key is None:
        return oauth_error(
            401, "invalid_client", "unknown client, wrong secret, or a revoked organizer key", basic=basic is not None
        )
    tokens = access_tokens(state)
    body = AccessToken(access_token=tokens.issue(api_key), token_type="Bearer", expires_in=tokens.lifetime_seconds)
    return JSONResponse(body.model_dump(), headers=NO_STORE)
