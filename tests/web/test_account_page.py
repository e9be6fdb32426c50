"""The account page and the door's check-in answer, as people see them in Debian's chromium."""

from playwright.sync_api import expect

from ..issuance.didcomm import create_meeting
from .browser import add_organizer, screenshot, sign_in


def test_an_organizer_changes_the_password_and_disables_another_in_the_browser(service, browser, backend):
    chair, other = f"chair.{backend}@example.org", f"helper.{backend}@example.org"
    for email in (chair, other):
        add_organizer(service, email)
    page = sign_in(browser, service, chair)
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", name="Account")).to_be_visible()
    page.get_by_label("Current password").fill("not the password at all")
    page.get_by_label("New password (at least 12 characters, hard to guess)").fill("a fresh long passphrase")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_have_text("Password not changed: the current password is wrong.")
    page.get_by_role("button", name=f"Disable {other}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Organizer {other} disabled")
    expect(page.locator("tr", has_text=other)).to_contain_text("disabled")
    screenshot(page, f"{backend}-account")
    page.reload()  # a notice is shown once, from the session
    expect(page.get_by_role("status")).to_have_count(0)
    page.get_by_role("button", name=f"Enable {other}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Organizer {other} enabled")
    page.close()


def test_an_existing_members_door_check_in_shows_a_page_without_their_link(service, browser, backend):
    organizer = service.client(organizer=True)
    member = organizer.post("/members", json={"name": "Dee Known", "email": f"dee.{backend}@example.org"}).json()
    meeting = create_meeting(service, title="Door in the browser")
    door_url = organizer.post(f"/meetings/{meeting['id']}/door", json={}).json()["door_url"]
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone in the meeting room
    page.goto(door_url)
    page.get_by_label("Name").fill("Someone Else")
    page.get_by_label("Email").fill(member["email"])
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text("checked in", exact=False).first).to_be_visible()
    assert page.url == door_url and member["claim_url"] not in page.content() and "Dee Known" not in page.content()
    screenshot(page, f"{backend}-door-checked-in")
    page.close()
