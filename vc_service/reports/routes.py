from dataclasses import asdict
from datetime import date

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import Response

from ..deps import CurrentOrganizer, Session
from ..http import documented_content
from .charts import attendance_chart
from .export import report_csv
from .health import HealthReport
from .queries import sig_health_report

router = APIRouter(tags=["reports"])


def check_period(since: date, until: date | None) -> None:
    if until is not None and until < since:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"until ({until}) is before since ({since})")


async def period_report(session: Session, sig_id: int, since: date, until: date | None) -> HealthReport:
    check_period(since, until)
    return await sig_health_report(session, sig_id, since, until)


def csv_response(report: HealthReport) -> Response:
    filename = f"sig-health-{report.since}-{report.until or 'now'}.csv"
    return Response(
        report_csv(report), media_type="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


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
