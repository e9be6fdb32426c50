"""Helpers that several routers and pages share, kept here so that no router imports another."""

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from .deps import OrganizerIdentity
from .http.ratelimit import RateLimit
from .meetings.models import Meeting
from .meetings.service import find_meeting
from .reports.export import report_csv
from .reports.health import HealthReport

# Public and costly (the agent checks each proof): one limit for the API and the verify page.
verify_limit = RateLimit("verify_rate_limit")


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
