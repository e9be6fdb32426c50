"""The organizer's dashboard names the channel a badge reached its member through (a module of
its own: the browser's event loop and the database helpers' asyncio.run do not mix)."""

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
        expect(row).to_contain_text("issued · VC-API wallet (Learner Credential Wallet)")
    page.close()
