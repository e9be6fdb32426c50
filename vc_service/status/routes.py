import hashlib
import json
from typing import Literal

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from ..web import documented_content
from ..deps import CurrentOrganizer, Organizer, RowId, Session, State
from .models import STATUS_PURPOSES, CredentialStatus, StatusChange
from .service import StatusError
from .signing import UnknownStatusList, change_and_publish, signed_status_list

router = APIRouter(tags=["status"])


@router.get("/status/{purpose}/{number}", summary="A Bitstring Status List credential (public)", response_class=Response,
            responses=documented_content("application/vc+ld+json", {"type": "object"}))
async def get_status_list(purpose: str, number: RowId, state: State, session: Session, request: Request) -> Response:
    if purpose not in STATUS_PURPOSES:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no status purpose {purpose!r}; known: {', '.join(STATUS_PURPOSES)}")
    try:
        status_list = await signed_status_list(session, state.agent, state.issuer, state.settings.base_url, purpose, number)
    except UnknownStatusList as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    body = json.dumps(status_list.credential, separators=(",", ":"))
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
    headers = {"Cache-Control": f"public, max-age={state.settings.status_list_max_age}", "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(body, media_type="application/vc+ld+json", headers=headers)


class StatusUpdate(BaseModel):
    credentialId: str = Field(min_length=1, max_length=200)
    action: Literal["revoke", "suspend", "unsuspend"]
    reason: str = Field(min_length=1, max_length=1000)


class StatusChangeOut(BaseModel):
    action: str
    reason: str
    actor: str
    changed_at: str


class CredentialStatusOut(BaseModel):
    credentialId: str
    revoked: bool
    suspended: bool
    changes: list[StatusChangeOut]


async def status_report(session, credential_status: CredentialStatus) -> CredentialStatusOut:
    changes = await session.scalars(
        select(StatusChange).where(StatusChange.credential_id == credential_status.credential_id).order_by(StatusChange.id)
    )
    return CredentialStatusOut(
        credentialId=credential_status.credential_id,
        revoked=credential_status.revoked,
        suspended=credential_status.suspended,
        changes=[
            StatusChangeOut(action=c.action, reason=c.reason, actor=c.actor, changed_at=c.changed_at.isoformat()) for c in changes
        ],
    )


@router.post(
    "/credentials/status",
    response_model=CredentialStatusOut,
    summary="Revoke, suspend or unsuspend an issued credential",
)
async def update_status(body: StatusUpdate, organizer: CurrentOrganizer, state: State, session: Session) -> CredentialStatusOut:
    try:
        changed = await change_and_publish(
            session, state.agent, state.issuer, state.settings.base_url,
            body.credentialId, body.action, body.reason, actor=organizer.actor,
        )  # fmt: skip
    except LookupError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    except StatusError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    return await status_report(session, changed)


@router.get(
    "/credentials/status",
    response_model=CredentialStatusOut,
    dependencies=[Organizer],
    summary="An issued credential's status and its history",
)
async def read_status(credentialId: str, state: State, session: Session) -> CredentialStatusOut:
    found = await session.scalar(
        select(CredentialStatus).where(
            CredentialStatus.sig_id == state.issuer.sig_id, CredentialStatus.credential_id == credentialId
        )
    )
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no credential {credentialId} issued by this SIG")
    return await status_report(session, found)
