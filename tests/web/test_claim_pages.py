"""The member's pages in chromium at a phone's and a desktop's width: the claim page leads with the
button that opens the wallet app on a phone and with the QR code on a desktop, a wallet connects
through the https link it offers and the page follows; /i and /p show a page to a browser and the
invitation to a wallet; the organizer copies and exports the claim links from the meeting page."""

import csv
import io
import re

import httpx
from playwright.sync_api import Page, expect

from ..issuance.didcomm import create_meeting, import_roster, members_by_email, stored_credentials, wait_for
from .browser import ORGANIZER_PASSWORD, screenshot

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LIVE = 60_000  # ms: the wallet connects and badges travel over DIDComm


def claim_url_of(service, meeting_id: int, email: str) -> str:
    links = service.client(organizer=True).get(f"/meetings/{meeting_id}/claim-links").json()
    return next(link["claim_url"] for link in links if link["email"] == email)


def issued_meeting(service, title: str, email: str) -> tuple[dict, str]:
    meeting = create_meeting(service, title=title)
    import_roster(service, meeting["id"], f"name,email\nPat Phone,{email}\n")
    assert service.client(organizer=True).post(f"/meetings/{meeting['id']}/issue").status_code == 202
    return meeting, claim_url_of(service, meeting["id"], email)


def top_left(page: Page, locator) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"], box["y"]


def test_the_claim_page_leads_with_the_button_on_a_phone_and_the_qr_on_a_desktop(service, browser, backend):
    meeting, claim_url = issued_meeting(service, "Sepsis journal club", "pat-phone@example.org")
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = browser.new_page(viewport=viewport)
        refused = []  # chromium reports a style or script the security policy refuses on the console
        page.on(
            "console",
            lambda message, refused=refused: (
                refused.append(message.text) if "Security Policy" in message.text else None
            ),
        )
        page.goto(claim_url)
        expect(page.get_by_role("heading", name="Your badges, Pat Phone")).to_be_visible()
        button = page.get_by_role("link", name="Open in BC Wallet")
        qr = page.get_by_role("img", name="QR code for BC Wallet, or another Aries or Credo-based wallet app")
        expect(button).to_be_visible()
        expect(qr).to_be_visible()
        href = button.get_attribute("href")
        assert href.startswith("didcomm://invite?oob=") and str(service.agent_inbound_port) not in href
        (button_x, button_y), (qr_x, qr_y) = top_left(page, button), top_left(page, qr)
        if name == "phone":
            assert button_y < qr_y  # the button first, the code below it
        else:
            assert qr_x < button_x and qr_y <= button_y + 5  # the code first, the button beside it
        expect(page.get_by_text("Attendance — Sepsis journal club, 20 Nov 2026")).to_be_visible()
        expect(page.get_by_text("Waiting for your wallet: it is sent as soon as you connect one above")).to_be_visible()
        expect(page.get_by_role("link", name="Download credential")).to_be_visible()
        text = page.locator("main").inner_text()
        assert "Aries / DIDComm" not in text and "pending" not in text
        screenshot(page, f"{backend}-claim-{name}")
        assert refused == []
        page.close()


def test_the_member_states_their_region_on_the_claim_page(service, browser, backend):
    meeting, claim_url = issued_meeting(service, "Region meeting", "pat-region@example.org")
    page = browser.new_page(viewport=PHONE)
    page.goto(claim_url)
    page.get_by_label("Your region").fill("North West")
    page.get_by_role("button", name="Save region").click()
    expect(page.get_by_text("Saved: North West.")).to_be_visible()
    assert page.url == claim_url
    assert members_by_email(service)["pat-region@example.org"]["region"] == "North West"
    report = service.client(organizer=True).get("/reports/health", params={"since": "2026-11-20"}).json()
    assert report["regions"]["North West"] == 1  # the report's region table counts it
    page.get_by_label("Your region").fill("")
    page.get_by_role("button", name="Save region").click()
    expect(page.get_by_text("Saved:")).to_have_count(0)
    assert members_by_email(service)["pat-region@example.org"]["region"] is None
    assert service.client().post(f"{claim_url}/region", data={"region": "x" * 101}).status_code == 422
    page.close()


def test_a_wallet_connects_through_the_link_the_page_offers_and_the_page_follows(service, wallet, browser, backend):
    meeting, claim_url = issued_meeting(service, "Live claim meeting", "pat-live@example.org")
    page = browser.new_page(viewport=DESKTOP)
    page.goto(claim_url)
    expect(page.get_by_text("Scan this code with the app on your phone")).to_be_visible()
    offered = page.get_by_label("An app that asks for a link takes this one").input_value()
    assert offered == claim_url.replace("/c/", "/i/")

    # What a wallet app does with a scanned https link (RFC 0434): ask for the invitation as JSON.
    invitation = httpx.get(offered, headers={"accept": "application/json"}).json()
    assert invitation["@type"].endswith("out-of-band/1.1/invitation")
    before = len(stored_credentials(wallet))
    with wallet.admin() as admin:
        admin.post("/out-of-band/receive-invitation", json=invitation).raise_for_status()

    # Without a reload: the page says the wallet is connected, asks to scan nothing, and the badge arrives.
    expect(page.get_by_text("Your wallet app is connected")).to_be_visible(timeout=LIVE)
    expect(page.get_by_text("In your wallet.")).to_be_visible(timeout=LIVE)
    assert "scan" not in page.locator("main").inner_text().lower()
    wait_for(lambda: len(stored_credentials(wallet)) == before + 1, "the wallet to store the badge")
    screenshot(page, f"{backend}-claim-connected")
    page.close()


def test_the_short_invitation_url_shows_a_browser_a_page_and_a_wallet_the_invitation(service, browser, backend):
    meeting, claim_url = issued_meeting(service, "Short link meeting", "pat-short@example.org")
    short = claim_url.replace("/c/", "/i/")
    page = browser.new_page(viewport=PHONE)
    page.goto(short)
    expect(page.get_by_role("heading", name=re.compile("Connect your wallet app to"))).to_be_visible()
    expect(page.get_by_role("link", name="Open in BC Wallet")).to_have_attribute(
        "href", re.compile("^didcomm://invite")
    )
    expect(page.get_by_role("img", name=re.compile("QR code for BC Wallet"))).to_be_visible()
    expect(page.get_by_role("link", name="Your badges")).to_have_attribute("href", claim_url)
    screenshot(page, f"{backend}-invitation-phone")
    page.close()

    as_json = httpx.get(short, headers={"accept": "application/json"})
    assert as_json.status_code == 200 and as_json.json()["@type"].endswith("out-of-band/1.1/invitation")
    followed = httpx.get(short)  # a wallet that follows the redirect to the invitation URL
    assert followed.status_code == 302 and "oob=" in followed.headers["location"]


def test_the_proof_request_url_shows_a_browser_a_page_and_a_wallet_the_invitation(service, browser, backend):
    created = service.client().post("/proof-requests", json={"template": "attended", "since": "2026-01-01T00:00:00Z"})
    assert created.status_code == 201, created.text
    short = created.json()["invitation_short_url"]
    page = browser.new_page(viewport=PHONE)
    page.goto(short)
    expect(page.get_by_role("heading", name=re.compile("Show a badge from"))).to_be_visible()
    expect(page.get_by_text("that you attended a meeting of")).to_contain_text("since 1 Jan 2026")
    expect(page.get_by_role("link", name="Open in BC Wallet")).to_have_attribute(
        "href", re.compile("^didcomm://invite")
    )
    screenshot(page, f"{backend}-proof-request-phone")
    page.close()
    as_json = httpx.get(short, headers={"accept": "application/json"})
    assert as_json.status_code == 200 and as_json.json()["@type"].endswith("out-of-band/1.1/invitation")
    assert httpx.get(short).status_code == 302


def test_the_organizer_copies_and_exports_the_claim_links(service, browser, organizer_email, backend, tmp_path):
    meeting = create_meeting(service, title="Copy links meeting")
    import_roster(service, meeting["id"], "name,email\nCora Copy,cora@example.org\nOlga Old,olga@example.org\n")
    olga = members_by_email(service)["olga@example.org"]
    service.execute("UPDATE members SET claim_nonce = NULL WHERE id = :id", id=olga["id"])  # a link from before 0013
    context = browser.new_context(viewport=DESKTOP, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{service.url}/dashboard")
    page.get_by_label("Email").fill(organizer_email)
    page.get_by_label("Password").fill(ORGANIZER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{service.url}/dashboard/meetings/{meeting['id']}")

    cora_link = claim_url_of(service, meeting["id"], "cora@example.org")
    expect(page.get_by_role("textbox", name="Claim link of Cora Copy")).to_have_value(cora_link)
    page.get_by_role("button", name="Copy the claim link of Cora Copy").click()
    expect(page.get_by_role("button", name="Copy the claim link of Cora Copy")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == cora_link
    expect(page.get_by_text("only its fingerprint is kept")).to_be_visible()
    screenshot(page, f"{backend}-meeting-claim-links")

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download the links")).click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text())))
    assert rows == [
        ["name", "email", "link"],
        ["Cora Copy", "cora@example.org", cora_link],
        ["Olga Old", "olga@example.org", ""],
    ]

    page.get_by_role("button", name="New claim link for Olga Old").click()
    expect(page.get_by_role("status")).to_contain_text("New claim link for Olga Old")
    olga_link = claim_url_of(service, meeting["id"], "olga@example.org")
    expect(page.get_by_role("textbox", name="Claim link of Olga Old")).to_have_value(olga_link)
    assert httpx.get(olga_link).status_code == 200
    context.close()
