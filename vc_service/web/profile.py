"""The SIG's profile page: name, description, web page, image, time zone, and whether badges name
their members. The same rules as ``PUT /sig/profile`` (sig/service.py)."""

from typing import Annotated
from zoneinfo import available_timezones

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, Response

from ..deps import Session, State
from ..sig.models import Sig
from ..sig.service import InvalidSig, update_profile
from .auth import CsrfChecked, SignedIn, WebSessionDep, page, redirect_with_notice, take_flash

router = APIRouter(prefix="/dashboard", tags=["pages"], include_in_schema=False)
PROFILE_PAGE = "/dashboard/profile"
TIME_ZONES = sorted(available_timezones())


@router.get("/profile", response_class=HTMLResponse)
async def profile_page(request: Request, session: WebSessionDep, organizer: SignedIn, db: Session):
    profile = await db.get_one(Sig, organizer.sig_id)
    return profile_form(request, session, organizer, profile, await take_flash(db, session))


def profile_form(request: Request, session, organizer, profile, notice, status_code: int = 200) -> Response:
    context = {"sig_name": organizer.sig_name, "profile": profile, "time_zones": TIME_ZONES, "notice": notice}
    return page(request, session, "dashboard/profile.html", context, status_code)


@router.post("/profile", dependencies=[CsrfChecked])
async def save_profile(
    request: Request,
    session: WebSessionDep,
    organizer: SignedIn,
    db: Session,
    state: State,
    name: Annotated[str, Form(max_length=200)],
    time_zone: Annotated[str, Form(max_length=64)],
    description: Annotated[str, Form(max_length=5000)] = "",
    url: Annotated[str, Form(max_length=500)] = "",
    image: Annotated[str, Form(max_length=500)] = "",
    names_in_badges: Annotated[str, Form()] = "",
) -> Response:
    sig = await db.get_one(Sig, organizer.sig_id)
    named, zone = bool(names_in_badges), time_zone.strip()
    try:
        await update_profile(
            db,
            sig,
            name=name,
            description=description,
            url=url,
            image=image,
            time_zone=zone,
            names_in_badges=named,
            actor=f"organizer:{organizer.email}",
        )
    except InvalidSig as exc:
        await db.rollback()
        # The form again as it was filled in, so nothing typed is lost.
        notice = {"kind": "error", "text": f"The profile was not saved: {exc}"}
        submitted: dict[str, object] = {"name": name, "description": description, "url": url, "image": image}
        submitted |= {"time_zone": zone, "names_in_badges": named}
        return profile_form(request, session, organizer, submitted, notice, status.HTTP_422_UNPROCESSABLE_CONTENT)
    state.issuers.forget(sig.id)
    return await redirect_with_notice(db, session, PROFILE_PAGE, "Profile saved: new badges carry it.")
