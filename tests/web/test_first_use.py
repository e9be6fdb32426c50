"""What a first-time organizer, member and verifier meet, in Debian's chromium against the real
service: the SIG's profile and time zone, meeting kinds in words, a badge
picked up as a file (its own stage), the report's pickup rate, and the verify page naming whose
badge it is, for which meeting, when, and from whom."""

import json

from playwright.sync_api import expect

from ..issuance.didcomm import claim_token, import_roster, members_by_email
from .browser import screenshot, sign_in

PROFILE = {
    "name": "First-use Healthcare SIG",
    "description": "Clinicians reading papers together.",
    "url": "https://first-use.example.org",
    "image": "https://first-use.example.org/logo.png",
    "time_zone": "Europe/Berlin",
}


def test_a_first_meeting_from_profile_to_verified_file(service, browser, organizer_email, backend, tmp_path):
    organizer = service.client(organizer=True)
    before = organizer.get("/sig/profile").json()
    try:
        run_first_meeting(service, browser, organizer_email, backend, tmp_path)
    finally:
        assert organizer.put("/sig/profile", json=before).status_code == 200


def run_first_meeting(service, browser, organizer_email, backend, tmp_path):
    organizer = service.client(organizer=True)
    page = sign_in(browser, service, organizer_email)

    # The SIG's profile, on the dashboard: a wrong time zone is refused by name, the form kept as typed.
    page.get_by_role("link", name="SIG profile").click()
    page.get_by_label("Name", exact=True).fill(PROFILE["name"])
    page.get_by_label("Description").fill(PROFILE["description"])
    page.get_by_label("Web page").fill(PROFILE["url"])
    page.get_by_label("Image").fill(PROFILE["image"])
    page.get_by_label("Time zone").fill("Mars/Olympus_Mons")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("alert")).to_contain_text("'Mars/Olympus_Mons' is not a time zone")
    expect(page.get_by_label("Web page")).to_have_value(PROFILE["url"])  # what was typed is kept
    page.get_by_label("Time zone").fill(PROFILE["time_zone"])
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Profile saved")
    screenshot(page, f"{backend}-sig-profile")
    assert {key: organizer.get("/sig/profile").json()[key] for key in PROFILE} == PROFILE

    # A meeting entered in the SIG's time zone: 18:00 in Berlin in March is 17:00 UTC.
    page.get_by_role("link", name="Meetings").click()
    expect(page.get_by_role("option", name="Guest presentation")).to_have_count(1)
    page.get_by_label("Title").fill("First-use guest talk")
    page.get_by_label("Kind").select_option(label="Guest presentation")
    page.get_by_label("Starts (Europe/Berlin)").fill("2024-03-05T18:00")
    page.get_by_label("Ends (Europe/Berlin)").fill("2024-03-05T19:30")
    page.get_by_role("button", name="Create meeting").click()
    expect(page.get_by_role("heading", name="First-use guest talk")).to_be_visible()
    expect(page.get_by_text("Guest presentation · 2024-03-05 18:00–19:30 Europe/Berlin")).to_be_visible()
    meeting_id = int(page.url.rsplit("/", 1)[1])
    meeting = organizer.get(f"/meetings/{meeting_id}").json()
    assert meeting["starts_at"].startswith("2024-03-05T17:00:00")

    import_roster(service, meeting_id, "name,email\nAda First,ada.first@example.org\nBo Second,bo.second@example.org\n")
    page.reload()
    page.get_by_role("button", name="Issue all badges").click()
    expect(page.locator("#badges")).to_contain_text("Pending 2")

    # Ada downloads her badge from her claim page: it is picked up as a file, not "issued".
    ada = members_by_email(service)["ada.first@example.org"]
    token = claim_token(service, ada)
    ada_badge = next(
        b for b in organizer.get(f"/meetings/{meeting_id}/badges").json()["badges"] if b["member_id"] == ada["id"]
    )
    credential = service.client().get(f"/c/{token}/badges/{ada_badge['id']}.json").json()
    assert credential["credentialSubject"]["name"] == "Ada First"
    assert credential["issuer"]["name"] == PROFILE["name"] and credential["issuer"]["url"] == PROFILE["url"]
    page.reload()
    ada_row = page.locator(f"#badge-{ada_badge['id']}")
    expect(ada_row).to_contain_text("picked up as a file")
    expect(ada_row).not_to_contain_text("issued")
    expect(page.locator("#badges")).to_contain_text("picked up as a file 1")
    progress = organizer.get(f"/meetings/{meeting_id}/badges").json()
    assert (progress["counts"]["downloaded"], progress["counts"]["issued"], progress["counts"]["pending"]) == (1, 0, 1)
    screenshot(page, f"{backend}-meeting-picked-up-as-file")

    # The report: of the 2 badges issued, 1 was picked up (as a file); Bo's reached nobody.
    page.goto(f"{service.url}/dashboard/report?since=2024-03-01&until=2024-03-31")
    expect(page.locator("#pickup")).to_have_text("50.0 %: 1 of 2 badges issued were picked up (1 by file download).")
    expect(page.locator("#pickup-stages").get_by_role("row", name="picked up as a file 1")).to_be_visible()
    expect(page.locator("#pickup-stages").get_by_role("row", name="pending 1")).to_be_visible()
    expect(page.locator("table").first).to_contain_text("Guest presentation")
    screenshot(page, f"{backend}-report-pickup")

    # A verifier drops the file on the verify page: whose, which meeting, when, and from whom.
    path = tmp_path / "ada.json"
    path.write_text(json.dumps(credential))
    verify = browser.new_page()
    verify.goto(f"{service.url}/verify")
    verify.get_by_label("Credential file").set_input_files(path)
    verify.get_by_role("button", name="Verify").click()
    verdict = verify.locator("section[aria-labelledby=verdict]")
    expect(verdict).to_contain_text("Valid: this badge checks out.")
    facts = verdict.locator("dl.badge-facts")
    expect(facts).to_contain_text("MemberAda First")
    expect(facts).to_contain_text("BadgeAttendance: First-use guest talk")
    expect(facts).to_contain_text("Meeting date05 March 2024")
    expect(facts).to_contain_text(f"Issued by{PROFILE['name']}")
    screenshot(verify, f"{backend}-verify-names-member")

    # A SIG that leaves names out: Bo's badge carries no name, and the page says so.
    assert organizer.put("/sig/profile", json={**PROFILE, "names_in_badges": False}).status_code == 200
    bo = members_by_email(service)["bo.second@example.org"]
    bo_badge = next(
        b for b in organizer.get(f"/meetings/{meeting_id}/badges").json()["badges"] if b["member_id"] == bo["id"]
    )
    unnamed = service.client().get(f"/c/{claim_token(service, bo)}/badges/{bo_badge['id']}.json").json()
    assert "Bo Second" not in json.dumps(unnamed) and "name" not in unnamed["credentialSubject"]
    path.write_text(json.dumps(unnamed))
    verify.goto(f"{service.url}/verify")
    verify.get_by_label("Credential file").set_input_files(path)
    verify.get_by_role("button", name="Verify").click()
    expect(verify.locator("dl.badge-facts")).to_contain_text("Membernot named in the badge")
