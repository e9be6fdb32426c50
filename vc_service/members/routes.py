from datetime import date

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from ..deps import CurrentOrganizer, Organizer, RowId, Session, State, sig_row
from ..errors import Conflict, Invalid, TooLarge
from ..http import documented_content
from ..routing import claim_links_csv, claim_urls, meeting_claim_links, sig_meeting
from .connections import reset_wallet_connection
from .models import Member
from .roster import DID, FORM_OVERHEAD_BYTES, MAX_ROSTER_BYTES, decode_roster, parse_roster
from .service import (
    RosterReport,
    get_or_create_member,
    import_roster,
    meeting_claim_tokens,
    reissue_claim_token,
    replace_did,
)

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
    connection_state: str | None


class ClaimLink(BaseModel):
    """The member's claim link, known only when it is made (the database keeps its hash)."""

    claim_url: str
    invitation_short_url: str
    qr_url: str


class CreatedMember(MemberOut, ClaimLink):
    pass


@router.post("/members", status_code=status.HTTP_201_CREATED, response_model=CreatedMember)
async def create_member(body: MemberIn, organizer: CurrentOrganizer, state: State, session: Session) -> CreatedMember:
    member, claim_token = await get_or_create_member(
        session, state.secrets.claim_key, organizer.sig_id, body.name, body.email, body.did
    )
    if claim_token is None:
        raise Conflict(f"a member with the email {member.email} exists (id {member.id})")
    member.region, member.joined_at = body.region, body.joined_at
    await session.commit()
    return CreatedMember(
        **MemberOut.model_validate(member).model_dump(), **claim_urls(state.settings.base_url, claim_token)
    )


@router.post("/members/{member_id}/claim-link", response_model=ClaimLink, summary="Re-issue a member's claim link")
async def new_claim_link(member_id: RowId, organizer: CurrentOrganizer, state: State, session: Session) -> ClaimLink:
    """A new link to hand to the member: the previous one stops working (the stored hash cannot
    show it again)."""
    member = await sig_row(session, Member, member_id, organizer.sig_id, "member")
    claim_token = await reissue_claim_token(session, state.secrets.claim_key, member, organizer.actor)
    return ClaimLink(**claim_urls(state.settings.base_url, claim_token))


class MemberClaimLink(BaseModel):
    member_id: int
    name: str
    email: str | None
    wallet_connected: bool
    claim_url: str | None = Field(
        description="null for a link made before links could be shown again (only its hash is kept): "
        "POST /members/{id}/claim-link makes a new one"
    )
    invitation_short_url: str | None
    qr_url: str | None


@router.get(
    "/meetings/{meeting_id}/claim-links",
    tags=["meetings"],
    response_model=list[MemberClaimLink],
    summary="Each attendee's claim link",
)
async def attendee_claim_links(meeting_id: RowId, organizer: CurrentOrganizer, state: State, session: Session) -> list:
    meeting = await sig_meeting(session, organizer, meeting_id)
    tokens = await meeting_claim_tokens(session, state.secrets.claim_key, meeting.id)
    return meeting_claim_links(state.settings.base_url, tokens)


@router.get(
    "/meetings/{meeting_id}/claim-links.csv",
    tags=["meetings"],
    response_class=Response,
    responses=documented_content("text/csv"),
    summary="Each attendee's claim link as CSV (name, email, link)",
)
async def attendee_claim_links_csv(
    meeting_id: RowId, organizer: CurrentOrganizer, state: State, session: Session
) -> Response:
    """Spreadsheet-safe: a cell that would run as a formula starts with an apostrophe. An empty link:
    only its hash is kept, POST /members/{id}/claim-link makes a new one."""
    meeting = await sig_meeting(session, organizer, meeting_id)
    tokens = await meeting_claim_tokens(session, state.secrets.claim_key, meeting.id)
    return claim_links_csv(meeting.id, meeting_claim_links(state.settings.base_url, tokens))


class MemberDid(BaseModel):
    did: str | None = Field(pattern=DID.pattern, description="The member's DID; null clears it")


@router.put("/members/{member_id}/did", response_model=MemberOut, summary="Set, replace or clear a member's DID")
async def change_member_did(member_id: RowId, body: MemberDid, organizer: CurrentOrganizer, session: Session) -> Member:
    """The organizer's way to change a DID, which the claim link can set only once."""
    member = await sig_row(session, Member, member_id, organizer.sig_id, "member")
    await replace_did(session, member, body.did, organizer.actor)
    return member


@router.delete("/members/{member_id}/wallet", response_model=MemberOut, summary="Reset a member's wallet connection")
async def reset_member_wallet(member_id: RowId, organizer: CurrentOrganizer, state: State, session: Session) -> Member:
    """The claim link then invites a wallet again (a new phone); the old connection receives nothing more."""
    member = await sig_row(session, Member, member_id, organizer.sig_id, "member")
    await reset_wallet_connection(session, state.agent, member, organizer.actor)
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
        raise TooLarge("the roster is larger than 5 MB")
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form(max_files=1)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise Invalid("the form has no file field named 'file'")
        data = await upload.read(MAX_ROSTER_BYTES + 1)
    else:
        data = await request.body()
    if len(data) > MAX_ROSTER_BYTES:
        raise TooLarge("the roster is larger than 5 MB")
    return data


@router.post("/meetings/{meeting_id}/roster", tags=["meetings"], summary="Import a meeting's attendance roster (CSV)")
async def import_meeting_roster(
    meeting_id: RowId, request: Request, organizer: CurrentOrganizer, state: State, session: Session
) -> RosterReport:
    meeting = await sig_meeting(session, organizer, meeting_id)
    parsed = parse_roster(decode_roster(await roster_bytes(request)))
    return await import_roster(
        session, state.secrets.claim_key, organizer.sig_id, meeting.id, parsed.entries, parsed.errors
    )
