"""AnonCreds badges over HTTP (organizer): thin; the work is in definitions.py and credentials.py."""

from datetime import date
from typing import Literal

from fastapi import APIRouter, status
from pydantic import UUID4, BaseModel, Field
from sqlalchemy import select

from ..badges.models import Badge
from ..badges.templates import MeetingFacts, TalkFacts
from ..deps import MAX_ROW_ID, CurrentOrganizer, Organizer, RowId, Session, State, sig_row
from ..errors import Conflict, Invalid, NotFound
from ..formats.anoncreds import revoke_anoncreds_badge
from ..formats.models import FormatName
from ..meetings.models import Meeting, Talk
from ..members.models import Member
from .credentials import (
    connection_of,
    credential_attributes,
    offer_credential,
    proof_request,
    proof_result,
    refresh_credential,
    revoke_credential,
)
from .definitions import NO_LEDGER
from .models import AnonCredsCredential, AnonCredsDefinition

router = APIRouter(prefix="/anoncreds", tags=[FormatName.ANONCREDS], dependencies=[Organizer])


class CredentialIn(BaseModel):
    kind: Literal["membership", "attendance", "presenter"]
    member_id: int = Field(ge=1, le=MAX_ROW_ID)
    meeting_id: int | None = Field(None, ge=1, le=MAX_ROW_ID, description="attendance: the meeting attended")
    talk_id: int | None = Field(None, ge=1, le=MAX_ROW_ID, description="presenter: the talk given")
    valid_until: date | None = Field(None, description="membership: the last day it is valid")


class ProofRequestIn(BaseModel):
    kind: Literal["membership", "attendance", "presenter", "participation"]
    member_id: int = Field(ge=1, le=MAX_ROW_ID, description="Whose wallet is asked, over its DIDComm connection.")
    since: date | None = Field(
        None,
        description="Activity on or after this day (membership: valid until at least this day), proved by a predicate.",
    )
    min_meetings: int | None = Field(
        None,
        ge=1,
        le=10_000,
        description="participation (the attendance tally): at least this many meetings since `since`.",
    )


async def definitions(state: State, organizer: CurrentOrganizer) -> dict[str, AnonCredsDefinition]:
    """The organizer's SIG's definitions; a 404 saying why when it has none."""
    if state.anoncreds is None:
        raise NotFound(NO_LEDGER)
    found = await state.anoncreds.of(organizer.sig_id)
    if found is None:
        raise NotFound(
            "the SIG has no AnonCreds definitions: choose the AnonCreds format (PUT /sig/badge-formats)",
        )
    return found


def credential_out(credential: AnonCredsCredential) -> dict:
    fields = (
        "id",
        "kind",
        "member_id",
        "meeting_id",
        "talk_id",
        "state",
        "cred_ex_id",
        "rev_reg_id",
        "cred_rev_id",
        "issued_at",
        "revoked_at",
    )
    return {name: getattr(credential, name) for name in fields}


async def _get(session: Session, model, object_id: int | None, sig_id: int, what: str):
    """The SIG's row (a member, meeting or credential); another SIG's is a 404, as a missing one."""
    if object_id is None:
        raise NotFound(f"no {what} given")
    return await sig_row(session, model, object_id, sig_id, what)


async def _talk(session: Session, talk_id: int | None, sig_id: int) -> tuple[Talk, Meeting]:
    talk = await session.get(Talk, talk_id) if talk_id is not None else None
    meeting = await session.get(Meeting, talk.meeting_id) if talk else None
    if talk is None or meeting is None or meeting.sig_id != sig_id:
        raise NotFound(f"no talk {talk_id}")
    return talk, meeting


@router.get("/definitions", summary="The SIG's schema and credential definition of each badge kind")
async def get_definitions(state: State, organizer: CurrentOrganizer) -> dict:
    return {
        kind: {"issuer_did": item.issuer_did, "schema_id": item.schema_id, "cred_def_id": item.cred_def_id}
        for kind, item in (await definitions(state, organizer)).items()
    }


@router.post(
    "/credentials", status_code=status.HTTP_202_ACCEPTED, summary="Offer an AnonCreds badge to a member's wallet"
)
async def post_credential(body: CredentialIn, organizer: CurrentOrganizer, state: State, session: Session) -> dict:
    definition = (await definitions(state, organizer))[body.kind]
    member = await _get(session, Member, body.member_id, organizer.sig_id, "member")
    meeting = talk = None
    if body.kind == "presenter":
        talk, meeting = await _talk(session, body.talk_id, organizer.sig_id)
        if talk.presenter_id != member.id:
            raise Invalid(f"member {member.id} did not give talk {talk.id}")
    elif body.kind == "attendance":
        meeting = await _get(session, Meeting, body.meeting_id, organizer.sig_id, "meeting")
    try:
        attributes = credential_attributes(
            body.kind,
            (await state.issuers.of(organizer.sig_id)).name,
            member.name,
            valid_until=body.valid_until,
            meeting=MeetingFacts(meeting.title, meeting.kind, meeting.starts_at, meeting.ends_at) if meeting else None,
            talk=TalkFacts(talk.title, member.name) if talk else None,
        )
        credential = await offer_credential(
            session,
            state.agent,
            definition,
            member,
            attributes,
            meeting_id=meeting.id if meeting else None,
            talk_id=talk.id if talk else None,
        )
    except ValueError as exc:
        raise Invalid(str(exc)) from exc
    return credential_out(credential)


async def current_credential(
    session: Session, state: State, organizer_sig_id: int, credential_id: int
) -> AnonCredsCredential:
    """The SIG's AnonCreds credential, its state brought up to date from the agent's record."""
    credential = await _get(session, AnonCredsCredential, credential_id, organizer_sig_id, "AnonCreds credential")
    await refresh_credential(state.agent, credential)
    await session.commit()
    return credential


@router.get("/credentials/{credential_id}", summary="An AnonCreds badge: offered, issued, revoked or failed")
async def get_credential(credential_id: RowId, organizer: CurrentOrganizer, state: State, session: Session) -> dict:
    return credential_out(await current_credential(session, state, organizer.sig_id, credential_id))


@router.post(
    "/credentials/{credential_id}/revoke", summary="Revoke an issued AnonCreds badge and publish it on the ledger"
)
async def post_revoke(credential_id: RowId, organizer: CurrentOrganizer, state: State, session: Session) -> dict:
    credential = await current_credential(session, state, organizer.sig_id, credential_id)
    if credential.state != "issued":
        raise Conflict(f"the credential is {credential.state}, not issued")
    await revoke_credential(session, state.agent, credential)
    return credential_out(credential)


class RevokeIn(BaseModel):
    reason: str = Field(min_length=1, max_length=1000, description="Kept in the badge's history and the audit log.")


@router.post(
    "/badges/{badge_id}/revoke", summary="Revoke an AnonCreds badge of a meeting (batch or door) on the ledger"
)
async def post_revoke_badge(
    badge_id: RowId, body: RevokeIn, organizer: CurrentOrganizer, state: State, session: Session
) -> dict:
    badge = await sig_row(session, Badge, badge_id, organizer.sig_id, "badge")
    await revoke_anoncreds_badge(session, state.agent, badge, body.reason, organizer.actor)
    return {"id": badge.id, "credential_id": badge.credential_id, "state": badge.state, "revoked_at": badge.revoked_at}


@router.post("/proof-requests", status_code=status.HTTP_202_ACCEPTED, summary="Ask a member's wallet to prove a badge")
async def post_proof_request(body: ProofRequestIn, organizer: CurrentOrganizer, state: State, session: Session) -> dict:
    member = await _get(session, Member, body.member_id, organizer.sig_id, "member")
    connection_id = connection_of(member)
    try:
        request = proof_request(
            body.kind,
            (await definitions(state, organizer))[body.kind],
            body.since,
            body.min_meetings,
            sig_name=(await state.issuers.of(organizer.sig_id)).name,
        )
    except ValueError as exc:
        raise Invalid(str(exc)) from exc
    return proof_result(await state.agent.send_anoncreds_proof_request(connection_id, request))


@router.get("/proof-requests/{pres_ex_id}", summary="A proof request's state and verdict")
async def get_proof_request(pres_ex_id: UUID4, organizer: CurrentOrganizer, state: State, session: Session) -> dict:
    record = await state.agent.get_presentation_exchange(str(pres_ex_id))
    # The agent's record names the connection it went over: it must be a member of the organizer's SIG.
    asked = (
        record
        and record.connection_id
        and await session.scalar(
            select(Member.id).where(Member.connection_id == record.connection_id, Member.sig_id == organizer.sig_id)
        )
    )
    if record is None or not asked:
        raise NotFound(f"no proof request {pres_ex_id}")
    return proof_result(record)
