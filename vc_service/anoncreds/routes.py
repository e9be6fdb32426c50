"""AnonCreds badges over HTTP (organizer): thin; the work is in definitions.py and credentials.py."""

from datetime import date
from typing import Literal
from pydantic import UUID4

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field

from ..badges.templates import MeetingFacts, TalkFacts
from ..badges.models import Badge
from ..deps import MAX_ROW_ID, CurrentOrganizer, Organizer, RowId, Session, State
from ..meetings.models import Meeting, Talk
from ..members.models import Member
from .credentials import (
    NotConnected, connection_of, credential_attributes, offer_credential, proof_request, proof_result,
    refresh_credential, revoke_credential,
)  # fmt: skip
from .badges import NotRevocable, revoke_anoncreds_badge
from .models import AnonCredsCredential, AnonCredsDefinition

router = APIRouter(prefix="/anoncreds", tags=["anoncreds"], dependencies=[Organizer])


class CredentialIn(BaseModel):
    kind: Literal["membership", "attendance", "presenter"]
    member_id: int = Field(ge=1, le=MAX_ROW_ID)
    meeting_id: int | None = Field(None, ge=1, le=MAX_ROW_ID, description="attendance: the meeting attended")
    talk_id: int | None = Field(None, ge=1, le=MAX_ROW_ID, description="presenter: the talk given")
    valid_until: date | None = Field(None, description="membership: the last day it is valid")


class ProofRequestIn(BaseModel):
    kind: Literal["membership", "attendance", "presenter", "participation"]
    member_id: int = Field(ge=1, le=MAX_ROW_ID, description="Whose wallet is asked, over its DIDComm connection.")
    since: date | None = Field(None, description="Activity on or after this day (membership: valid until at least this day), proved by a predicate.")
    min_meetings: int | None = Field(
        None, ge=1, le=10_000, description="participation (the attendance tally): at least this many meetings since `since`."
    )


def definitions(state: State) -> dict[str, AnonCredsDefinition]:
    if state.anoncreds is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "AnonCreds badges need a ledger: set VC_SERVICE_LEDGER_GENESIS")
    return state.anoncreds


def credential_out(credential: AnonCredsCredential) -> dict:
    fields = ("id", "kind", "member_id", "meeting_id", "talk_id", "state", "cred_ex_id", "rev_reg_id", "cred_rev_id", "issued_at", "revoked_at")
    return {name: getattr(credential, name) for name in fields}


async def _get(session: Session, model, object_id: int | None, what: str):
    found = await session.get(model, object_id) if object_id is not None else None
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no {what} {object_id}")
    return found


@router.get("/definitions", summary="The SIG's schema and credential definition of each badge kind")
async def get_definitions(state: State) -> dict:
    return {
        kind: {"issuer_did": item.issuer_did, "schema_id": item.schema_id, "cred_def_id": item.cred_def_id}
        for kind, item in definitions(state).items()
    }


@router.post("/credentials", status_code=status.HTTP_202_ACCEPTED, summary="Offer an AnonCreds badge to a member's wallet")
async def post_credential(body: CredentialIn, state: State, session: Session) -> dict:
    definition = definitions(state)[body.kind]
    member = await _get(session, Member, body.member_id, "member")
    meeting = talk = None
    if body.kind == "presenter":
        talk = await _get(session, Talk, body.talk_id, "talk")
        meeting = await _get(session, Meeting, talk.meeting_id, "meeting")
        presenter = await _get(session, Member, talk.presenter_id, "member")
        if presenter.id != member.id:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"member {member.id} did not give talk {talk.id}")
    elif body.kind == "attendance":
        meeting = await _get(session, Meeting, body.meeting_id, "meeting")
    try:
        attributes = credential_attributes(
            body.kind, state.issuer.name, member.name, valid_until=body.valid_until,
            meeting=meeting and MeetingFacts(meeting.title, meeting.kind, meeting.starts_at, meeting.ends_at),
            talk=talk and TalkFacts(talk.title, member.name),
        )  # fmt: skip
        credential = await offer_credential(
            session, state.agent, definition, member, attributes,
            meeting_id=meeting and meeting.id, talk_id=talk and talk.id,
        )  # fmt: skip
    except (ValueError, NotConnected) as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    return credential_out(credential)


@router.get("/credentials/{credential_id}", summary="An AnonCreds badge: offered, issued, revoked or failed")
async def get_credential(credential_id: RowId, state: State, session: Session) -> dict:
    credential = await _get(session, AnonCredsCredential, credential_id, "AnonCreds credential")
    await refresh_credential(state.agent, credential)
    await session.commit()
    return credential_out(credential)


@router.post("/credentials/{credential_id}/revoke", summary="Revoke an issued AnonCreds badge and publish it on the ledger")
async def post_revoke(credential_id: RowId, state: State, session: Session) -> dict:
    credential = await _get(session, AnonCredsCredential, credential_id, "AnonCreds credential")
    await refresh_credential(state.agent, credential)
    await session.commit()
    if credential.state != "issued":
        raise HTTPException(status.HTTP_409_CONFLICT, f"the credential is {credential.state}, not issued")
    await revoke_credential(session, state.agent, credential)
    return credential_out(credential)


class RevokeIn(BaseModel):
    reason: str = Field(min_length=1, max_length=1000, description="Kept in the badge's history and the audit log.")


@router.post("/badges/{badge_id}/revoke", summary="Revoke an AnonCreds badge of a meeting (batch or door) on the ledger")
async def post_revoke_badge(badge_id: RowId, body: RevokeIn, organizer: CurrentOrganizer, state: State, session: Session) -> dict:
    badge = await session.get(Badge, badge_id)
    if badge is None or badge.sig_id != organizer.sig_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no badge {badge_id}")
    try:
        await revoke_anoncreds_badge(session, state.agent, badge, body.reason, organizer.actor)
    except NotRevocable as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    return {"id": badge.id, "credential_id": badge.credential_id, "state": badge.state, "revoked_at": badge.revoked_at}


@router.post("/proof-requests", status_code=status.HTTP_202_ACCEPTED, summary="Ask a member's wallet to prove a badge")
async def post_proof_request(body: ProofRequestIn, state: State, session: Session) -> dict:
    member = await _get(session, Member, body.member_id, "member")
    try:
        connection_id = connection_of(member)
    except NotConnected as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    try:
        request = proof_request(body.kind, definitions(state)[body.kind], body.since, body.min_meetings)
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    return proof_result(await state.agent.send_anoncreds_proof_request(connection_id, request))


@router.get("/proof-requests/{pres_ex_id}", summary="A proof request's state and verdict")
async def get_proof_request(pres_ex_id: UUID4, state: State) -> dict:
    record = await state.agent.get_presentation_exchange(str(pres_ex_id))
    if record is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no proof request {pres_ex_id}")
    return proof_result(record)
