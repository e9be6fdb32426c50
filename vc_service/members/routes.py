from datetime import date

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from ..deps import CurrentOrganizer, Organizer, RowId, Session, sig_row
from ..meetings.routes import sig_meeting
from .models import Member
from .roster import DID, FORM_OVERHEAD_BYTES, MAX_ROSTER_BYTES, RosterFormatError, decode_roster, parse_roster
from .service import InvalidMember, RosterReport, get_or_create_member, import_roster

router = APIRouter(tags=["members"], dependencies=[Organizer])


class MemberIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=320)
    did: str | None = Field(None, pattern=DID.pattern)
    region: str | None = Field(None, max_length=100)
    joined_at: date | None = None


class MemberOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    email: str | None
    did: str | None
    region: str | None
    joined_at: date | None
    claim_token: str
    connection_state: str | None


@router.post("/members", status_code=status.HTTP_201_CREATED, response_model=MemberOut)
async def create_member(body: MemberIn, organizer: CurrentOrganizer, session: Session) -> Member:
    try:
        member, created = await get_or_create_member(session, organizer.sig_id, body.name, body.email, body.did)
    except InvalidMember as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    if not created:
        raise HTTPException(status.HTTP_409_CONFLICT, f"a member with the email {member.email} exists (id {member.id})")
    member.region, member.joined_at = body.region, body.joined_at
    await session.commit()
    return member


@router.get("/members", response_model=list[MemberOut])
async def list_members(organizer: CurrentOrganizer, session: Session) -> list[Member]:
    return list(await session.scalars(select(Member).where(Member.sig_id == organizer.sig_id).order_by(Member.id)))


@router.get("/members/{member_id}", response_model=MemberOut)
async def get_member(member_id: RowId, organizer: CurrentOrganizer, session: Session) -> Member:
    return await sig_row(session, Member, member_id, organizer.sig_id, "member")


async def roster_bytes(request: Request) -> bytes:
    """The CSV as the body (text/csv) or as the multipart field ``file``, at most 5 MB."""
    if int(request.headers.get("content-length") or 0) > MAX_ROSTER_BYTES + FORM_OVERHEAD_BYTES:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "the roster is larger than 5 MB")
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form(max_files=1)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "the form has no file field named 'file'")
        data = await upload.read(MAX_ROSTER_BYTES + 1)
    else:
        data = await request.body()
    if len(data) > MAX_ROSTER_BYTES:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "the roster is larger than 5 MB")
    return data


@router.post("/meetings/{meeting_id}/roster", tags=["meetings"], summary="Import a meeting's attendance roster (CSV)")
async def import_meeting_roster(meeting_id: RowId, request: Request, organizer: CurrentOrganizer, session: Session) -> RosterReport:
    meeting = await sig_meeting(session, organizer, meeting_id)
    try:
        parsed = parse_roster(decode_roster(await roster_bytes(request)))
    except RosterFormatError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    return await import_roster(session, organizer.sig_id, meeting.id, parsed.entries, parsed.errors)
