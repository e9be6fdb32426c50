from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, status
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from ..badges.models import Badge
from ..delivery.state import delivery_state
from ..deps import CurrentOrganizer, RowId, Session, State
from ..errors import Conflict, NotFound
from ..formats.choice import badge_formats
from ..formats.labels import badge_label
from ..formats.registry import badge_format, in_order
from ..http import documented_content
from ..http.ratelimit import RateLimit
from ..members.models import Member
from ..members.service import WALLET_DID, InvalidMember, declare_wallet_did
from ..members.tokens import token_hash
from ..routing import claim_urls, sig_meeting
from ..web import templates
from ..web.qr import qr_svg
from .door import check_in, open_door, open_meeting_at_door
from .files import badge_file
from .invitations import invitation_message, invitation_url_for

router = APIRouter(tags=["claims"])
# Public endpoints that make the agent work or write rows are rate-limited per client.
claim_limit = RateLimit("claim_rate_limit")
door_limit = RateLimit("door_rate_limit")


async def member_by_token(session: Session, token: str) -> Member:
    member = await session.scalar(select(Member).where(Member.claim_token_hash == token_hash(token)))
    if member is None:
        raise NotFound("unknown claim link")
    return member


ClaimingMember = Annotated[Member, Depends(member_by_token)]


@router.get("/i/{token}", dependencies=[Depends(claim_limit)], summary="The member's wallet invitation (short URL)")
async def invitation(token: str, member: ClaimingMember, state: State, session: Session, request: Request) -> Response:
    """RFC 0434 URL shortening: JSON for a wallet that asks for it, otherwise a redirect."""
    url = await invitation_url_for(session, state.agent, member, (await state.issuers.of(member.sig_id)).name)
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(invitation_message(url))
    return RedirectResponse(url, status_code=status.HTTP_302_FOUND)


@router.get(
    "/c/{token}/qr.svg",
    summary="QR code of the member's wallet invitation",
    response_class=Response,
    responses=documented_content("image/svg+xml"),
)
async def claim_qr(token: str, member: ClaimingMember, state: State) -> Response:
    svg = qr_svg(claim_urls(state.settings.base_url, token)["invitation_short_url"])
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/c/{token}", response_class=HTMLResponse, summary="The member's claim page")
async def claim_page(token: str, member: ClaimingMember, state: State, session: Session, request: Request):
    badges = await session.scalars(select(Badge).where(Badge.member_id == member.id).order_by(Badge.id))
    urls = claim_urls(state.settings.base_url, token)
    rows = [
        {
            "label": badge_label(badge),
            "state": delivery_state(badge).label,
            "download_url": f"{urls['claim_url']}/badges/{badge.id}.json"
            if badge_format(badge.format).can_be_file
            else None,
        }
        for badge in badges
    ]
    return templates.TemplateResponse(
        request,
        "claim.html",
        {
            "member": member,
            "sig_name": (await state.issuers.of(member.sig_id)).name,
            "badges": rows,
            "qr_svg": qr_svg(urls["invitation_short_url"], fluid=True),
            "wallet_connected": member.connection_state == "active",
            "wallet_link": urls["invitation_short_url"],
            "formats": in_order(await badge_formats(session, member.sig_id)),
        },
    )


@router.get("/c/{token}/badges/{badge_id}.json", dependencies=[Depends(claim_limit)], summary="Download a badge")
async def download_badge(badge_id: RowId, member: ClaimingMember, state: State, session: Session) -> JSONResponse:
    badge = await session.get(Badge, badge_id)
    if badge is None or badge.member_id != member.id:
        raise NotFound(f"no badge {badge_id} for this claim link")
    if not badge_format(badge.format).can_be_file:
        raise NotFound(f"badge {badge_id} is an AnonCreds credential: it exists only in your wallet, not as a file")
    credential = await badge_file(
        session, state.agent, state.issuers, state.settings.base_url, state.contexts, badge, member
    )
    filename = f"{badge.kind}-badge-{badge.id}.json"
    return JSONResponse(credential, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


class WalletDid(BaseModel):
    did: str = Field(pattern=WALLET_DID.pattern, description="An Ed25519 did:key the member's wallet holds")


@router.put("/c/{token}/did", dependencies=[Depends(claim_limit)], summary="Declare the wallet DID badges are bound to")
async def declare_did(body: WalletDid, member: ClaimingMember, session: Session) -> dict:
    """For wallets that can only prove with a did:key they hold (stock ACA-Py): later badges name it as subject."""
    try:
        declare_wallet_did(member, body.did)
    except InvalidMember as exc:  # a DID the member already declared: a conflict here, not a bad value
        raise Conflict(str(exc)) from exc
    await session.commit()
    return {"did": member.did}


class DoorRequest(BaseModel):
    window_minutes: int | None = Field(None, ge=5, le=24 * 60)


class DoorResponse(BaseModel):
    door_url: str
    qr_url: str
    expires_at: str


@router.post("/meetings/{meeting_id}/door", response_model=DoorResponse, tags=["meetings"])
async def create_door(
    meeting_id: RowId, organizer: CurrentOrganizer, state: State, session: Session, body: DoorRequest | None = None
) -> DoorResponse:
    """A door QR for the meeting room, valid for a window (default: the setting)."""
    meeting = await sig_meeting(session, organizer, meeting_id)
    minutes = (body.window_minutes if body else None) or state.settings.door_window_minutes
    door_token = open_door(meeting, timedelta(minutes=minutes))
    await session.commit()
    if meeting.door_expires_at is None:  # open_door has just set it
        raise RuntimeError(f"meeting {meeting.id}: the door was opened without an expiry")
    door_url = f"{state.settings.base_url}/d/{door_token}"
    return DoorResponse(door_url=door_url, qr_url=f"{door_url}/qr.svg", expires_at=meeting.door_expires_at.isoformat())


async def door_meeting(door_token: str, session: Session):
    return await open_meeting_at_door(session, door_token)


@router.get(
    "/d/{door_token}/qr.svg",
    summary="The door QR code",
    response_class=Response,
    responses=documented_content("image/svg+xml"),
)
async def door_qr(door_token: str, state: State, meeting=Depends(door_meeting)) -> Response:
    return Response(qr_svg(f"{state.settings.base_url}/d/{door_token}", scale=10), media_type="image/svg+xml")


@router.get("/d/{door_token}", response_class=HTMLResponse, summary="Door check-in form")
async def door_form(request: Request, state: State, meeting=Depends(door_meeting)):
    sig_name = (await state.issuers.of(meeting.sig_id)).name
    return templates.TemplateResponse(request, "door.html", {"meeting": meeting, "sig_name": sig_name})


@router.post(
    "/d/{door_token}",
    dependencies=[Depends(door_limit)],
    summary="Check in at the door",
    response_class=HTMLResponse,
    responses={**documented_content("text/html"), 303: {"description": "A new member: their own new claim page"}},
)
async def door_check_in(
    name: Annotated[str, Form(min_length=1, max_length=200)],
    email: Annotated[str, Form(min_length=3, max_length=320)],
    request: Request,
    state: State,
    session: Session,
    meeting=Depends(door_meeting),
) -> Response:
    """A member this check-in creates goes to their new claim page. Anyone else gets a page without
    the link: knowing the door code and an email must not open that member's badges."""
    member, claim_token = await check_in(
        session, state.secrets.claim_key, meeting, name.strip(), email, mail=state.settings.mail_enabled
    )
    state.worker.wake()
    if claim_token is not None:
        return RedirectResponse(f"{state.settings.base_url}/c/{claim_token}", status_code=status.HTTP_303_SEE_OTHER)
    sig_name = (await state.issuers.of(meeting.sig_id)).name
    return templates.TemplateResponse(
        request,
        "door.html",
        {"meeting": meeting, "sig_name": sig_name, "checked_in": True, "mailed": state.settings.mail_enabled},
    )
