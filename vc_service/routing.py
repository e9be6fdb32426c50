"""Helpers that several routers and pages share, kept here so that no router imports another."""

import csv
import io
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .deps import OrganizerIdentity, Session
from .errors import NotFound
from .http.ratelimit import RateLimit
from .meetings.models import Meeting
from .meetings.service import find_meeting
from .members.models import Member
from .members.tokens import token_hash
from .reports.export import as_text, report_csv
from .reports.health import HealthReport

# Public and costly (the agent checks each proof): one limit for the API and the verify page.
verify_limit = RateLimit("verify_rate_limit")
# Public endpoints of a member's claim link that make the agent work or write rows, per client.
claim_limit = RateLimit("claim_rate_limit")


async def member_by_token(session: Session, token: str) -> Member:
    member = await session.scalar(select(Member).where(Member.claim_token_hash == token_hash(token)))
    if member is None:
        raise NotFound("unknown claim link")
    return member


ClaimingMember = Annotated[Member, Depends(member_by_token)]


async def sig_meeting(session: AsyncSession, organizer: OrganizerIdentity, meeting_id: int) -> Meeting:
    """The organizer's SIG's meeting; another SIG's is a 404, as a missing one."""
    return await find_meeting(session, organizer.sig_id, meeting_id)


def claim_urls(base_url: str, token: str) -> dict[str, str]:
    """Where a member claims their badges: the claim page, the short invitation URL and its QR code."""
    return {
        "claim_url": f"{base_url}/c/{token}",
        "invitation_short_url": f"{base_url}/i/{token}",
        "qr_url": f"{base_url}/c/{token}/qr.svg",
    }


def meeting_claim_links(base_url: str, tokens: list[tuple[Member, str | None]]) -> list[dict]:
    """The attendees' claim links as the meeting page, its CSV, the API and the CLI give them; the
    URLs are None for a link made before links were derived (the organizer makes a new one)."""
    return [
        {
            "member_id": member.id,
            "name": member.name,
            "email": member.email,
            "wallet_connected": member.connection_state == "active",
            **(
                claim_urls(base_url, token) if token else dict.fromkeys(("claim_url", "invitation_short_url", "qr_url"))
            ),
        }
        for member, token in tokens
    ]


def claim_links_csv(meeting_id: int, links: list[dict]) -> Response:
    """name, email, link: for a mail merge. Names and emails come from rosters and the door form,
    so a cell a spreadsheet would run as a formula is written as text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "link"])
    writer.writerows([as_text(link["name"]), as_text(link["email"] or ""), link["claim_url"] or ""] for link in links)
    return Response(
        out.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="meeting-{meeting_id}-claim-links.csv"'},
    )


def invitation_responses(refusals: dict[int, dict]) -> dict:
    """``responses=`` of a short invitation URL (RFC 0434): the invitation's JSON for a wallet that
    asks for it, the page for a browser, otherwise a redirect; and the route's own refusals."""
    return {
        200: {
            "description": "The out-of-band invitation (Accept: application/json), or the page for a browser",
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "text/html": {"schema": {"type": "string"}},
            },
        },
        302: {"description": "A wallet: the out-of-band invitation URL"},
        **refusals,
    }


def wants_page(request: Request) -> bool:
    """A browser, which asks for HTML, rather than a wallet, which asks for JSON or follows a redirect."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept


def csv_response(report: HealthReport) -> Response:
    """The health report as a CSV download, named after its period."""
    filename = f"sig-health-{report.since}-{report.until or 'now'}.csv"
    return Response(
        report_csv(report), media_type="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
