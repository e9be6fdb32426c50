from dataclasses import asdict
from datetime import date

from fastapi import APIRouter
from fastapi.responses import Response

from ..deps import CurrentOrganizer, Session
from ..http import documented_content
from ..routing import csv_response
from .charts import attendance_chart
from .queries import period_report

router = APIRouter(tags=["reports"])


@router.get("/reports/health", summary="The SIG's health report for a period (JSON)")
async def health(organizer: CurrentOrganizer, session: Session, since: date, until: date | None = None) -> dict:
    report = await period_report(session, organizer.sig_id, since, until)
    return {**asdict(report), "pickup_rate": report.pickup_rate}


@router.get(
    "/reports/health.csv",
    summary="The same figures as CSV",
    response_class=Response,
    responses=documented_content("text/csv"),
)
async def health_csv(organizer: CurrentOrganizer, session: Session, since: date, until: date | None = None) -> Response:
    return csv_response(await period_report(session, organizer.sig_id, since, until))


@router.get(
    "/reports/health/attendance.svg",
    summary="Attendance per meeting, as an SVG chart",
    response_class=Response,
    responses=documented_content("image/svg+xml"),
)
async def health_chart(
    organizer: CurrentOrganizer, session: Session, since: date, until: date | None = None
) -> Response:
    report = await period_report(session, organizer.sig_id, since, until)
    return Response(attendance_chart(report), media_type="image/svg+xml")
