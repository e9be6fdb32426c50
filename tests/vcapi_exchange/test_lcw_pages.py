"""In chromium: the member's claim page offers the Learner Credential Wallet on a phone, and the
organizer's dashboard names the channel a badge reached its member through (a module of its own:
the browser's event loop and the database helpers' asyncio.run do not mix)."""

import re

from playwright.sync_api import expect

from ..web.browser import sign_in
from .lcw import lcw, new_exchange, waiting_members


def test_the_dashboard_shows_badges_picked_up_by_a_vc_api_wallet(service, browser, organizer_email, tmp_path):
    meeting, members = waiting_members(service, "Journal club: LCW on the dashboard", ["lcw-dash@example.org"])
    member = members["lcw-dash@example.org"]
    received = lcw(service, tmp_path, "exchange", new_exchange(service, member["token"]))
    assert received["status"] == 200 and received["credentials"], received

    progress = service.client(organizer=True).get(f"/members/{member['id']}/badges").json()
    assert {(badge["state"], badge["channel"]) for badge in progress} == {("issued", "vcapi")}
    page = sign_in(browser, service, organizer_email)
    page.goto(f"{service.url}/dashboard/meetings/{meeting['id']}")
    for badge in progress:
        row = page.locator(f"#badge-{badge['id']}")
        expect(row).to_contain_text("issued to a wallet · VC-API wallet (Learner Credential Wallet)")
    page.close()


def test_the_claim_page_offers_the_learner_credential_wallet_on_a_phone(service, browser):
    _, members = waiting_members(service, "Journal club: LCW on a phone", ["lcw-phone@example.org"])
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    page.goto(f"{service.url}/c/{members['lcw-phone@example.org']['token']}")
    expect(page.get_by_role("heading", name="Add to Learner Credential Wallet")).to_be_visible()
    qr = page.get_by_role("img", name="QR code that adds your badges to the Learner Credential Wallet")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box is not None and box["width"] <= 390
    link = page.get_by_role("link", name="Add to Learner Credential Wallet")
    expect(link).to_have_attribute("href", re.compile(r"^dccrequest://request\?issuer=did:key:"))
    page.close()
