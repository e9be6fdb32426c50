from datetime import datetime

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from ..audit.models import AuditEvent
from ..deps import MAX_ROW_ID, CurrentOrganizer, RowId, Session
from .keys import revoke_api_key
from .models import OrganizerApiKey

router = APIRouter(tags=["organizers"])


class ApiKeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    account_id: int
    label: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@router.get("/organizer-keys", response_model=list[ApiKeyOut], summary="The SIG's organizer API keys (never the keys themselves)")
async def list_keys(organizer: CurrentOrganizer, session: Session) -> list[OrganizerApiKey]:
    return list(await session.scalars(select(OrganizerApiKey).where(OrganizerApiKey.sig_id == organizer.sig_id).order_by(OrganizerApiKey.id)))


@router.delete("/organizer-keys/{key_id}", response_model=ApiKeyOut, summary="Revoke an organizer API key")
async def revoke_key(key_id: RowId, organizer: CurrentOrganizer, session: Session) -> OrganizerApiKey:
    try:
        return await revoke_api_key(session, organizer.sig_id, key_id, organizer.actor)
    except LookupError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc


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
    organizer: CurrentOrganizer, session: Session, limit: int = Query(100, ge=1, le=1000),
    before: int | None = Query(None, ge=1, le=MAX_ROW_ID)
) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.sig_id == organizer.sig_id)
    if before is not None:
        query = query.where(AuditEvent.id < before)
    return list(await session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))
