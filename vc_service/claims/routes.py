from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, status
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from ..badges.models import Badge
from ..delivery.base import ClaimPage
from ..delivery.didcomm import invitation_message, invitation_url_for
from ..delivery.state import DIDCOMM, wallet_options
from ..deps import CurrentOrganizer, RowId, Session, State
from ..errors import Conflict, NotFound
from ..formats.choice import badge_formats
from ..formats.registry import badge_format, in_order
from ..http import documented_content
from ..http.ratelimit import RateLimit
from ..members.service import WALLET_DID, InvalidMember, declare_wallet_did
from ..routing import ClaimingMember, claim_limit, claim_urls, invitation_responses, sig_meeting, wants_page
from ..vcapi_exchange.service import open_exchange
from ..web import templates
from ..web.qr import qr_svg
from .door import check_in, open_door, open_meeting_at_door
from .files import badge_file
from .page import claimed_badges

router = APIRouter(tags=["claims"])
# Public endpoints that write rows are rate-limited per client (claim links: routing.claim_limit).
door_limit = RateLimit("door_rate_limit")


@router.get(
    "/i/{token}",
    dependencies=[Depends(claim_limit)],
    summary="The member's wallet invitation (short URL)",
    response_class=Response,
    responses=invitation_responses({409: {"description": "A wallet is already connected to this link"}}),
)
async def invitation(token: str, member: ClaimingMember, state: State, session: Session, request: Request) -> Response:
    """RFC 0434 URL shortening: JSON for a wallet that asks for it, a redirect for one that follows
    it, and for a browser (the link was opened rather than scanned) a page with the QR code and
    what to do."""
    sig_name = (await state.issuers.of(member.sig_id)).name
    urls = claim_urls(state.settings.base_url, token)
    if wants_page(request):
        claim = ClaimPage(session, state.agent, member, sig_name, urls["claim_url"], urls["invitation_short_url"])
        (option,) = await DIDCOMM.wallet_options(claim)
        context = {
            "sig_name": sig_name,
            "option": option,
            "qr": None if option.connected else qr_svg(option.scan_url, fluid=True),
            "claim_url": urls["claim_url"],
        }
        status_code = status.HTTP_409_CONFLICT if option.connected else status.HTTP_200_OK
        return templates.TemplateResponse(request, "invitation.html", context, status_code=status_code)
    url = await invitation_url_for(session, state.agent, member, sig_name)
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
    """Polled by the page itself while the member connects a wallet or badges are on their way."""
    urls = claim_urls(state.settings.base_url, token)
    issuer = await state.issuers.of(member.sig_id)
    sig_name = issuer.name
    wallet_connected = member.connection_state == "active"
    badges = await claimed_badges(session, member, urls["claim_url"])
    claim = ClaimPage(session, state.agent, member, sig_name, urls["claim_url"], urls["invitation_short_url"])
    options = [
        (option, qr_svg(option.scan_url, fluid=True) if option.scan_url else None)
        for option in await wallet_options(claim)
    ]
    formats = in_order(await badge_formats(session, member.sig_id))
    lcw = None
    # The Learner Credential Wallet's deep link carries a fresh single-use challenge: opened on a
    # visit, not on the page's own polls (its section is outside the polled region).
    if request.query_params.get("poll") != "1" and any(fmt.can_be_file for fmt in formats):
        exchange = await open_exchange(
            session,
            member,
            issuer.did,
            state.settings.base_url,
            timedelta(minutes=state.settings.vcapi_exchange_minutes),
        )
        lcw = {"deep_link": exchange.deep_link, "qr_svg": qr_svg(exchange.deep_link, fluid=True)}
    waiting = not wallet_connected or any(badge.on_its_way for badge in badges)
    return templates.TemplateResponse(
        request,
        "claim.html",
        {
            "member": member,
            "sig_name": sig_name,
            "badges": badges,
            "options": options,
            "waiting": waiting,
            "claim_url": urls["claim_url"],
            "formats": formats,
            "lcw": lcw,
        },
    )


@router.post(
    "/c/{token}/region",
    dependencies=[Depends(claim_limit)],
    summary="The member states their region (or clears it)",
    status_code=status.HTTP_303_SEE_OTHER,
    response_class=RedirectResponse,
    responses={303: {"description": "Back to the claim page, which shows the region"}},
)
async def state_region(
    token: str,
    member: ClaimingMember,
    state: State,
    session: Session,
    region: Annotated[str, Form(max_length=100)] = "",
) -> RedirectResponse:
    """Self-declared and optional: the SIG's report counts attendance by region."""
    member.region = region.strip() or None
    await session.commit()
    return RedirectResponse(claim_urls(state.settings.base_url, token)["claim_url"], status.HTTP_303_SEE_OTHER)


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
    member, claim_token = await check_in(session, state.secrets.claim_key, meeting, name.strip(), email)
    state.worker.wake()
    if claim_token is not None:
        return RedirectResponse(f"{state.settings.base_url}/c/{claim_token}", status_code=status.HTTP_303_SEE_OTHER)
    sig_name = (await state.issuers.of(meeting.sig_id)).name
    return templates.TemplateResponse(
        request, "door.html", {"meeting": meeting, "sig_name": sig_name, "checked_in": True}
    )
