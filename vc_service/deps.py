"""FastAPI dependencies: the service state, a database session, the organizer check."""

import secrets
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security, status
from fastapi.security import APIKeyHeader
from sqlalchemy.ext.asyncio import AsyncSession

from .state import ServiceState

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="Organizer API key")


def get_state(request: Request) -> ServiceState:
    return request.app.state.service


State = Annotated[ServiceState, Depends(get_state)]


async def get_session(state: State) -> AsyncIterator[AsyncSession]:
    async with state.sessions() as session:
        yield session


Session = Annotated[AsyncSession, Depends(get_session)]


def require_organizer(state: State, api_key: Annotated[str | None, Security(api_key_header)]) -> None:
    if api_key is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing X-API-Key header (organizer key)")
    if not secrets.compare_digest(api_key.encode(), state.organizer_key.encode()):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "X-API-Key is not a valid organizer key")


Organizer = Depends(require_organizer)
