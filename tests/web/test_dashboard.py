"""An organizer runs a meeting from the browser: Debian's chromium, a real issuer agent, a second agent as the wallets."""

import json

from playwright.sync_api import expect

from ..issuance.didcomm import (
    claim_token,
    connect_wallet,
    create_meeting,
    import_roster,
    meeting_badges,
    members_by_email,
    wait_for,
)
from .browser import DESKTOP, PHONE, screenshot, sideways_overflow, sign_in

ROSTER = (
    "name,email\n"
    "Ada Lovelace,ada@example.org\n"
    "Grace Hopper,grace@example.org\n"
    "Bad Row,not-an-email\n"
    "Katherine Johnson,katherine@example.org\n"
)
LIVE = 60_000  # ms: badges travel over DIDComm to the wallet agent


def test_an_organizer_issues_a_meeting_and_revokes_a_badge(
    service, wallet, browser, organizer_email, backend, tmp_path
):
    page = sign_in(browser, service, organizer_email)
    expect(page.get_by_role("heading", name="Meetings")).to_be_visible()

    page.get_by_label("Title").fill("Browser meeting")
    page.get_by_label("Kind").select_option("general")
    page.get_by_label("Starts (UTC)").fill("2026-11-20T17:00")
    page.get_by_label("Ends (UTC)").fill("2026-11-20T18:00")
    page.get_by_role("button", name="Create meeting").click()
    expect(page.get_by_role("heading", name="Browser meeting")).to_be_visible()
    screenshot(page, f"{backend}-meeting-new")

    # The roster: the bad row is shown in the preview and not imported.
    page.get_by_label("Attendance CSV").set_input_files(
        files=[{"name": "roster.csv", "mimeType": "text/csv", "buffer": ROSTER.encode()}]
    )
    page.get_by_role("button", name="Preview roster").click()
    expect(page.get_by_text("3 rows will be imported, 1 will not")).to_be_visible()
    invalid = page.get_by_role("region", name="Rows that will not be imported")
    expect(invalid).to_contain_text("4")
    expect(invalid).to_contain_text("not-an-email")
    screenshot(page, f"{backend}-roster-preview")
    page.get_by_role("button", name="Import 3 rows").click()
    expect(page.get_by_role("status")).to_contain_text("3 attendees added")
    members = members_by_email(service)
    assert "not-an-email" not in members and {"ada@example.org", "grace@example.org"} <= members.keys()

    page.get_by_label("Talk title").fill("Compilers for everyone")
    page.get_by_label("Presenter").select_option(label="Grace Hopper")
    page.get_by_role("button", name="Add talk").click()
    expect(page.get_by_text("Compilers for everyone — Grace Hopper")).to_be_visible()

    tokens = {
        email: claim_token(service, members[email])
        for email in ("ada@example.org", "grace@example.org", "katherine@example.org")
    }
    for token in tokens.values():
        connect_wallet(service, wallet, token)

    # Issue all: the page follows the progress by itself until every badge is in its wallet.
    page.get_by_role("button", name="Issue all badges").click()
    expect(page.locator("#badges")).to_contain_text("4 of 4 issued", timeout=LIVE)
    screenshot(page, f"{backend}-meeting-issued")
    badge_ids = {int(row.get_attribute("id").removeprefix("badge-")) for row in page.locator("tr[id^=badge-]").all()}
    audited = service.client(organizer=True).get("/audit", params={"limit": 1000}).json()
    assert badge_ids <= {
        e["detail"]["badge_id"]
        for e in audited
        if e["action"] == "credential.issued" and e["detail"].get("delivery") == "didcomm"
    }

    ada_row = page.locator("tr", has_text="Ada Lovelace")
    # Badges in wallets carry no status entry: no Suspend button that would change nothing.
    expect(page.locator("#badges").get_by_role("button", name="Suspend")).to_have_count(0)
    expect(ada_row).to_contain_text("it can be revoked, not suspended")
    ada_badge = ada_row.get_attribute("id").removeprefix("badge-")
    ada_row.get_by_label("Reason").fill("issued by mistake")
    ada_row.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("heading", name="Revoke Ada Lovelace's attendance badge?")).to_be_visible()
    screenshot(page, f"{backend}-revoke-confirm")
    page.get_by_role("button", name="Yes, revoke Ada Lovelace's badge").click()
    expect(page.get_by_role("status")).to_have_text("Ada Lovelace's attendance badge revoked: issued by mistake")
    expect(page.locator(f"#badge-{ada_badge}")).to_contain_text("revoked (reason: issued by mistake)")
    screenshot(page, f"{backend}-meeting-revoked")

    # A verifier drops the files on the public verify page.
    grace_badge = (
        page.locator("tr", has_text="Grace Hopper")
        .filter(has_text="attendance")
        .get_attribute("id")
        .removeprefix("badge-")
    )
    verdicts = {}
    for name, email, badge_id in (("grace", "grace@example.org", grace_badge), ("ada", "ada@example.org", ada_badge)):
        credential = service.client().get(f"/c/{tokens[email]}/badges/{badge_id}.json").json()
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(credential))
        verify = browser.new_page()
        verify.goto(f"{service.url}/verify")
        verify.get_by_label("Credential file").set_input_files(path)
        verify.get_by_role("button", name="Verify").click()
        verdicts[name] = verify.locator("section[aria-labelledby=verdict]")
        expect(verdicts[name]).to_be_visible()
        screenshot(verify, f"{backend}-verify-{name}")
        if name == "grace":
            expect(verdicts[name]).to_contain_text("Valid: this badge checks out.")
            expect(verdicts[name]).to_contain_text("The signature is valid")
            expect(verdicts[name]).to_contain_text("It has not been revoked or suspended.")
        else:
            expect(verdicts[name]).to_contain_text("Not valid.")
            expect(verdicts[name]).to_contain_text("Revocation or suspension: revoked")

    page.get_by_role("button", name="Show the door QR").click()
    expect(page.get_by_role("heading", name="Check in: Browser meeting")).to_be_visible()
    expect(page.get_by_role("img", name="QR code of the check-in page")).to_be_visible()
    screenshot(page, f"{backend}-door")


def test_badge_formats_are_chosen_on_the_meetings_page(service, browser, organizer_email, backend):
    """Without a ledger, AnonCreds cannot be chosen, on the page as through the API."""
    page = sign_in(browser, service, organizer_email)
    expect(page.get_by_label("AnonCreds")).to_be_disabled()
    expect(page.get_by_label("Open Badges 3.0")).to_be_checked()
    page.get_by_label("Open Badges 3.0").uncheck()
    page.get_by_role("button", name="Save formats").click()
    expect(page.get_by_role("status")).to_contain_text("Badge formats not changed: choose at least one badge format")
    page.get_by_role("button", name="Save formats").click()
    expect(page.get_by_role("status")).to_contain_text("Badges are now issued as Open Badges (JSON-LD).")
    screenshot(page, f"{backend}-badge-formats")

    organizer = service.client(organizer=True)
    refused = organizer.put("/sig/badge-formats", json={"formats": ["ld_proof", "anoncreds"]})
    assert refused.status_code == 409 and "VC_SERVICE_LEDGER_GENESIS" in refused.json()["detail"]
    assert organizer.get("/sig/badge-formats").json() == {"formats": ["ld_proof"], "available": ["ld_proof"]}
    assert service.client().put("/sig/badge-formats", json={"formats": ["ld_proof"]}).status_code == 401


def test_a_2_mb_roster_previews_and_imports(service, browser, organizer_email):
    """One roster size limit for the preview and the import step that posts it back (was 413 over 1 MB)."""
    meeting = create_meeting(service, title="Two megabyte call")
    rows = 10_000
    roster = "name,email\n" + "".join(
        f"{'Long Name ' * 19}{index},big2mb{index}@example.org\n" for index in range(rows)
    )
    assert len(roster.encode()) > 2_000_000
    page = sign_in(browser, service, organizer_email)
    page.goto(f"{service.url}/dashboard/meetings/{meeting['id']}")
    page.get_by_label("Attendance CSV").set_input_files(
        files=[{"name": "big.csv", "mimeType": "text/csv", "buffer": roster.encode()}]
    )
    page.get_by_role("button", name="Preview roster").click()
    expect(page.get_by_text(f"{rows} rows will be imported")).to_be_visible(timeout=LIVE)
    page.get_by_role("button", name=f"Import {rows} rows").click()
    expect(page.get_by_role("status")).to_contain_text(f"{rows} attendees added", timeout=LIVE)
    page.close()


def badge_table_layout(page) -> list[dict]:
    """Each badge row as laid out: its height, its Revoke button's box, and its visible cells that show nothing."""
    return page.locator("tr[id^=badge-]").evaluate_all(
        """(rows) => rows.map((row) => {
             const button = row.querySelector("button[value=revoke]");
             const box = button && button.getBoundingClientRect();
             const blank = [...row.cells].filter((cell) => getComputedStyle(cell).display !== "none"
                                                  && !cell.innerText.trim() && !cell.querySelector("button"));
             return {text: row.innerText, height: row.getBoundingClientRect().height, blank: blank.length,
                     revoke: box && {left: box.left, right: box.right}};
           })"""
    )


def test_on_a_phone_without_javascript_the_badge_table_fits_and_revoking_asks_first(
    service, wallet, browser, organizer_email, backend
):
    meeting = create_meeting(service, title="Phone revocation")
    people = {"Pat Phone": "pat.phone@example.org", "Quinn Phone": "quinn.phone@example.org"}
    import_roster(service, meeting["id"], "name,email\n" + "".join(f"{n},{e}\n" for n, e in people.items()))
    members = members_by_email(service)
    for email in people.values():
        connect_wallet(service, wallet, claim_token(service, members[email]))
    service.client(organizer=True).post(f"/meetings/{meeting['id']}/issue")
    wait_for(lambda: meeting_badges(service, meeting["id"])["counts"]["issued"] == 2, "both badges in the wallet")
    meeting_url = f"{service.url}/dashboard/meetings/{meeting['id']}"

    desktop = sign_in(browser, service, organizer_email, viewport=DESKTOP)
    desktop.goto(meeting_url)
    assert sideways_overflow(desktop) == 0
    for row in badge_table_layout(desktop):
        assert row["revoke"]["right"] <= DESKTOP["width"], row
        assert row["height"] < 110, row  # reason, buttons and note side by side: about two lines, not five
    screenshot(desktop, f"{backend}-badges-desktop")
    signed_in = desktop.context.storage_state()  # one sign-in for both: the sign-in form is rate limited
    desktop.context.close()

    page = browser.new_context(viewport=PHONE, java_script_enabled=False, storage_state=signed_in).new_page()
    page.goto(meeting_url)
    assert sideways_overflow(page) == 0
    for row in badge_table_layout(page):
        assert row["blank"] == 0, row  # no cell that is only empty room
        assert 0 <= row["revoke"]["left"] and row["revoke"]["right"] <= PHONE["width"], row  # reachable on screen
        assert row["height"] < 220, row  # a card of a few lines, not one line per cell and field
    screenshot(page, f"{backend}-badges-phone")

    # Changing one's mind: "No, keep it" leaves the badge as it was.
    quinn = page.locator("tr[id^=badge-]", has_text="Quinn Phone")
    quinn.get_by_label("Reason").fill("wrong person")
    quinn.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("heading", name="Revoke Quinn Phone's attendance badge?")).to_be_visible()
    expect(page.locator("#revoke-reason")).to_have_text("wrong person")
    assert sideways_overflow(page) == 0
    screenshot(page, f"{backend}-revoke-confirm-phone")
    page.get_by_role("link", name="No, keep it").click()
    expect(quinn.get_by_role("button", name="Revoke")).to_be_visible()

    pat = page.locator("tr[id^=badge-]", has_text="Pat Phone")
    pat_badge = pat.get_attribute("id").removeprefix("badge-")
    pat.get_by_label("Reason").fill("did not attend")
    pat.get_by_role("button", name="Revoke").click()
    page.get_by_role("button", name="Yes, revoke Pat Phone's badge").click()
    expect(page.get_by_role("status")).to_have_text("Pat Phone's attendance badge revoked: did not attend")
    expect(page.locator(f"#badge-{pat_badge}")).to_contain_text("revoked (reason: did not attend)")
    expect(page.locator(f"#badge-{pat_badge}").get_by_role("button", name="Revoke")).to_have_count(0)
    assert sideways_overflow(page) == 0
    screenshot(page, f"{backend}-badges-phone-revoked")
    audited = service.client(organizer=True).get("/audit", params={"limit": 1000}).json()
    reasons = {e["detail"]["reason"] for e in audited if e["action"] == "credential.revoke"}
    assert "did not attend" in reasons and "wrong person" not in reasons  # what was kept was not revoked
    page.context.close()
