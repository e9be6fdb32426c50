"""Dashboard sign-in: organizer accounts, a signed session cookie, and CSRF tokens on every form.

The cookie is signed (itsdangerous), HttpOnly and SameSite=Lax; it holds the organizer's id and
the session's CSRF token, which every form posts back (synchronizer token pattern).
"""

import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..deps import Session, State
from ..organizers.models import OrganizerAccount
from ..organizers.service import authenticate
from . import templates
from .ratelimit import RateLimit

COOKIE = "sig_session"
MAX_AGE_SECONDS = 12 * 3600  # an evening's meeting, then sign in again
login_limit = RateLimit(limit=10)


@dataclass
class WebSession:
    csrf: str
    organizer_id: int | None = None
    changed: bool = False  # the cookie must be (re)sent


def _serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.service.secrets.session_key, salt="organizer-session")


def web_session(request: Request) -> WebSession:
    raw = request.cookies.get(COOKIE)
    if raw:
        try:
            data = _serializer(request).loads(raw, max_age=MAX_AGE_SECONDS)
            return WebSession(csrf=data["csrf"], organizer_id=data.get("organizer_id"))
        except (BadSignature, KeyError, TypeError):
            pass
    return WebSession(csrf=secrets.token_urlsafe(24), changed=True)


WebSessionDep = Annotated[WebSession, Depends(web_session)]


def keep_session(request: Request, response: Response, session: WebSession) -> Response:
    if session.changed:
        value = _serializer(request).dumps({"csrf": session.csrf, "organizer_id": session.organizer_id})
        response.set_cookie(
            COOKIE, value, max_age=MAX_AGE_SECONDS, httponly=True, samesite="lax",
            secure=request.app.state.service.settings.base_url.startswith("https://"),
        )  # fmt: skip
    return response


def page(request: Request, session: WebSession | None, template: str, context: dict, status_code: int = 200) -> Response:
    """A rendered page; with a session, it knows the CSRF token and keeps the session cookie."""
    state = request.app.state.service
    shared = {"sig_name": state.issuer.name, "signed_in": bool(session and session.organizer_id)}
    if session is not None:
        shared["csrf_token"] = session.csrf
    response = templates.TemplateResponse(request, template, {**shared, **context}, status_code=status_code)
    return keep_session(request, response, session) if session is not None else response


async def check_csrf(request: Request, session: WebSessionDep) -> None:
    """Every form POST carries the session's token: another site cannot post in the organizer's name."""
    form = await request.form()
    token = form.get("csrf_token")
    if not isinstance(token, str) or not secrets.compare_digest(token.encode(), session.csrf.encode()):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the form's CSRF token is missing or stale: reload the page")


CsrfChecked = Depends(check_csrf)


async def signed_in_organizer(request: Request, session: WebSessionDep, db: Session, state: State) -> OrganizerAccount:
    account = await db.get(OrganizerAccount, session.organizer_id) if session.organizer_id else None
    if account is None or account.sig_id != state.issuer.sig_id:
        target = quote(request.url.path)
        raise HTTPException(status.HTTP_303_SEE_OTHER, "sign in first", headers={"Location": f"/login?next={target}"})
    return account


SignedIn = Annotated[OrganizerAccount, Depends(signed_in_organizer)]

router = APIRouter(tags=["pages"], include_in_schema=False)


def _safe_next(target: str | None) -> str:
    # Only a path on this site: never an open redirect to another host.
    return target if target and target.startswith("/") and not target.startswith("//") else "/dashboard"


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request, session: WebSessionDep, next: str | None = None) -> Response:
    return page(request, session, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login", dependencies=[Depends(login_limit), CsrfChecked])
async def login(
    request: Request,
    session: WebSessionDep,
    db: Session,
    state: State,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str | None, Form()] = None,
) -> Response:
    account = await authenticate(db, state.issuer.sig_id, email, password)
    if account is None:
        context = {"next": _safe_next(next), "error": "That email and password do not match an organizer account."}
        return page(request, session, "login.html", context, status.HTTP_401_UNAUTHORIZED)
    # A new token at sign-in: a token planted before it is worth nothing afterwards.
    signed_in = WebSession(csrf=secrets.token_urlsafe(24), organizer_id=account.id, changed=True)
    return keep_session(request, RedirectResponse(_safe_next(next), status.HTTP_303_SEE_OTHER), signed_in)


@router.post("/logout", dependencies=[CsrfChecked])
async def logout() -> Response:
    response = RedirectResponse("/login", status.HTTP_303_SEE_OTHER)
    response.delete_cookie(COOKIE)
    return response
