"""FastAPI dependencies: the service state, a database session, the organizer check and their SIG."""

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Protocol

from fastapi import Depends, Path, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from .errors import NotFound, Unauthorized
from .issuer.identity import Issuer
from .organizers.keys import active_api_key
from .organizers.tokens import AccessTokens, token_api_key
from .state import ServiceState

# Ids are PostgreSQL ``integer`` columns: a larger number names no row, and must not reach the database.
MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="Organizer API key")
bearer_token = HTTPBearer(
    auto_error=False, description="OAuth2 access token from POST /oauth/token (client credentials)"
)


def service_state(request: Request) -> ServiceState:
    return request.app.state.service


async def get_state(request: Request) -> ServiceState:
    # async: FastAPI runs a plain def dependency in a worker thread, a thread hop per request.
    return service_state(request)


State = Annotated[ServiceState, Depends(get_state)]


async def get_session(state: State) -> AsyncIterator[AsyncSession]:
    async with state.sessions() as session:
        yield session


Session = Annotated[AsyncSession, Depends(get_session)]


@dataclass(frozen=True)
class OrganizerIdentity:
    sig_id: int
    actor: str  # as the audit log names them


def access_tokens(state: ServiceState) -> AccessTokens:
    return AccessTokens(state.secrets.session_key, state.settings.oauth_token_seconds)


async def require_organizer(
    request: Request,
    api_key: Annotated[str | None, Security(api_key_header)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_token)],
) -> OrganizerIdentity:
    """An organizer's own API key (hashed, revocable) for their SIG, or the service's admin key
    for its first SIG; or an OAuth2 access token issued to such a key (VC-API's way).
    Every organizer route works on the SIG of ``sig_id`` only.

    The state comes from the request and a session is opened only to look a key up: FastAPI
    solves a dependency's own dependencies again wherever it is used (``organizer_issuer``), and
    the admin key needs neither."""
    state = service_state(request)
    if api_key is None and bearer is not None:
        async with state.sessions() as session:
            found = await token_api_key(session, access_tokens(state), bearer.credentials)
        if found is None:
            raise Unauthorized(
                "the bearer token is not valid (unknown, expired, or its organizer key revoked)",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        return OrganizerIdentity(sig_id=found.sig_id, actor=f"api-key:{found.id}")
    if api_key is None:
        raise Unauthorized("missing X-API-Key header (organizer key) or Authorization: Bearer token")
    if secrets.compare_digest(api_key.encode(), state.organizer_key.encode()):
        return OrganizerIdentity(sig_id=(await state.issuers.first()).sig_id, actor="service-admin")
    async with state.sessions() as session:
        found = await active_api_key(session, api_key)
    if found is None:
        raise Unauthorized("X-API-Key is not a valid organizer key (unknown, revoked, or its organizer disabled)")
    return OrganizerIdentity(sig_id=found.sig_id, actor=f"api-key:{found.id}")


Organizer = Depends(require_organizer)
CurrentOrganizer = Annotated[OrganizerIdentity, Organizer]


async def organizer_issuer(organizer: CurrentOrganizer, request: Request) -> Issuer:
    return await service_state(request).issuers.of(organizer.sig_id)


OrganizerIssuer = Annotated[Issuer, Depends(organizer_issuer)]


class SigOwned(Protocol):
    """A row that belongs to one SIG."""

    @property
    def sig_id(self) -> int: ...


async def sig_row[Row: SigOwned](session: AsyncSession, model: type[Row], row_id: int, sig_id: int, what: str) -> Row:
    """The SIG's row with that id: another SIG's is as unknown as a missing one (404, never its data)."""
    row = await session.get(model, row_id)
    if row is None or row.sig_id != sig_id:
        raise NotFound(f"no {what} {row_id}")
    return row


async def public_sig(state: ServiceState, slug: str) -> Issuer:
    """The issuer of the SIG a public URL names by its slug (404 for none: :class:`UnknownSig`)."""
    return await state.issuers.by_slug(slug)
