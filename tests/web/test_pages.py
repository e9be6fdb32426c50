"""Sign-in, CSRF, the claim page and the verify page's answers to bad input."""

import re

import httpx
from playwright.sync_api import expect

from ..issuance.didcomm import claim_token, members_by_email
from .browser import ORGANIZER_PASSWORD, screenshot, sign_in


def test_the_dashboard_asks_to_sign_in_and_refuses_a_wrong_password(service, browser, organizer_email, backend):
    page = browser.new_page()
    page.goto(f"{service.url}/dashboard/meetings/1")
    expect(page).to_have_url(re.compile(r"/login\?next=/dashboard/meetings/1$"))
    screenshot(page, f"{backend}-login")
    page.get_by_label("Email").fill(organizer_email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    # Only the password is asked again: the email stays, the password field has the focus.
    expect(page.get_by_label("Email")).to_have_value(organizer_email)
    expect(page.get_by_label("Password")).to_have_value("")
    expect(page.get_by_label("Password")).to_be_focused()
    screenshot(page, f"{backend}-login-wrong-password")


def test_forms_without_the_sessions_csrf_token_are_refused(service, organizer_email):
    with httpx.Client(base_url=service.url) as client:
        login_page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', login_page.text).group(1)
        signed_in = client.post(
            "/login", data={"csrf_token": token, "email": organizer_email, "password": ORGANIZER_PASSWORD}
        )
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/dashboard"
        form = {"kind": "general", "title": "Forged", "starts_at": "2026-11-20T17:00", "ends_at": "2026-11-20T18:00"}
        forged = client.post("/dashboard/meetings", data=form)
        assert forged.status_code == 403 and "CSRF" in forged.json()["detail"]
        stale = client.post("/dashboard/meetings", data={**form, "csrf_token": token})  # the token from before sign-in
        assert stale.status_code == 403
        dashboard = client.get("/dashboard")
        fresh = re.search(r'name="csrf_token" value="([^"]+)"', dashboard.text).group(1)
        created = client.post("/dashboard/meetings", data={**form, "csrf_token": fresh})
        assert created.status_code == 303 and created.headers["location"].startswith("/dashboard/meetings/")
    assert (
        httpx.post(f"{service.url}/login", data={"email": organizer_email, "password": ORGANIZER_PASSWORD}).status_code
        == 403
    )


def test_the_session_cookie_is_signed_and_http_only(service, organizer_email):
    with httpx.Client(base_url=service.url) as client:
        cookie = client.get("/login").headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie
        client.cookies.set("sig_session", "forged-value")
        assert client.get("/dashboard").status_code == 303


def test_the_claim_page_offers_the_wallet_and_the_files(service, browser, backend):
    meeting = (
        service.client(organizer=True)
        .post(
            "/meetings",
            json={
                "kind": "general",
                "title": "Claim page",
                "starts_at": "2026-11-20T17:00:00Z",
                "ends_at": "2026-11-20T18:00:00Z",
            },
        )
        .json()
    )
    service.client(organizer=True).post(
        f"/meetings/{meeting['id']}/roster",
        content=b"name,email\nMo Member,mo@example.org\n",
        headers={"content-type": "text/csv"},
    )
    service.client(organizer=True).post(f"/meetings/{meeting['id']}/issue")
    token = claim_token(service, members_by_email(service)["mo@example.org"])
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    page.goto(f"{service.url}/c/{token}")
    expect(page.get_by_role("heading", name="Your badges, Mo Member")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code for BC Wallet"))).to_be_visible()
    expect(page.get_by_role("link", name="Open in BC Wallet")).to_have_attribute(
        "href", re.compile("^didcomm://invite")
    )
    expect(page.get_by_label("An app that asks for a link takes this one")).to_have_value(f"{service.url}/i/{token}")
    expect(page.get_by_role("link", name="Download credential")).to_be_visible()
    expect(page.get_by_text("A badge is a digital certificate")).to_be_visible()
    screenshot(page, f"{backend}-claim-phone")


def test_the_verify_page_names_what_is_wrong_with_bad_input(service, browser, backend):
    page = browser.new_page()
    page.goto(f"{service.url}/verify")
    page.get_by_label("paste the JSON").fill("{not json")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_contain_text("This is not JSON (line 1, column 2")
    page.get_by_label("paste the JSON").fill(
        '{"@context": ["https://example.org/unpinned"], "type": ["VerifiableCredential"]}'
    )
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_contain_text("not a credential this service can check")
    screenshot(page, f"{backend}-verify-bad-input")
    assert httpx.post(f"{service.url}/verify", data={"pasted": "[1, 2]"}).status_code == 422


def test_every_response_carries_the_security_headers(service):
    for path in ("/verify", "/login", "/issuer", "/status/revocation/999", "/nope"):
        headers = service.client().get(path).headers
        assert (
            "default-src 'self'" in headers["content-security-policy"]
            and "frame-ancestors 'none'" in headers["content-security-policy"]
        )
        assert (headers["x-content-type-options"], headers["x-frame-options"], headers["referrer-policy"]) == (
            "nosniff",
            "DENY",
            "no-referrer",
        )
    assert "strict-transport-security" not in service.client().get("/verify").headers  # plain http here


def test_the_pages_break_no_rule_of_their_policy(service, browser, organizer_email):
    """Chromium enforces the policy: a style, script or image it refuses shows as a console error."""
    page = sign_in(browser, service, organizer_email)
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    meeting_id = service.client(organizer=True).get("/meetings").json()[0]["id"]
    for path in ("/", "/dashboard", f"/dashboard/meetings/{meeting_id}", "/dashboard/report", "/verify"):
        page.goto(f"{service.url}{path}")
        page.wait_for_load_state("networkidle")
    assert refused == []


def test_signing_in_works_with_the_keyboard_alone(service, browser, organizer_email):
    page = browser.new_page()
    page.goto(f"{service.url}/login")
    for _ in range(6):  # past the header's links, into the form
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "email":
            break
    assert page.evaluate("document.activeElement.id") == "email"
    page.keyboard.type(organizer_email)
    page.keyboard.press("Tab")
    page.keyboard.type(ORGANIZER_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Meetings")).to_be_visible()
