from datetime import datetime, timedelta
from typing import Literal

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from ..credentials.document import as_list
from ..delivery.didcomm import didcomm_option, invitation_message
from ..deps import Session, State
from ..errors import Gone, Invalid, NotFound
from ..http.ratelimit import RateLimit
from ..routing import invitation_responses, wants_page
from ..sig.service import UnknownSig, choose_sig
from ..timestamps import UtcExpressible, day_text
from ..verification.checks import VerificationResult, check_status
from ..web import templates
from ..web.qr import qr_svg
from .models import ProofRequest
from .service import create_proof_request, expire_if_due

router = APIRouter(tags=["proof requests"])
request_limit = RateLimit(limit=30, name="proof_requests")


class ProofRequestIn(BaseModel):
    template: Literal["attended", "presented", "member", "attended-at-least"] = Field(
        description="attended, presented, member: an Open Badge (JSON-LD, DIF Presentation Exchange). attended-at-least: "
        "the AnonCreds attendance tally proves at least `min_meetings` meetings since `since` by zero-knowledge predicates.",
    )
    since: UtcExpressible | None = Field(
        None, description="Only badges for activities from this instant on (attended, presented, attended-at-least)."
    )
    min_meetings: int | None = Field(
        None, ge=1, le=10_000, description="attended-at-least: how many meetings at least."
    )
    domain: str | None = Field(None, max_length=300, description="The verifier's domain, bound into the proof.")
    sig: str | None = Field(
        None,
        max_length=40,
        description="Slug of the SIG whose badge is asked for (GET /sigs); needed when the service has several.",
    )


class DisclosedCredential(BaseModel):
    id: str | None
    name: str | None
    achievementType: str | None
    activityStartDate: str | None
    issuer: str | None
    status: str  # valid | revoked | suspended | unknown: <reason>


class ProofRequestOut(BaseModel):
    id: str
    template: str
    since: datetime | None
    min_meetings: int | None
    state: str
    verified: bool
    reason: str | None
    expires_at: datetime
    answered_at: datetime | None
    invitation_short_url: str
    qr_url: str
    credentials: list[DisclosedCredential]
    revealed: dict[str, str] = Field(
        description="AnonCreds templates: the attributes the wallet revealed (the rest is proved, not shown)."
    )


async def disclosed(state, presentation: dict | None) -> list[DisclosedCredential]:
    """The credentials the wallet showed, with their revocation status as of now."""
    found = []
    outbound = state.outbound.for_request()
    for credential in as_list((presentation or {}).get("verifiableCredential") or []):
        result = VerificationResult()
        await check_status(result, credential, state.status_lists, outbound)
        subject = credential.get("credentialSubject") or {}
        issuer = credential.get("issuer")
        found.append(
            DisclosedCredential(
                id=credential.get("id"),
                name=credential.get("name"),
                achievementType=(subject.get("achievement") or {}).get("achievementType"),
                activityStartDate=subject.get("activityStartDate"),
                issuer=issuer.get("id") if isinstance(issuer, dict) else issuer,
                status=result.errors[0]["message"].split(" (")[0] if result.errors else "valid",
            )
        )
    return found


async def proof_request_out(state, request: ProofRequest) -> ProofRequestOut:
    short = f"{state.settings.base_url}/p/{request.id}"
    return ProofRequestOut(
        id=request.id,
        template=request.template,
        since=request.since,
        min_meetings=request.min_meetings,
        state=request.state,
        verified=request.state == "verified",
        reason=request.reason,
        expires_at=request.expires_at,
        answered_at=request.answered_at,
        invitation_short_url=short,
        qr_url=f"{short}/qr.svg",
        credentials=await disclosed(state, request.presentation),
        revealed=(request.presentation or {}).get("revealed") or {},
    )


async def find_request(request_id: str, session: Session) -> ProofRequest:
    found = await session.get(ProofRequest, request_id)
    if found is None:
        raise NotFound(f"no proof request {request_id}")
    return found


@router.post(
    "/proof-requests",
    status_code=status.HTTP_201_CREATED,
    response_model=ProofRequestOut,
    dependencies=[Depends(request_limit)],
    summary="Ask a wallet to prove a badge of this SIG (DIDComm present-proof 2.0)",
)
async def new_proof_request(body: ProofRequestIn, state: State, session: Session) -> ProofRequestOut:
    if body.since is not None and body.template == "member":
        raise Invalid("since applies to attended and presented, not member")
    counted = body.template == "attended-at-least"
    if counted and (body.since is None or body.min_meetings is None):
        raise Invalid("attended-at-least needs since and min_meetings")
    if not counted and body.min_meetings is not None:
        raise Invalid("min_meetings applies to attended-at-least only")
    try:
        sig = await choose_sig(session, body.sig, "in the field sig")
    except UnknownSig as exc:  # a field of the body, not the URL: the request is invalid
        raise Invalid(str(exc)) from exc
    created = await create_proof_request(
        session,
        state.agent,
        await state.issuers.of(sig.id),
        body.template,
        body.since,
        body.domain or state.settings.base_url,
        timedelta(minutes=state.settings.proof_request_minutes),
        min_meetings=body.min_meetings,
        anoncreds=await state.anoncreds.of(sig.id) if state.anoncreds is not None else None,
    )
    return await proof_request_out(state, created)


@router.get("/proof-requests/{request_id}", response_model=ProofRequestOut, summary="A proof request and its result")
async def read_proof_request(
    state: State, session: Session, found: ProofRequest = Depends(find_request)
) -> ProofRequestOut:
    if expire_if_due(found):
        await session.commit()
        await state.agent.delete_presentation_exchange(found.pres_ex_id)
    return await proof_request_out(state, found)


# What each template asks the member to show, in words (the page a browser gets for /p/{id}).
ASKED = {
    "attended": "that you attended a meeting of {sig}",
    "presented": "that you presented a talk at {sig}",
    "member": "that you are a member of {sig}",
    "attended-at-least": "that you attended at least {min_meetings} meetings of {sig}",
}


@router.get(
    "/p/{request_id}",
    summary="The proof request's invitation (short URL for the QR code)",
    response_class=Response,
    responses=invitation_responses({410: {"description": "The request was answered or expired"}}),
)
async def proof_invitation(request: Request, state: State, found: ProofRequest = Depends(find_request)) -> Response:
    """JSON for a wallet that asks for it, a redirect for one that follows it, and for a browser
    (the link was opened rather than scanned) a page that says what is asked and how to answer."""
    if wants_page(request):
        sig_name = (await state.issuers.of(found.sig_id)).name
        short = f"{state.settings.base_url}/p/{found.id}"
        asked = ASKED[found.template].format(sig=sig_name, min_meetings=found.min_meetings)
        context = {
            "sig_name": sig_name,
            "asked": asked + (f", since {day_text(found.since)}" if found.since else ""),
            "answered": found.state != "pending",
            "option": didcomm_option(
                "proof",
                found.invitation_url,
                short,
                "The app shows what is asked and which badge answers it; nothing is shared unless you accept.",
            ),
            "qr": qr_svg(short, fluid=True),
        }
        status_code = status.HTTP_410_GONE if context["answered"] else status.HTTP_200_OK
        return templates.TemplateResponse(request, "proof_request.html", context, status_code=status_code)
    if found.state != "pending":
        raise Gone(f"this proof request is {found.state}")
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(invitation_message(found.invitation_url))
    return RedirectResponse(found.invitation_url, status_code=status.HTTP_302_FOUND)


@router.get("/p/{request_id}/qr.svg", summary="QR code of the proof request")
async def proof_qr(state: State, found: ProofRequest = Depends(find_request)) -> Response:
    return Response(qr_svg(f"{state.settings.base_url}/p/{found.id}"), media_type="image/svg+xml")
