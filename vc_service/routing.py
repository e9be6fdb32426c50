"""Helpers that several routers and pages share, kept here so that no router imports another."""

from typing import Annotated

from fastapi import Depends
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
from .reports.export import report_csv
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


def csv_response(report: HealthReport) -> Response:
    """The health report as a CSV download, named after its period."""
    filename = f"sig-health-{report.since}-{report.until or 'now'}.csv"
    return Response(
        report_csv(report), media_type="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
