"""Server-side SVG charts: no JavaScript, readable by a screen reader (title, desc, text labels).

Drawn in CSS pixels, not in a viewBox scaled to the page: the text keeps its size on a phone as
on a wide screen, and only the bars' lengths (percentages) follow the width. Each label sits on its
own line(s) above its bar, starting at the left edge, so nothing is cut on the left.
"""

import textwrap
from xml.sax.saxutils import escape

from .health import HealthReport

FONT_SIZE = 15
LINE_HEIGHT = 19
BAR_HEIGHT = 18
GAP = 12
# Characters a label line holds: 34 capitals or digits at 15 px (about 320 px) fit a phone's
# 358 px wide column (the page's width less its margins); longer labels wrap, and past three
# lines end in "…" (the table under the chart has every title whole).
LABEL_CHARS = 34
LABEL_LINES = 3
BAR_SPAN = 85  # percent of the width the longest bar takes: its count is written after it


def label_lines(label: str) -> list[str]:
    """The label wrapped, each line keeping the space it was broken at: the lines joined, which is
    what a screen reader reads, are the label."""
    lines = textwrap.wrap(label, LABEL_CHARS, drop_whitespace=False) or [""]
    for index in range(1, len(lines)):
        if lines[index].startswith(" "):
            lines[index - 1] += " "
            lines[index] = lines[index].lstrip()
    if len(lines) > LABEL_LINES:
        lines = lines[:LABEL_LINES]
        lines[-1] = lines[-1][: LABEL_CHARS - 1].rstrip() + "…"
    return lines


def attendance_chart(report: HealthReport) -> str:
    """Attendance per meeting, one horizontal bar each, under its date and title, the count beside it."""
    rows = report.meetings
    largest = max((row.attendees for row in rows), default=0) or 1
    summary = "; ".join(f"{row.date} {row.title}: {row.attendees}" for row in rows) or "no meetings in the period"
    body: list[str] = []
    y = GAP
    for row in rows:
        label = f"{row.date:%Y-%m-%d} {row.title}"
        lines = label_lines(label)
        spans = "".join(
            f'<tspan x="0" dy="{LINE_HEIGHT if index else 0}">{escape(line)}</tspan>'
            for index, line in enumerate(lines)
        )
        body.append(f'<text y="{y + FONT_SIZE}" fill="#1a1a1a">{spans}</text>')
        y += len(lines) * LINE_HEIGHT + 4
        bar = round(BAR_SPAN * row.attendees / largest, 2)
        body += [
            f'<rect x="0" y="{y}" width="{bar}%" height="{BAR_HEIGHT}" fill="#0b5cad">'
            f"<title>{escape(label)}: {row.attendees}</title></rect>",
            f'<text x="{bar}%" dx="6" y="{y + BAR_HEIGHT - 4}" fill="#1a1a1a">{row.attendees}</text>',
        ]
        y += BAR_HEIGHT + GAP
    height = max(y, 2 * GAP)
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-title chart-desc" '
            f'width="100%" height="{height}" font-family="system-ui, sans-serif" font-size="{FONT_SIZE}">',
            '<title id="chart-title">Attendance per meeting</title>',
            f'<desc id="chart-desc">{escape(summary)}</desc>',
            *body,
            "</svg>",
        ]
    )
