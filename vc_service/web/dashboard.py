"""The organizer dashboard: meetings, talks, rosters, "issue all" with live progress, revocation, door QR.

Pages call the same domain functions as the API; each form carries the session's CSRF token.
"""

import base64
import binascii
from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, UploadFile, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import func, select

from ..anoncreds.definitions import AnonCredsSetupError
from ..badges.models import Badge
from ..claims.door import open_door
from ..delivery.state import delivery_state
from ..deps import RowId, Session, State, sig_row
from ..errors import NotFound
from ..formats.base import CannotChangeStatus, CannotSuspend, StatusContext
from ..formats.choice import FormatUnavailable, badge_formats, set_badge_formats
from ..formats.registry import all_formats, badge_format
from ..formats.status import apply_status_action
from ..issuance.jobs import start_meeting_job
from ..issuance.progress import state_counts
from ..meetings.models import MEETING_KINDS, Attendance, Meeting, Talk
from ..meetings.service import MeetingIn, UnknownPresenter, add_meeting, add_talk, find_meeting
from ..members.models import Member
from ..members.roster import (
    MAX_ROSTER_BYTES,
    ROSTER_BASE64_BYTES,
    RosterFormatError,
    decode_roster,
    described_row,
    parse_roster,
)
from ..members.service import import_roster, meeting_claim_tokens, reissue_claim_token
from ..notifications.outbox import NothingToMail, meeting_mail, resend_mail
from ..reports.charts import attendance_chart
from ..reports.queries import InvalidPeriod, check_period, period_report, sig_health_report
from ..routing import claim_links_csv, csv_response, meeting_claim_links
from ..sig.service import sig_time_zone
from ..status.models import CredentialStatus, StatusChange
from ..status.service import StatusError
from ..timestamps import local_to_utc
from ..web.qr import qr_svg
from .auth import (
    CsrfChecked,
    SignedIn,
    SignedInOrganizer,
    WebSession,
    WebSessionDep,
    page,
    redirect_with_notice,
    take_flash,
)

router = APIRouter(prefix="/dashboard", tags=["pages"], include_in_schema=False)
STATUS_ACTIONS = {"revoke": "revoked", "suspend": "suspended", "unsuspend": "back in force"}  # what each makes it
SKIPPED_ROWS_NAMED = 5  # in the notice after an import; the preview lists them all


def organizer_page(
    request: Request,
    session: WebSession,
    organizer: SignedInOrganizer,
    template: str,
    context: dict,
    status_code: int = 200,
) -> Response:
    """A dashboard page, headed with the organizer's SIG."""
    return page(request, session, template, {"sig_name": organizer.sig_name, **context}, status_code)


async def back_to(
    db: Session, session: WebSession, meeting_id: int, notice: str = "", kind: str = "notice"
) -> RedirectResponse:
    return await redirect_with_notice(db, session, f"/dashboard/meetings/{meeting_id}", notice, kind)


async def organizer_meeting(meeting_id: RowId, organizer: SignedIn, db: Session) -> Meeting:
    return await find_meeting(db, organizer.sig_id, meeting_id)


OrganizerMeeting = Annotated[Meeting, Depends(organizer_meeting)]


@router.get("", response_class=HTMLResponse)
async def meetings(request: Request, session: WebSessionDep, organizer: SignedIn, db: Session, state: State):
    attendance = select(Attendance.meeting_id, func.count().label("people")).group_by(Attendance.meeting_id).subquery()
    rows = (
        await db.execute(
            select(Meeting, func.coalesce(attendance.c.people, 0))
            .outerjoin(attendance, attendance.c.meeting_id == Meeting.id)
            .where(Meeting.sig_id == organizer.sig_id)
            .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        )
    ).all()
    context = {
        "meetings": rows,
        "kinds": MEETING_KINDS,
        "time_zone": await sig_time_zone(db, organizer.sig_id),
        "organizer": organizer,
        "notice": await take_flash(db, session),
        "formats": await badge_formats(db, organizer.sig_id),
        "all_formats": all_formats(),
        "ledger": state.anoncreds is not None,
    }
    return organizer_page(request, session, organizer, "dashboard/meetings.html", context)


@router.post("/badge-formats", dependencies=[CsrfChecked])
async def change_badge_formats(
    session: WebSessionDep,
    organizer: SignedIn,
    db: Session,
    state: State,
    formats: Annotated[list[str] | None, Form()] = None,
) -> Response:
    try:
        chosen = await set_badge_formats(
            db, organizer.sig_id, formats or [], state.anoncreds, f"organizer:{organizer.email}"
        )
    except (ValueError, FormatUnavailable, AnonCredsSetupError) as exc:
        return await redirect_with_notice(db, session, "/dashboard", f"Badge formats not changed: {exc}")
    names = " and ".join(badge_format(name).label for name in chosen)
    return await redirect_with_notice(db, session, "/dashboard", f"Badges are now issued as {names}.")


@router.post("/meetings", dependencies=[CsrfChecked])
async def create_meeting(
    session: WebSessionDep,
    organizer: SignedIn,
    db: Session,
    kind: Annotated[str, Form()],
    title: Annotated[str, Form()],
    starts_at: Annotated[str, Form()],
    ends_at: Annotated[str, Form()],
    description: Annotated[str, Form()] = "",
) -> Response:
    zone = await sig_time_zone(db, organizer.sig_id)
    try:
        body = MeetingIn(
            kind=kind,
            title=title,
            description=description,
            starts_at=local_to_utc(starts_at, zone),
            ends_at=local_to_utc(ends_at, zone),
        )
    except (ValidationError, ValueError) as exc:
        problem = "; ".join(e["msg"] for e in exc.errors()) if isinstance(exc, ValidationError) else str(exc)
        return await redirect_with_notice(db, session, "/dashboard", f"The meeting was not created: {problem}", "error")
    meeting = await add_meeting(db, organizer.sig_id, body)
    return await back_to(db, session, meeting.id, "Meeting created. Next: upload its roster.")


async def last_status_changes(db: Session, credential_ids: list[str]) -> dict[str, StatusChange]:
    """Each credential's latest revocation or suspension: its row shows why."""
    latest: dict[str, StatusChange] = {}
    for change in await db.scalars(
        select(StatusChange)
        .where(StatusChange.credential_id.in_(credential_ids))
        .order_by(StatusChange.changed_at, StatusChange.id)
    ):
        latest[change.credential_id] = change
    return latest


async def badge_rows(db: Session, meeting: Meeting) -> list[dict]:
    rows = (
        await db.execute(
            select(Badge, Member, CredentialStatus)
            .join(Member, Badge.member_id == Member.id)
            .outerjoin(CredentialStatus, CredentialStatus.credential_id == Badge.credential_id)
            .where(Badge.meeting_id == meeting.id)
            .order_by(Member.name, Badge.id)
        )
    ).all()
    changes = await last_status_changes(db, [badge.credential_id for badge, _member, _status in rows])
    return [
        {
            "badge": badge,
            "member": member,
            "change": changes.get(badge.credential_id),
            "withdrawn": "revoked"
            if badge.revoked_at or (status_ and status_.revoked)
            else "suspended"
            if status_ and status_.suspended
            else None,
            "format": badge_format(badge.format),
            "delivery": delivery_state(badge),
            "suspendable": badge_format(badge.format).suspendable(badge),
        }
        for badge, member, status_ in rows
    ]


def progress(rows: list[dict]) -> dict:
    counts = state_counts(row["delivery"].stage for row in rows)
    return {"counts": counts, "total": len(rows), "active": bool(counts["pending"] or counts["offered"])}


@router.get("/meetings/{meeting_id}", response_class=HTMLResponse)
async def meeting_page(
    request: Request, session: WebSessionDep, organizer: SignedIn, meeting: OrganizerMeeting, db: Session, state: State
):
    attendees = list(
        await db.scalars(
            select(Member)
            .join(Attendance, Attendance.member_id == Member.id)
            .where(Attendance.meeting_id == meeting.id)
            .order_by(Member.name)
        )
    )
    talks = (
        await db.execute(
            select(Talk, Member)
            .join(Member, Talk.presenter_id == Member.id)
            .where(Talk.meeting_id == meeting.id)
            .order_by(Talk.id)
        )
    ).all()
    rows = await badge_rows(db, meeting)
    context = {
        "meeting": meeting,
        "attendees": attendees,
        "talks": talks,
        "rows": rows,
        "progress": progress(rows),
        "claim_links": meeting_claim_links(
            state.settings.base_url, await meeting_claim_tokens(db, state.secrets.claim_key, meeting.id)
        ),
        "mail_enabled": state.settings.mail_enabled,
        "mail": await meeting_mail(db, meeting.id),
        "notice": await take_flash(db, session),
        "organizer": organizer,
        "time_zone": await sig_time_zone(db, organizer.sig_id),
    }
    return organizer_page(request, session, organizer, "dashboard/meeting.html", context)


@router.get("/meetings/{meeting_id}/claim-links.csv")
async def claim_links_download(meeting: OrganizerMeeting, db: Session, state: State) -> Response:
    tokens = await meeting_claim_tokens(db, state.secrets.claim_key, meeting.id)
    return claim_links_csv(meeting.id, meeting_claim_links(state.settings.base_url, tokens))


@router.post("/meetings/{meeting_id}/members/{member_id}/claim-link", dependencies=[CsrfChecked])
async def new_claim_link(
    session: WebSessionDep, meeting: OrganizerMeeting, member_id: RowId, organizer: SignedIn, db: Session, state: State
) -> Response:
    """A link only known by its hash cannot be shown again: the organizer makes a new one (audited)."""
    member = await sig_row(db, Member, member_id, organizer.sig_id, "member")
    await reissue_claim_token(db, state.secrets.claim_key, member, f"organizer:{organizer.email}")
    notice = f"New claim link for {member.name}: copy it from the list of claim links. The old one no longer works."
    return await back_to(db, session, meeting.id, notice)


@router.get("/meetings/{meeting_id}/badges", response_class=HTMLResponse)
async def badges_fragment(
    request: Request, session: WebSessionDep, organizer: SignedIn, meeting: OrganizerMeeting, db: Session
):
    """The badge table alone: the meeting page polls it while badges are on their way."""
    rows = await badge_rows(db, meeting)
    return organizer_page(
        request,
        session,
        organizer,
        "dashboard/badges.html",
        {"meeting": meeting, "rows": rows, "progress": progress(rows)},
    )


@router.post("/meetings/{meeting_id}/talks", dependencies=[CsrfChecked])
async def create_talk(
    session: WebSessionDep,
    meeting: OrganizerMeeting,
    db: Session,
    title: Annotated[str, Form(min_length=1, max_length=300)],
    presenter_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    # The list starts with "choose…" (value ""): nobody presents a talk by default.
    if not presenter_id.isdigit():
        return await back_to(db, session, meeting.id, "The talk was not added: choose its presenter.", "error")
    try:
        await add_talk(db, meeting, title.strip(), int(presenter_id))
    except UnknownPresenter as exc:
        return await back_to(db, session, meeting.id, f"The talk was not added: {exc}.", "error")
    return await back_to(db, session, meeting.id, "Talk added.")


@router.post("/meetings/{meeting_id}/roster", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def roster_preview(
    request: Request,
    session: WebSessionDep,
    organizer: SignedIn,
    meeting: OrganizerMeeting,
    db: Session,
    file: UploadFile,
):
    """Nothing is stored yet: the organizer sees the rows that will be imported and those that will not."""
    data = await file.read(MAX_ROSTER_BYTES + 1)
    try:
        if len(data) > MAX_ROSTER_BYTES:
            raise RosterFormatError("the roster is larger than 5 MB")
        text = decode_roster(data)
        parsed = parse_roster(text)
    except RosterFormatError as exc:
        return await back_to(db, session, meeting.id, f"The roster cannot be read: {exc}")
    # The import step posts these very bytes back (base64: a form would rewrite the line endings).
    context = {
        "meeting": meeting,
        "parsed": parsed,
        "roster_base64": base64.b64encode(data).decode(),
        "filename": file.filename,
    }
    return organizer_page(request, session, organizer, "dashboard/roster_preview.html", context)


@router.post(
    "/meetings/{meeting_id}/roster/import",
    dependencies=[CsrfChecked],
    form_limits={"max_part_size": ROSTER_BASE64_BYTES},
)
async def roster_import(
    session: WebSessionDep,
    meeting: OrganizerMeeting,
    organizer: SignedIn,
    db: Session,
    state: State,
    roster_base64: Annotated[str, Form(max_length=ROSTER_BASE64_BYTES)],
) -> Response:
    try:
        data = base64.b64decode(roster_base64, validate=True)
        if len(data) > MAX_ROSTER_BYTES:
            raise RosterFormatError("the roster is larger than 5 MB")
        parsed = parse_roster(decode_roster(data))
    except (RosterFormatError, binascii.Error) as exc:
        return await back_to(db, session, meeting.id, f"The roster cannot be read: {exc}")
    report = await import_roster(
        db, state.secrets.claim_key, organizer.sig_id, meeting.id, parsed.entries, parsed.errors
    )
    notice = (
        f"Roster imported: {report.attendance_added} attendees added, {report.attendance_unchanged} already there, "
        f"{len(report.errors)} rows skipped"
    )
    if report.errors:
        skipped = [described_row(**error) for error in report.errors[:SKIPPED_ROWS_NAMED]]
        more = len(report.errors) - len(skipped)
        notice += ": " + "; ".join(skipped) + (f"; and {more} more" if more else "")
    return await back_to(db, session, meeting.id, notice + ".")


@router.post("/meetings/{meeting_id}/issue", dependencies=[CsrfChecked])
async def issue_all(session: WebSessionDep, meeting: OrganizerMeeting, db: Session, state: State) -> Response:
    _job, added = await start_meeting_job(db, meeting, mail=state.settings.mail_enabled)
    state.worker.wake()
    return await back_to(db, session, meeting.id, f"Issuing: {added} new badges on their way.")


@router.post("/meetings/{meeting_id}/members/{member_id}/mail", dependencies=[CsrfChecked])
async def resend_member_mail(
    member_id: RowId, session: WebSessionDep, organizer: SignedIn, meeting: OrganizerMeeting, db: Session, state: State
) -> Response:
    member = await sig_row(db, Member, member_id, organizer.sig_id, "member")
    if not state.settings.mail_enabled:
        return await back_to(db, session, meeting.id, "Nothing was mailed: no SMTP server is set up.")
    try:
        await resend_mail(db, member, meeting, f"organizer:{organizer.email}")
    except NothingToMail as exc:
        return await back_to(db, session, meeting.id, str(exc))
    state.worker.wake()
    return await back_to(db, session, meeting.id, f"Mail to {member.name} queued again.")


@router.post("/badges/{badge_id}/status", dependencies=[CsrfChecked])
async def change_badge_status(
    request: Request,
    session: WebSessionDep,
    badge_id: RowId,
    organizer: SignedIn,
    db: Session,
    state: State,
    action: Annotated[str, Form()],
    reason: Annotated[str, Form(max_length=1000)] = "",
    confirmed: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Suspending can be undone and is done at once; revoking is final, so it is asked for twice:
    the first post shows a confirmation page (no JavaScript needed), whose button posts it again."""
    badge = await sig_row(db, Badge, badge_id, organizer.sig_id, "badge")
    if badge.meeting_id is None:
        raise NotFound(f"no meeting badge {badge_id}")
    member = await db.get(Member, badge.member_id)
    whose = f"{member.name if member else 'the member'}'s {badge.kind} badge"
    if action not in STATUS_ACTIONS:
        return await back_to(db, session, badge.meeting_id, f"Unknown action {action!r}.", "error")
    if not reason.strip():
        problem = f"Not changed: say why you {action} {whose} (the reason is kept in its history)."
        return await back_to(db, session, badge.meeting_id, problem, "error")
    if action == "revoke" and confirmed != "yes":
        asked = {
            "badge": badge,
            "member": member,
            "meeting": await db.get(Meeting, badge.meeting_id),
            "reason": reason.strip(),
            "suspendable": badge_format(badge.format).suspendable(badge),
        }
        return organizer_page(request, session, organizer, "dashboard/confirm_revoke.html", asked)
    actor = f"organizer:{organizer.email}"
    try:
        context = StatusContext(state.agent, await state.issuers.of(organizer.sig_id), state.settings.base_url)
        await apply_status_action(db, badge, action, reason.strip(), actor, context)
    except CannotSuspend as exc:
        return await back_to(db, session, badge.meeting_id, str(exc), "error")
    except (LookupError, StatusError, CannotChangeStatus) as exc:
        return await back_to(db, session, badge.meeting_id, f"{whose} was not changed: {exc}", "error")
    return await back_to(db, session, badge.meeting_id, f"{whose} {STATUS_ACTIONS[action]}: {reason.strip()}")


@router.post("/meetings/{meeting_id}/door", dependencies=[CsrfChecked], response_class=HTMLResponse)
async def open_door_screen(
    request: Request, session: WebSessionDep, organizer: SignedIn, meeting: OrganizerMeeting, db: Session, state: State
):
    """Full screen for the meeting room's projector: attendees scan it to check in. Shown once, as
    it is opened: only the door token's hash is stored; opening it again replaces the token."""
    door_token = open_door(meeting, timedelta(minutes=state.settings.door_window_minutes))
    await db.commit()
    door_url = f"{state.settings.base_url}/d/{door_token}"
    context = {
        "meeting": meeting,
        "door_url": door_url,
        "qr_svg": qr_svg(door_url, fluid=True),
        "time_zone": await sig_time_zone(db, organizer.sig_id),
    }
    return organizer_page(request, session, organizer, "dashboard/door.html", context)


@router.get("/report", response_class=HTMLResponse)
async def report_page(
    request: Request, session: WebSessionDep, organizer: SignedIn, db: Session, since: str = "", until: str = ""
):
    """The health report of a period (default: the last twelve months), its chart and its CSV."""
    try:
        first = date.fromisoformat(since) if since else datetime.now(UTC).date() - timedelta(days=365)
        last = date.fromisoformat(until) if until else None
        check_period(first, last)
    except (ValueError, InvalidPeriod) as exc:
        problem = str(exc) if isinstance(exc, InvalidPeriod) else f"dates are YYYY-MM-DD ({exc})"
        context: dict[str, object] = {"report": None, "error": problem, "since": since, "until": until}
        return organizer_page(
            request, session, organizer, "dashboard/report.html", context, status.HTTP_422_UNPROCESSABLE_CONTENT
        )
    report = await sig_health_report(db, organizer.sig_id, first, last)
    query = f"since={first}" + (f"&until={last}" if last else "")
    context = {
        "report": report,
        "chart": attendance_chart(report),
        "csv_url": f"/dashboard/report.csv?{query}",
        "since": first.isoformat(),
        "until": last.isoformat() if last else "",
        "error": None,
    }
    return organizer_page(request, session, organizer, "dashboard/report.html", context)


@router.get("/report.csv")
async def report_csv_download(organizer: SignedIn, db: Session, since: date, until: date | None = None) -> Response:
    return csv_response(await period_report(db, organizer.sig_id, since, until))
