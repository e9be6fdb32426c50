"""The report through the API, the dashboard (Debian's chromium) and `vc-service report`, on the seeded SIG."""

import csv
import io

import pytest
from playwright.sync_api import expect

from ..web.browser import DESKTOP, PHONE, screenshot, sideways_overflow, sign_in
from .seed import EXPECTED_MEETINGS, MEETINGS, SINCE, TALKS, UNTIL, at, region

PERIOD = {"since": SINCE.isoformat(), "until": UNTIL.isoformat()}


@pytest.fixture(scope="module")
def seeded(service):
    organizer = service.client(organizer=True)
    for number in range(1, 36):
        body = {"name": f"Report member {number}", "email": f"report{number}@example.org", "region": region(number)}
        assert organizer.post("/members", json=body).status_code == 201
    ids = {}
    for day, kind, title, attendees in MEETINGS:
        meeting = organizer.post(
            "/meetings",
            json={
                "kind": kind,
                "title": title,
                "starts_at": at(day).isoformat(),
                "ends_at": at(day).replace(hour=18).isoformat(),
            },
        ).json()
        ids[title] = meeting["id"]
        roster = "name,email\n" + "".join(f"Report member {n},report{n}@example.org\n" for n in sorted(attendees))
        assert (
            organizer.post(
                f"/meetings/{meeting['id']}/roster", content=roster.encode(), headers={"content-type": "text/csv"}
            ).status_code
            == 200
        )
    members = {m["email"]: m["id"] for m in organizer.get("/members").json()}
    for meeting, title, presenter in TALKS:
        talk = {"title": title, "presenter_id": members[f"report{presenter}@example.org"]}
        assert organizer.post(f"/meetings/{ids[meeting]}/talks", json=talk).status_code == 201
    return ids


def test_the_api_gives_the_hand_counted_figures(service, seeded):
    report = service.client(organizer=True).get("/reports/health", params=PERIOD).json()
    assert [(m["title"], m["attendees"], m["new"], m["returning"]) for m in report["meetings"]] == EXPECTED_MEETINGS
    assert report["average_by_kind"] == {"general": 16.5, "guest-presentation": 24.0, "subgroup": 3.0}
    assert (report["new_members"], report["returning_members"], report["presenters"]) == (24, 10, 2)
    assert report["regions"] == {"Americas": 12, "not stated": 12, "Europe": 8, "Asia": 2}
    talks = [(talk["date"], talk["title"], talk["presenter"]) for talk in report["talks"]]
    assert talks == [
        ("2025-02-20", "Talk A", "Report member 21"),
        ("2025-04-05", "Talk C", "Report member 21"),
        ("2025-04-20", "Talk B", "Report member 26"),
    ]
    assert (report["badges_issued"], report["pickup_rate"]) == (0, None)  # no badge was issued here
    exported = service.client(organizer=True).get("/reports/health.csv", params=PERIOD)
    assert exported.headers["content-type"].startswith("text/csv")
    assert ["general", "16.5"] in list(csv.reader(io.StringIO(exported.text)))
    chart = service.client(organizer=True).get("/reports/health/attendance.svg", params=PERIOD)
    assert chart.headers["content-type"] == "image/svg+xml" and chart.text.count("<rect") == 7
    assert 'role="img"' in chart.text and '<desc id="chart-desc">2025-02-05 February general: 15;' in chart.text


@pytest.mark.parametrize(
    ("params", "problem"),  # the detail: our sentence, or where FastAPI's validation errors point
    [
        ({"since": "2025-06-30", "until": "2025-02-01"}, "until (2025-02-01) is before since (2025-06-30)"),
        ({"since": "last spring"}, [["query", "since"]]),
        ({"since": "2025-02-01", "until": "2025-02-30"}, [["query", "until"]]),
        ({}, [["query", "since"]]),
    ],
)
@pytest.mark.parametrize("path", ["/reports/health", "/reports/health.csv", "/reports/health/attendance.svg"])
def test_bad_periods_are_422_naming_the_problem(service, path, params, problem):
    answer = service.client(organizer=True).get(path, params=params)
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    assert (detail if isinstance(detail, str) else [error["loc"] for error in detail]) == problem
    assert service.client().get(path, params=PERIOD).status_code == 401


@pytest.fixture(scope="module")
def signed_in(browser, service, organizer_email) -> dict:
    """One sign-in for the module's pages (the sign-in form is rate limited), as a browser storage state."""
    page = sign_in(browser, service, organizer_email)
    state = page.context.storage_state()
    page.close()
    return state


def test_the_dashboard_shows_the_report(service, seeded, browser, signed_in, backend):
    page = browser.new_page(viewport=DESKTOP, storage_state=signed_in)
    page.goto(f"{service.url}/dashboard")
    page.get_by_role("link", name="Report").click()
    page.get_by_label("From").fill(PERIOD["since"])
    page.get_by_label("To (optional)").fill(PERIOD["until"])
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#averages").get_by_role("row", name="General meeting 16.5")).to_be_visible()
    expect(page.locator("#averages").get_by_role("row", name="Guest presentation 24.0")).to_be_visible()
    expect(page.locator("#members-figures")).to_have_text("24 new, 10 returning (attended before this period).")
    expect(page.get_by_role("img", name="Attendance per meeting")).to_be_visible()
    expect(page.locator("#regions").get_by_role("row", name="Americas 12")).to_be_visible()
    screenshot(page, f"{backend}-report")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these figures as CSV").click()
    assert "general,16.5" in download.value.path().read_text()


def test_the_terminal_report(service, seeded, tmp_path):
    path = tmp_path / "report.csv"
    shown = service.command("report", "--since", PERIOD["since"], "--until", PERIOD["until"], "--csv", str(path))
    assert "16.5" in shown and "24" in shown and "24 new, 10 returning" in shown
    assert "general,16.5" in path.read_text()


CHART_PERIOD = {"since": "2024-03-01", "until": "2024-03-31"}
LONG_TITLES = [  # as the first SIG names its meetings: the date and the SIG's name before the subject
    "Healthcare SIG — general meeting: journal club on the 2026 sepsis guidelines",
    "Healthcare SIG — guest presentation by Dr. Wilhelmina Montgomery-Whitfield",
    "ICU WORKING GROUP — QUARTERLY REVIEW OF VENTILATOR-ASSOCIATED PNEUMONIA",  # capitals are wider
]


def test_the_charts_labels_are_whole_and_readable_at_any_width(service, browser, signed_in, backend):
    organizer = service.client(organizer=True)
    for day, title in enumerate(LONG_TITLES, start=2):
        meeting = organizer.post(
            "/meetings",
            json={
                "kind": "general",
                "title": title,
                "starts_at": f"2024-03-0{day}T17:00:00Z",
                "ends_at": f"2024-03-0{day}T18:00:00Z",
            },
        ).json()
        roster = "name,email\n" + "".join(f"Chart member {n},chart{n}@example.org\n" for n in range(day))
        organizer.post(f"/meetings/{meeting['id']}/roster", content=roster, headers={"content-type": "text/csv"})
    page = browser.new_page(viewport=PHONE, storage_state=signed_in)
    for width, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        page.goto(f"{service.url}/dashboard/report?since={CHART_PERIOD['since']}&until={CHART_PERIOD['until']}")
        chart = page.get_by_role("img", name="Attendance per meeting")
        expect(chart).to_be_visible()
        assert chart.bounding_box()["width"] == page.locator("main").bounding_box()["width"]  # the page's whole width
        texts = chart.evaluate(
            """(svg) => {
                 const frame = svg.getBoundingClientRect(), scale = svg.getScreenCTM().a;
                 return [...svg.querySelectorAll("text")].map((text) => {
                   const box = text.getBoundingClientRect();
                   return {text: text.textContent, left: box.left - frame.left, right: frame.right - box.right,
                           pixels: parseFloat(getComputedStyle(text).fontSize) * scale};
                 });
               }"""
        )
        assert len(texts) == 2 * len(LONG_TITLES)  # a label and a count a bar
        for text in texts:
            assert text["left"] >= 0 and text["right"] >= 0, text  # inside the chart, not cut at either edge
            assert text["pixels"] >= 15, text  # the page's text is 17 px: a phone does not shrink the chart's
        assert texts[0]["text"] == f"2024-03-02 {LONG_TITLES[0]}"  # whole, wrapped at its spaces
        assert sideways_overflow(page) == 0  # nor does the table beside it scroll sideways (cards on a phone)
        expect(page.locator("#meetings tbody tr").first).to_contain_text(LONG_TITLES[0])
        screenshot(page, f"{backend}-report-chart-{width}")
    page.close()
