from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field, HttpUrl
from sqlalchemy import select

from ..deps import MAX_ROW_ID, CurrentOrganizer, Organizer, RowId, Session
from ..routing import sig_meeting
from .models import Meeting, Talk
from .service import MeetingIn, add_meeting, add_talk

router = APIRouter(tags=["meetings"], dependencies=[Organizer])


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


@router.post("/meetings", status_code=status.HTTP_201_CREATED, response_model=MeetingOut)
async def create_meeting(body: MeetingIn, organizer: CurrentOrganizer, session: Session) -> Meeting:
    return await add_meeting(session, organizer.sig_id, body)


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
    return await add_talk(
        session,
        meeting,
        body.title,
        body.presenter_id,
        str(body.slides_url) if body.slides_url else None,
        str(body.recording_url) if body.recording_url else None,
    )


@router.get("/meetings/{meeting_id}/talks", response_model=list[TalkOut])
async def list_talks(meeting_id: RowId, organizer: CurrentOrganizer, session: Session) -> list[Talk]:
    meeting = await sig_meeting(session, organizer, meeting_id)
    return list(await session.scalars(select(Talk).where(Talk.meeting_id == meeting.id).order_by(Talk.id)))
