"""The report's figures as CSV: one file, a section per table, each with its own header row."""

import csv
import io

from .health import HealthReport

# A spreadsheet runs a cell starting with one of these as a formula. Titles, names and regions come
# from organizers, rosters and the door form (anyone in the room), so they are written as text,
# behind an apostrophe, as OWASP advises against CSV injection.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def report_csv(report: HealthReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    period = f"{report.since}..{report.until or ''}"
    writer.writerows([["section", "period"], ["health report", period], []])
    writer.writerow(["meeting date", "title", "kind", "attendees", "new", "returning"])
    writer.writerows([[m.date, as_text(m.title), m.kind, m.attendees, m.new, m.returning] for m in report.meetings])
    writer.writerows([[], ["meeting kind", "average attendance"], *report.average_by_kind.items()])
    writer.writerows([[], ["members", "count"], ["new", report.new_members], ["returning", report.returning_members]])
    writer.writerows(
        [
            [],
            ["badges", "count"],
            ["issued", report.badges_issued],
            ["picked up", report.badges_picked_up],
            ["pickup rate", "" if report.pickup_rate is None else report.pickup_rate],
            *[[f"picked up by {channel}", count] for channel, count in report.picked_up_by_channel.items()],
            *[[f"now {stage}", count] for stage, count in report.badges_by_stage.items()],
        ]
    )
    writer.writerows(
        [
            [],
            ["talk date", "title", "presenter"],
            *[[t["date"], as_text(t["title"]), as_text(t["presenter"])] for t in report.talks],
        ]
    )
    writer.writerows(
        [[], ["region", "attendees"], *[[as_text(region), count] for region, count in report.regions.items()]]
    )
    return out.getvalue()
