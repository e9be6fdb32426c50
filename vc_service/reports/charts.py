"""Server-side SVG charts: no JavaScript, readable by a screen reader (title, desc, text labels)."""

from xml.sax.saxutils import escape

from .health import HealthReport

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 260
CHART_WIDTH = 420


def attendance_chart(report: HealthReport) -> str:
    """Attendance per meeting, one horizontal bar each, the count written beside it."""
    rows = report.meetings
    largest = max((row.attendees for row in rows), default=0) or 1
    height = max(1, len(rows)) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + CHART_WIDTH + 60
    summary = "; ".join(f"{row.date} {row.title}: {row.attendees}" for row in rows) or "no meetings in the period"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-title chart-desc" '
        f'viewBox="0 0 {width} {height}" width="100%" font-family="system-ui, sans-serif" font-size="13">',
        '<title id="chart-title">Attendance per meeting</title>',
        f'<desc id="chart-desc">{escape(summary)}</desc>',
    ]
    for index, row in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        bar = round(CHART_WIDTH * row.attendees / largest)
        label = f"{row.date:%Y-%m-%d} {row.title}"
        label = label if len(label) <= 38 else label[:37] + "…"
        parts += [
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end" fill="#1a1a1a">{escape(label)}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{bar}" height="{BAR_HEIGHT}" fill="#0b5cad">'
            f"<title>{escape(label)}: {row.attendees}</title></rect>",
            f'<text x="{LABEL_WIDTH + bar + 6}" y="{y + 16}" fill="#1a1a1a">{row.attendees}</text>',
        ]
    parts.append("</svg>")
    return "\n".join(parts)
