"""FastAPI dependencies: the service state, a database session, the organizer check."""

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, Security, status
from fastapi.security import APIKeyHeader
from sqlalchemy.ext.asyncio import AsyncSession

from .organizers.keys import active_api_key
from .state import ServiceState

# Ids are PostgreSQL ``integer`` columns: a larger number names no row, and must not reach the database.
MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="Organizer API key")


def get_state(request: Request) -> ServiceState:
    return request.app.state.service


State = Annotated[ServiceState, Depends(get_state)]


async def get_session(state: State) -> AsyncIterator[AsyncSession]:
    async with state.sessions() as session:
        yield session


Session = Annotated[AsyncSession, Depends(get_session)]


@dataclass(frozen=True)
class OrganizerIdentity:
    sig_id: int
    actor: str  # as the audit log names them


async def require_organizer(
    state: State, session: Session, api_key: Annotated[str | None, Security(api_key_header)]
) -> OrganizerIdentity:
    """An organizer's own API key (hashed, revocable), or the service's admin key for its first SIG."""
    if api_key is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing X-API-Key header (organizer key)")
    if secrets.compare_digest(api_key.encode(), state.organizer_key.encode()):
        return OrganizerIdentity(sig_id=state.issuer.sig_id, actor="service-admin")
    found = await active_api_key(session, api_key)
    if found is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "X-API-Key is not a valid organizer key (unknown or revoked)")
    if found.sig_id != state.issuer.sig_id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this organizer key belongs to another SIG")
    return OrganizerIdentity(sig_id=found.sig_id, actor=f"api-key:{found.id}")


Organizer = Depends(require_organizer)
CurrentOrganizer = Annotated[OrganizerIdentity, Organizer]
