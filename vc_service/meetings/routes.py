from datetime import datetime
from typing import Literal

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator
from sqlalchemy import select

from ..deps import MAX_ROW_ID, CurrentOrganizer, Organizer, RowId, Session
from ..timestamps import UtcExpressible
from .models import Meeting, Talk
from .service import UnknownMeeting, UnknownPresenter, add_talk, find_meeting

router = APIRouter(tags=["meetings"], dependencies=[Organizer])
MeetingKind = Literal["general", "guest-presentation", "journal-club", "subgroup"]


class MeetingIn(BaseModel):
    kind: MeetingKind
    title: str = Field(min_length=1, max_length=300)
    description: str = Field("", max_length=5000)
    starts_at: UtcExpressible
    ends_at: UtcExpressible

    @model_validator(mode="after")
    def ends_after_start(self) -> "MeetingIn":
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be later than starts_at")
        return self


class MeetingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime


class TalkIn(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    presenter_id: int = Field(ge=1, le=MAX_ROW_ID)
    slides_url: HttpUrl | None = None
    recording_url: HttpUrl | None = None


class TalkOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    meeting_id: int
    title: str
    presenter_id: int
    slides_url: str | None
    recording_url: str | None


async def sig_meeting(session: Session, organizer: CurrentOrganizer, meeting_id: int) -> Meeting:
    """The organizer's SIG's meeting; another SIG's is a 404, as a missing one."""
    try:
        return await find_meeting(session, organizer.sig_id, meeting_id)
    except UnknownMeeting as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc


@router.post("/meetings", status_code=status.HTTP_201_CREATED, response_model=MeetingOut)
async def create_meeting(body: MeetingIn, organizer: CurrentOrganizer, session: Session) -> Meeting:
    meeting = Meeting(sig_id=organizer.sig_id, **body.model_dump())
    session.add(meeting)
    await session.commit()
    return meeting


@router.get("/meetings", response_model=list[MeetingOut])
async def list_meetings(organizer: CurrentOrganizer, session: Session) -> list[Meeting]:
    meetings = await session.scalars(
        select(Meeting).where(Meeting.sig_id == organizer.sig_id).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    )
    return list(meetings)


@router.get("/meetings/{meeting_id}", response_model=MeetingOut)
async def get_meeting(meeting_id: RowId, organizer: CurrentOrganizer, session: Session) -> Meeting:
    return await sig_meeting(session, organizer, meeting_id)


@router.post("/meetings/{meeting_id}/talks", status_code=status.HTTP_201_CREATED, response_model=TalkOut)
async def create_talk(meeting_id: RowId, body: TalkIn, organizer: CurrentOrganizer, session: Session) -> Talk:
    meeting = await sig_meeting(session, organizer, meeting_id)
    try:
        return await add_talk(
            session,
            meeting,
            body.title,
            body.presenter_id,
            str(body.slides_url) if body.slides_url else None,
            str(body.recording_url) if body.recording_url else None,
        )
    except UnknownPresenter as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc


@router.get("/meetings/{meeting_id}/talks", response_model=list[TalkOut])
async def list_talks(meeting_id: RowId, organizer: CurrentOrganizer, session: Session) -> list[Talk]:
    meeting = await sig_meeting(session, organizer, meeting_id)
    return list(await session.scalars(select(Talk).where(Talk.meeting_id == meeting.id).order_by(Talk.id)))
