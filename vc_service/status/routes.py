import hashlib
import json
from typing import Literal

from fastapi import APIRouter, Request, status
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from ..deps import CurrentOrganizer, OrganizerIssuer, RowId, Session, State, public_sig
from ..errors import NotFound
from ..http import documented_content
from ..issuer.identity import Issuer
from .models import STATUS_PURPOSES, CredentialStatus, StatusChange
from .signing import change_and_publish, published_status_list, signed_status_list

router = APIRouter(tags=["status"])


STATUS_LIST_RESPONSES = documented_content("application/vc+ld+json", {"type": "object"})


def known_purpose(purpose: str) -> str:
    if purpose not in STATUS_PURPOSES:
        raise NotFound(f"no status purpose {purpose!r}; known: {', '.join(STATUS_PURPOSES)}")
    return purpose


async def status_list_response(
    state: State, session: Session, request: Request, purpose: str, number: int, issuer: Issuer | None
) -> Response:
    """The signed list, cacheable; ``issuer`` None: a list at the URL it had before lists were per SIG."""
    found = await published_status_list(
        session, known_purpose(purpose), number, None if issuer is None else issuer.sig_id
    )
    issuer = issuer or await state.issuers.of(found.sig_id)
    status_list = await signed_status_list(session, state.agent, issuer, state.settings.base_url, found)
    body = json.dumps(status_list.credential, separators=(",", ":"))
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
    headers = {"Cache-Control": f"public, max-age={state.settings.status_list_max_age}", "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(body, media_type="application/vc+ld+json", headers=headers)


@router.get(
    "/status/{sig}/{purpose}/{number}",
    summary="A SIG's Bitstring Status List credential (public)",
    response_class=Response,
    responses=STATUS_LIST_RESPONSES,
)
async def get_status_list(
    sig: str, purpose: str, number: RowId, state: State, session: Session, request: Request
) -> Response:
    return await status_list_response(state, session, request, purpose, number, await public_sig(state, sig))


@router.get(
    "/status/{purpose}/{number}",
    summary="A status list published before lists were per SIG (public)",
    response_class=Response,
    responses=STATUS_LIST_RESPONSES,
)
async def get_unscoped_status_list(
    purpose: str, number: RowId, state: State, session: Session, request: Request
) -> Response:
    """Credentials issued before status lists were per SIG name this URL: it keeps serving their list."""
    return await status_list_response(state, session, request, purpose, number, None)


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
        select(StatusChange)
        .where(StatusChange.credential_id == credential_status.credential_id)
        .order_by(StatusChange.id)
    )
    return CredentialStatusOut(
        credentialId=credential_status.credential_id,
        revoked=credential_status.revoked,
        suspended=credential_status.suspended,
        changes=[
            StatusChangeOut(action=c.action, reason=c.reason, actor=c.actor, changed_at=c.changed_at.isoformat())
            for c in changes
        ],
    )


@router.post(
    "/credentials/status",
    response_model=CredentialStatusOut,
    summary="Revoke, suspend or unsuspend an issued credential",
)
async def update_status(
    body: StatusUpdate, organizer: CurrentOrganizer, issuer: OrganizerIssuer, state: State, session: Session
) -> CredentialStatusOut:
    changed = await change_and_publish(
        session,
        state.agent,
        issuer,
        state.settings.base_url,
        body.credentialId,
        body.action,
        body.reason,
        actor=organizer.actor,
    )
    return await status_report(session, changed)


@router.get(
    "/credentials/status",
    response_model=CredentialStatusOut,
    summary="An issued credential's status and its history",
)
async def read_status(credentialId: str, organizer: CurrentOrganizer, session: Session) -> CredentialStatusOut:
    found = await session.scalar(
        select(CredentialStatus).where(
            CredentialStatus.sig_id == organizer.sig_id, CredentialStatus.credential_id == credentialId
        )
    )
    if found is None:
        raise NotFound(f"no credential {credentialId} issued by this SIG")
    return await status_report(session, found)
