"""Dashboard sign-in: organizer accounts, server-side sessions, and CSRF tokens on every form.

The cookie is signed (itsdangerous), HttpOnly and SameSite=Lax. Signed in, it holds a random
session id whose row (organizers/sessions.py) keeps the organizer, the CSRF token and the next
page's notice, and can be ended: sign-out, password change, disabled organizer. A visitor not
signed in gets a cookie of a CSRF token alone, for the sign-in form, and no row. Every form posts
the token back (synchronizer token pattern).
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..db.base import utcnow
from ..deps import Session, State
from ..errors import Forbidden
from ..http.ratelimit import RateLimit
from ..organizers.models import OrganizerAccount, OrganizerSession
from ..organizers.service import AccountDisabled, AccountLocked, LoginPolicy, authenticate
from ..organizers.sessions import end_session, leave_notice, live_session, start_session
from ..sig.service import UnknownSig, all_sigs, choose_sig
from ..state import ServiceState
from . import templates

COOKIE = "sig_session"
SERVICE_TITLE = "SIG Credentials"  # pages not about one SIG, on a service of several
MAX_AGE_SECONDS = 12 * 3600  # an evening's meeting, then sign in again
login_limit = RateLimit("login_rate_limit")


@dataclass
class WebSession:
    csrf: str
    organizer_id: int | None = None
    changed: bool = False  # the cookie must be (re)sent
    row: OrganizerSession | None = None  # signed in: the session's row
    new_id: str | None = None  # a session just started: the id the cookie must carry


def signed_in_row(session: WebSession) -> OrganizerSession:
    """The row of a signed-in session (a session has an organizer exactly when it has a row)."""
    if session.row is None:
        raise LookupError("the session is not signed in")
    return session.row


def _serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.service.secrets.session_key, salt="organizer-session")


async def web_session(request: Request, db: Session) -> WebSession:
    raw = request.cookies.get(COOKIE)
    if raw:
        try:
            data = _serializer(request).loads(raw, max_age=MAX_AGE_SECONDS)
            if "sid" not in data:
                return WebSession(csrf=data["csrf"])
            row = await live_session(db, data["sid"])
            if row is not None:
                return WebSession(csrf=row.csrf, organizer_id=row.account_id, row=row)
            # An ended session: a fresh anonymous one, whose cookie replaces it.
        except (BadSignature, KeyError, TypeError):
            pass
    return WebSession(csrf=secrets.token_urlsafe(24), changed=True)


WebSessionDep = Annotated[WebSession, Depends(web_session)]


def keep_session(request: Request, response: Response, session: WebSession) -> Response:
    if session.changed:
        value = _serializer(request).dumps({"sid": session.new_id} if session.new_id else {"csrf": session.csrf})
        response.set_cookie(
            COOKIE,
            value,
            max_age=MAX_AGE_SECONDS,
            httponly=True,
            samesite="lax",
            secure=request.app.state.service.settings.base_url.startswith("https://"),
        )
    return response


async def service_title(state: ServiceState) -> str:
    """What pages not about one SIG are headed with: the SIG's name while there is one."""
    issuers = await state.issuers.all()
    return issuers[0].name if len(issuers) == 1 else SERVICE_TITLE


def page(
    request: Request, session: WebSession | None, template: str, context: dict, status_code: int = 200
) -> Response:
    """A rendered page, headed with ``context["sig_name"]``; with a session, it knows the CSRF
    token and keeps the session cookie."""
    shared = {"sig_name": SERVICE_TITLE, "signed_in": bool(session and session.organizer_id)}
    if session is not None:
        shared["csrf_token"] = session.csrf
    response = templates.TemplateResponse(request, template, {**shared, **context}, status_code=status_code)
    return keep_session(request, response, session) if session is not None else response


async def flash(db: Session, session: WebSession, text: str, kind: str = "notice") -> None:
    """The notice the next page of this signed-in session shows, once (never taken from a URL,
    where anyone could write one). Commits the notice alone: what a failed action left unsaved stays so."""
    await leave_notice(db, signed_in_row(session), {"kind": kind, "text": text})


async def redirect_with_notice(
    db: Session, session: WebSession, url: str, notice: str = "", kind: str = "notice"
) -> RedirectResponse:
    """303 to ``url``, whose page shows ``notice`` once."""
    if notice:
        await flash(db, session, notice, kind)
    return RedirectResponse(url, status.HTTP_303_SEE_OTHER)


async def take_flash(db: Session, session: WebSession) -> dict | None:
    """The session's notice, if any, which is then gone. Commits."""
    row = session.row
    notice = row.flash if row else None
    if row is not None and notice:
        row.flash = None
        await db.commit()
    return notice


async def check_csrf(request: Request, session: WebSessionDep) -> None:
    """Every form POST carries the session's token: another site cannot post in the organizer's name."""
    form = await request.form()
    token = form.get("csrf_token")
    if not isinstance(token, str) or not secrets.compare_digest(token.encode(), session.csrf.encode()):
        raise Forbidden("the form's CSRF token is missing or stale: reload the page")


CsrfChecked = Depends(check_csrf)


@dataclass(frozen=True)
class SignedInOrganizer:
    """The organizer of the session: every dashboard page shows and changes their SIG's data only."""

    id: int
    sig_id: int
    sig_name: str
    email: str


async def signed_in_organizer(request: Request, session: WebSessionDep, db: Session, state: State) -> SignedInOrganizer:
    account = await db.get(OrganizerAccount, session.organizer_id) if session.organizer_id else None
    if account is None or account.disabled_at is not None:
        target = quote(request.url.path)
        raise HTTPException(status.HTTP_303_SEE_OTHER, "sign in first", headers={"Location": f"/login?next={target}"})
    sig_name = (await state.issuers.of(account.sig_id)).name
    return SignedInOrganizer(id=account.id, sig_id=account.sig_id, sig_name=sig_name, email=account.email)


SignedIn = Annotated[SignedInOrganizer, Depends(signed_in_organizer)]

router = APIRouter(tags=["pages"], include_in_schema=False)


def _safe_next(target: str | None) -> str:
    # Only a path on this site: never an open redirect to another host.
    return target if target and target.startswith("/") and not target.startswith("//") else "/dashboard"


async def login_page(
    request: Request,
    session: WebSession,
    db: Session,
    state: State,
    next: str | None,
    error: str | None = None,
    status_code: int = 200,
    email: str = "",
) -> Response:
    """The sign-in form; on a service of several SIGs it asks which SIG the organizer signs in to.
    Refused, it keeps the email typed: only the password is asked again."""
    sigs = await all_sigs(db)
    context = {
        "next": _safe_next(next),
        "error": error,
        "email": email,
        "sig_name": await service_title(state),
        "sigs": sigs if len(sigs) > 1 else [],
    }
    return page(request, session, "login.html", context, status_code)


@router.get("/login", response_class=HTMLResponse)
async def login_form(
    request: Request, session: WebSessionDep, db: Session, state: State, next: str | None = None
) -> Response:
    return await login_page(request, session, db, state, next)


@router.post("/login", dependencies=[Depends(login_limit), CsrfChecked])
async def login(
    request: Request,
    session: WebSessionDep,
    db: Session,
    state: State,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str | None, Form()] = None,
    sig: Annotated[str | None, Form(max_length=40)] = None,
) -> Response:
    try:
        chosen = await choose_sig(db, sig or None, "in the form")
    except UnknownSig as exc:
        return await login_page(
            request, session, db, state, next, f"Choose your SIG: {exc}.", status.HTTP_422_UNPROCESSABLE_CONTENT, email
        )
    client = request.client.host if request.client else ""
    try:
        account = await authenticate(db, chosen.id, email, password, LoginPolicy.of(state.settings), client)
    except AccountLocked as exc:
        problem = f"Sign-in refused: {exc}."
        return await login_page(request, session, db, state, next, problem, status.HTTP_429_TOO_MANY_REQUESTS, email)
    except AccountDisabled as exc:
        problem = f"Sign-in refused: {exc}."
        return await login_page(request, session, db, state, next, problem, status.HTTP_403_FORBIDDEN, email)
    if account is None:
        problem = f"That email and password do not match an organizer account of {chosen.name}."
        return await login_page(request, session, db, state, next, problem, status.HTTP_401_UNAUTHORIZED, email)
    if session.row is not None:  # signing in again, maybe as another organizer: the old session ends
        session.row.revoked_at = utcnow()
    # A new session id and token at sign-in: an id or token planted before it is worth nothing afterwards.
    row, session_id = await start_session(db, account, timedelta(seconds=MAX_AGE_SECONDS))
    signed_in = WebSession(csrf=row.csrf, organizer_id=account.id, changed=True, row=row, new_id=session_id)
    return keep_session(request, RedirectResponse(_safe_next(next), status.HTTP_303_SEE_OTHER), signed_in)


@router.post("/logout", dependencies=[CsrfChecked])
async def logout(session: WebSessionDep, db: Session) -> Response:
    """Ends the session here, not only in the browser: a copy of its cookie signs nobody in."""
    if session.row is not None:
        await end_session(db, session.row)
    response = RedirectResponse("/login", status.HTTP_303_SEE_OTHER)
    response.delete_cookie(COOKIE)
    return response
