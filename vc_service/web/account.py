"""The signed-in organizer's account page: their password, and the SIG's organizers, whom they
can disable (no sign-in, sessions ended, API keys refused) and enable again."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from ..deps import RowId, Session, State, sig_row
from ..errors import Conflict
from ..organizers.models import OrganizerAccount
from ..organizers.service import (
    AccountLocked,
    InvalidAccount,
    LoginPolicy,
    change_password,
    confirm_password,
    set_disabled,
    sig_organizers,
)
from ..sig.service import sig_time_zone
from .auth import CsrfChecked, SignedIn, WebSessionDep, page, redirect_with_notice, signed_in_row, take_flash

router = APIRouter(prefix="/dashboard", tags=["pages"], include_in_schema=False)
ACCOUNT_PAGE = "/dashboard/account"


@router.get("/account", response_class=HTMLResponse)
async def account_page(request: Request, session: WebSessionDep, organizer: SignedIn, db: Session):
    context = {
        "sig_name": organizer.sig_name,
        "organizer": organizer,
        "organizers": await sig_organizers(db, organizer.sig_id),
        "notice": await take_flash(db, session),
        "time_zone": await sig_time_zone(db, organizer.sig_id),
    }
    return page(request, session, "dashboard/account.html", context)


@router.post("/account/password", dependencies=[CsrfChecked])
async def new_password(
    request: Request,
    session: WebSessionDep,
    organizer: SignedIn,
    db: Session,
    state: State,
    current_password: Annotated[str, Form(max_length=1000)],
    new_password: Annotated[str, Form(max_length=1000)],
) -> Response:
    account = await db.get(OrganizerAccount, organizer.id)
    if account is None:  # signed_in_organizer has just loaded it
        raise LookupError(f"no organizer account {organizer.id}")
    client = request.client.host if request.client else ""
    try:
        confirmed = await confirm_password(db, account, current_password, LoginPolicy.of(state.settings), client)
    except AccountLocked as exc:
        return await redirect_with_notice(db, session, ACCOUNT_PAGE, f"Password not changed: {exc}.", "error")
    if not confirmed:
        return await redirect_with_notice(
            db, session, ACCOUNT_PAGE, "Password not changed: the current password is wrong.", "error"
        )
    try:
        await change_password(
            db,
            account,
            new_password,
            f"organizer:{organizer.email}",
            min_score=state.settings.password_min_score,
            keep_session_id=signed_in_row(session).id,
        )
    except InvalidAccount as exc:
        return await redirect_with_notice(db, session, ACCOUNT_PAGE, f"Password not changed: {exc}", "error")
    return await redirect_with_notice(
        db, session, ACCOUNT_PAGE, "Password changed. Your other sessions are signed out."
    )


async def _set_disabled(session, organizer, db: Session, organizer_id: int, disabled: bool) -> Response:
    account = await sig_row(db, OrganizerAccount, organizer_id, organizer.sig_id, "organizer")
    if account.id == organizer.id:
        raise Conflict("you cannot disable or enable yourself: ask another organizer of the SIG")
    await set_disabled(db, account, disabled, f"organizer:{organizer.email}")
    done = "disabled: signed out everywhere, its API keys refused" if disabled else "enabled"
    return await redirect_with_notice(db, session, ACCOUNT_PAGE, f"Organizer {account.email} {done}.")


@router.post("/organizers/{organizer_id}/disable", dependencies=[CsrfChecked])
async def disable_organizer(session: WebSessionDep, organizer: SignedIn, db: Session, organizer_id: RowId) -> Response:
    return await _set_disabled(session, organizer, db, organizer_id, True)


@router.post("/organizers/{organizer_id}/enable", dependencies=[CsrfChecked])
async def enable_organizer(session: WebSessionDep, organizer: SignedIn, db: Session, organizer_id: RowId) -> Response:
    return await _set_disabled(session, organizer, db, organizer_id, False)
