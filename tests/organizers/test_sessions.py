"""Dashboard sessions end on the server (sign-out, password change, disabled organizer), sign-in is
locked after repeated failures, notices never come from the URL: against the running service."""

import itertools
import re

import httpx

from ..web.browser import ORGANIZER_PASSWORD, add_organizer

MEETING = {"kind": "general", "title": "Replayed", "starts_at": "2026-11-20T17:00", "ends_at": "2026-11-20T18:00"}
# Each client its own loopback address, so the per-address sign-in rate limit counts each apart.
_addresses = (f"127.0.0.{n}" for n in itertools.count(20))


def browser_client(service) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=next(_addresses))
    return httpx.Client(base_url=service.url, transport=transport, follow_redirects=False, timeout=30)


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client: httpx.Client, email: str, password: str = ORGANIZER_PASSWORD) -> httpx.Response:
    return client.post(
        "/login", data={"csrf_token": csrf_token(client.get("/login").text), "email": email, "password": password}
    )


def signed_in(service, email: str, password: str = ORGANIZER_PASSWORD) -> tuple[httpx.Client, str]:
    client = browser_client(service)
    assert sign_in(client, email, password).status_code == 303
    return client, csrf_token(client.get("/dashboard").text)


def replay(service, cookie: str) -> httpx.Client:
    """Another client holding a copy of the session cookie."""
    client = browser_client(service)
    client.cookies.set("sig_session", cookie)
    return client


def creates_meeting(client: httpx.Client, csrf: str) -> bool:
    answer = client.post("/dashboard/meetings", data={**MEETING, "csrf_token": csrf})
    return answer.status_code == 303 and answer.headers["location"].startswith("/dashboard/meetings/")


def audit(service) -> list[dict]:
    return service.client(organizer=True).get("/audit", params={"limit": 1000}).json()


def test_a_cookie_replayed_after_sign_out_is_dead(service):
    add_organizer(service, "leaving@example.org")
    client, csrf = signed_in(service, "leaving@example.org")
    cookie = client.cookies["sig_session"]
    assert creates_meeting(replay(service, cookie), csrf)  # the copy works while the session lives
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 303
    copy = replay(service, cookie)
    assert not creates_meeting(copy, csrf)
    dashboard = copy.get("/dashboard")
    assert dashboard.status_code == 303 and dashboard.headers["location"].startswith("/login")
    stored = service.query("SELECT id_hash, revoked_at FROM organizer_sessions")
    assert stored and all(cookie not in row[0] for row in stored)
    events = [(e["action"], e["subject"]) for e in audit(service)]
    assert ("organizer.logout", "leaving@example.org") in events and (
        "login.succeeded",
        "leaving@example.org",
    ) in events


def test_a_password_change_ends_the_other_sessions(service):
    add_organizer(service, "changer@example.org")
    laptop, laptop_csrf = signed_in(service, "changer@example.org")
    phone, phone_csrf = signed_in(service, "changer@example.org")
    weak = laptop.post(
        "/dashboard/account/password",
        data={"csrf_token": laptop_csrf, "current_password": ORGANIZER_PASSWORD, "new_password": "password1234"},
    )
    assert weak.status_code == 303
    page = laptop.get("/dashboard/account").text
    assert "Password not changed: the password is too easy to guess" in page and "very common password" in page
    assert "too easy to guess" not in laptop.get("/dashboard/account").text  # shown once
    wrong = {
        "csrf_token": laptop_csrf,
        "current_password": "not my password",
        "new_password": "a fresh long passphrase",
    }
    laptop.post("/dashboard/account/password", data=wrong)
    assert "the current password is wrong" in laptop.get("/dashboard/account").text
    changed = laptop.post("/dashboard/account/password", data={**wrong, "current_password": ORGANIZER_PASSWORD})
    assert changed.status_code == 303 and "Password changed" in laptop.get("/dashboard/account").text
    assert creates_meeting(laptop, laptop_csrf) and not creates_meeting(phone, phone_csrf)
    assert sign_in(browser_client(service), "changer@example.org").status_code == 401
    assert sign_in(browser_client(service), "changer@example.org", "a fresh long passphrase").status_code == 303
    # The CLI sets a password too, refusing a guessable one, and signs out every session.
    refused = service.run_command(
        "organizer", "password", "changer@example.org", "--password-stdin", input="aaaaaaaaaaaa\n"
    )
    assert refused.returncode == 1 and "Repeats" in refused.stdout
    service.command(
        "organizer", "password", "changer@example.org", "--password-stdin", input="set by the server admin\n"
    )
    assert not creates_meeting(laptop, laptop_csrf)
    assert ("organizer.password_changed", "changer@example.org") in {
        (e["action"], e["subject"]) for e in audit(service)
    }


def test_a_disabled_organizer_is_signed_out_and_refused_everywhere(service):
    for email in ("chair@example.org", "rogue@example.org"):
        add_organizer(service, email)
    key = service.command("organizer", "key", "rogue@example.org").strip().splitlines()[-1]
    chair, chair_csrf = signed_in(service, "chair@example.org")
    rogue, rogue_csrf = signed_in(service, "rogue@example.org")
    rogue_id = service.query("SELECT id FROM organizer_accounts WHERE email = 'rogue@example.org'")[0][0]
    chair_id = service.query("SELECT id FROM organizer_accounts WHERE email = 'chair@example.org'")[0][0]
    with httpx.Client(base_url=service.url, headers={"X-API-Key": key}) as by_key:
        assert by_key.get("/members").status_code == 200
        assert (
            chair.post(f"/dashboard/organizers/{rogue_id}/disable", data={"csrf_token": chair_csrf}).status_code == 303
        )
        assert "Organizer rogue@example.org disabled" in chair.get("/dashboard/account").text
        refused = by_key.get("/members")
        assert refused.status_code == 401 and "disabled" in refused.json()["detail"]
        assert not creates_meeting(rogue, rogue_csrf)
        login = sign_in(browser_client(service), "rogue@example.org")
        assert login.status_code == 403 and "is disabled" in login.text
        assert (
            chair.post(f"/dashboard/organizers/{chair_id}/disable", data={"csrf_token": chair_csrf}).status_code == 409
        )
        service.command("organizer", "enable", "rogue@example.org")
        assert by_key.get("/members").status_code == 200
        assert not creates_meeting(rogue, rogue_csrf)  # an ended session stays ended
        assert sign_in(browser_client(service), "rogue@example.org").status_code == 303
        service.command("organizer", "disable", "rogue@example.org")
        assert by_key.get("/members").status_code == 401
    actions = {(e["action"], e["actor"]) for e in audit(service) if e["subject"] == "rogue@example.org"}
    assert {
        ("organizer.disabled", "organizer:chair@example.org"),
        ("organizer.enabled", "cli"),
        ("organizer.disabled", "cli"),
    } <= actions


def test_repeated_failed_sign_ins_lock_the_email_and_say_so_alike_for_unknown_ones(service):
    add_organizer(service, "target@example.org")
    answers = {}
    for email in ("target@example.org", "nobody-here@example.org"):
        client = browser_client(service)
        failures = [
            sign_in(client, email, "a wrong guess!").status_code for _ in range(5)
        ]  # VC_SERVICE_LOGIN_LOCKOUT_FAILURES
        locked = sign_in(client, email, ORGANIZER_PASSWORD)  # even the right password, now
        message = re.search(r'role="alert">([^<]*)', locked.text).group(1)
        # Each lock ends at its own minute (the second email's may fall in the next one): the wording is compared.
        answers[email] = (failures, locked.status_code, re.sub(r"\b\d\d:\d\d UTC\b", "HH:MM UTC", message))
    assert answers["target@example.org"] == answers["nobody-here@example.org"]
    failures, status_code, message = answers["target@example.org"]
    assert failures == [401] * 5 and status_code == 429 and "too many failed sign-ins for this email" in message
    assert "try again after HH:MM UTC" in message
    events = [e for e in audit(service) if e["subject"] == "target@example.org" and e["action"].startswith("login.")]
    assert [e["action"] for e in events][:6] == ["login.refused"] + ["login.failed"] * 5
    assert all("wrong guess" not in str(e) for e in events)


def test_notices_come_from_the_session_never_from_the_url(service):
    add_organizer(service, "reader@example.org")
    client, csrf = signed_in(service, "reader@example.org")
    forged = "Your account is compromised: call +1 555 0100"
    for path in (
        "/dashboard",
        "/dashboard/account",
        f"/dashboard/meetings/{service.client(organizer=True).get('/meetings').json()[0]['id']}",
    ):
        for parameter in ("notice", "error"):
            assert forged not in client.get(path, params={parameter: forged}).text
    created = client.post("/dashboard/meetings", data={**MEETING, "csrf_token": csrf})
    assert created.status_code == 303 and "notice=" not in created.headers["location"]
    assert "Meeting created" in client.get(created.headers["location"]).text
    assert "Meeting created" not in client.get(created.headers["location"]).text  # once
    bad = client.post("/dashboard/meetings", data={**MEETING, "ends_at": "2026-11-20T16:00", "csrf_token": csrf})
    assert bad.headers["location"] == "/dashboard"
    assert "The meeting was not created" in client.get("/dashboard").text
