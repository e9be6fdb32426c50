"""What a first-time organizer tripped over (issue 20), in Debian's chromium at phone and desktop widths:
the home page and icon, the badge-format checkboxes, the presenter list, roster errors and attendees."""

import httpx
import pytest
from playwright.sync_api import Page, expect

from ..issuance.didcomm import create_meeting, import_roster
from .browser import DESKTOP, PHONE, screenshot, sideways_overflow, sign_in

WIDTHS = {"phone": PHONE, "desktop": DESKTOP}


@pytest.fixture(scope="module")
def signed_in(browser, service, organizer_email) -> dict:
    """One sign-in for the module's pages (the sign-in form is rate limited), as a browser storage state."""
    page = sign_in(browser, service, organizer_email)
    state = page.context.storage_state()
    page.context.close()
    return state


def organizer_page(browser, signed_in: dict, width: str) -> Page:
    return browser.new_context(viewport=WIDTHS[width], storage_state=signed_in).new_page()


def decoded_icon_widths(page: Page) -> dict[str, int]:
    """Each icon the page links to, as chromium decodes it: its natural width (0 if it cannot)."""
    return page.evaluate(
        """async () => Object.fromEntries(await Promise.all(
             [...document.querySelectorAll("link[rel=icon]")].map(async (link) => {
               const image = new Image();
               image.src = link.href;
               try { await image.decode(); } catch (error) { return [link.getAttribute("href"), 0]; }
               return [link.getAttribute("href"), image.naturalWidth];
             })))"""
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_the_home_page_says_what_this_is_and_leads_to_sign_in_and_verify(service, browser, backend, width):
    page = browser.new_page(viewport=WIDTHS[width])
    page.goto(f"{service.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("badges you can check")
    expect(page.get_by_text("Each badge is an Open Badge 3.0")).to_be_visible()
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="Sign in")).to_have_attribute("href", "/login")
    expect(main.get_by_role("heading", name="Members")).to_be_visible()
    assert sideways_overflow(page) == 0
    screenshot(page, f"{backend}-home-{width}")
    main.get_by_role("link", name="Verify a badge").click()
    expect(page.get_by_role("heading", name="Verify a badge")).to_be_visible()
    page.locator("header.site a.name").click()  # the SIG's name in the header leads home
    expect(page).to_have_url(f"{service.url}/")
    page.close()


def test_every_page_links_an_icon_that_chromium_shows(service, browser, signed_in):
    icon = httpx.get(f"{service.url}/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/vnd.microsoft.icon"
    assert icon.content[:4] == b"\0\0\1\0"  # an ICO file's header
    page = organizer_page(browser, signed_in, "desktop")
    for path in ("/", "/login", "/verify", "/dashboard", "/dashboard/report"):
        page.goto(f"{service.url}{path}")
        widths = decoded_icon_widths(page)
        assert set(widths) == {"/favicon.ico", "/static/icon.svg"} and all(widths.values()), (path, widths)
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_badge_format_checkboxes_sit_before_their_labels_text(service, browser, signed_in, backend, width):
    page = organizer_page(browser, signed_in, width)
    page.goto(f"{service.url}/dashboard")
    labels = page.locator("fieldset label")
    expect(labels).not_to_have_count(0)
    for label in labels.all():
        where = label.evaluate(
            """(label) => {
                 const text = [...label.childNodes].find((node) => node.nodeType === 3 && node.textContent.trim());
                 const range = document.createRange();
                 range.selectNodeContents(text);
                 const box = label.querySelector("input").getBoundingClientRect();
                 const line = range.getClientRects()[0];
                 return {left: box.left - label.getBoundingClientRect().left, right: box.right, top: box.top,
                         bottom: box.bottom, textLeft: line.left, textTop: line.top, textBottom: line.bottom};
               }"""
        )
        assert where["left"] < 2 and where["right"] <= where["textLeft"], where  # at the left, before the text
        middle = (where["top"] + where["bottom"]) / 2
        assert where["textTop"] <= middle <= where["textBottom"], where  # on the text's first line
    screenshot(page, f"{backend}-badge-formats-{width}")
    page.close()


def test_the_presenter_is_chosen_not_defaulted(service, browser, signed_in, backend):
    meeting = create_meeting(service, title="Choose the presenter")
    import_roster(
        service, meeting["id"], "name,email\nAda Presenter,ada.presenter@example.org\nBo Second,bo.second@example.org\n"
    )
    page = organizer_page(browser, signed_in, "phone")
    page.goto(f"{service.url}/dashboard/meetings/{meeting['id']}")
    presenter = page.get_by_label("Presenter", exact=True)
    expect(presenter).to_have_value("")
    expect(presenter.locator("option").first).to_have_text("choose…")
    page.get_by_label("Talk title").fill("Unattributed")
    page.get_by_role("button", name="Add talk").click()
    assert presenter.evaluate("(select) => select.validity.valueMissing")  # the browser asks for a choice
    # A form posted without the browser's check (an old browser, a script) is refused by the server too.
    presenter.evaluate("(select) => { select.form.noValidate = true; }")
    page.get_by_role("button", name="Add talk").click()
    expect(page.get_by_role("alert")).to_have_text("The talk was not added: choose its presenter.")
    talks = service.client(organizer=True).get(f"/meetings/{meeting['id']}/talks").json()
    assert talks == []
    page.get_by_label("Talk title").fill("Attributed")
    page.get_by_label("Presenter", exact=True).select_option(label="Bo Second")
    page.get_by_role("button", name="Add talk").click()
    expect(page.get_by_text("Attributed — Bo Second")).to_be_visible()
    screenshot(page, f"{backend}-presenter-chosen")
    page.close()


def test_roster_errors_name_line_and_person_and_the_meeting_lists_its_attendees(service, browser, signed_in, backend):
    meeting = create_meeting(service, title="Named roster errors")
    roster = (
        "name,email\n"
        "Cy Attendee,cy.attendee@example.org\n"
        "Ann Lee,\n"
        ",nameless@example.org\n"
        "Dee Attendee,dee.attendee@example.org\n"
    )
    page = organizer_page(browser, signed_in, "phone")
    page.goto(f"{service.url}/dashboard/meetings/{meeting['id']}")
    expect(page.get_by_text("No attendees yet.")).to_be_visible()
    page.get_by_label("Attendance CSV").set_input_files(
        files=[{"name": "roster.csv", "mimeType": "text/csv", "buffer": roster.encode()}]
    )
    page.get_by_role("button", name="Preview roster").click()
    invalid = page.get_by_role("region", name="Rows that will not be imported").get_by_role("listitem")
    expect(invalid).to_have_text(
        ["line 3 (Ann Lee): '' is not an email address", "line 4 (nameless@example.org): name is empty"]
    )
    assert sideways_overflow(page) == 0
    screenshot(page, f"{backend}-roster-errors-phone")
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.get_by_role("status")).to_have_text(
        "Roster imported: 2 attendees added, 0 already there, 2 rows skipped: "
        "line 3 (Ann Lee): '' is not an email address; line 4 (nameless@example.org): name is empty."
    )
    attendees = page.get_by_role("region", name="Attendees (2)").get_by_role("listitem")
    expect(attendees).to_have_text(["Cy Attendee cy.attendee@example.org", "Dee Attendee dee.attendee@example.org"])
    screenshot(page, f"{backend}-roster-imported-phone")
    page.close()
