"""Members hear about their badges, against the real service: a real SMTP server on loopback
receives the messages, whose claim link leads a real ACA-Py wallet to its badge; refusals, resend,
the door, the dashboard in chromium, and the embedded default without SMTP."""

import re

import pytest
from playwright.sync_api import expect

from ..issuance.didcomm import (
    connect_wallet,
    create_meeting,
    import_roster,
    members_by_email,
    wait_for,
    wait_for_stored,
)
from ..support import RunningService, create_database, drop_database, member_wallet
from ..web.browser import add_organizer, screenshot, sign_in
from .smtp import SmtpServer, parts

pytestmark = pytest.mark.agents  # starts the service or agents itself

ROSTER = "name,email\nAda Lovelace,ada@example.org\nGrace Hopper,grace@example.org\nAlan Turing,alan@example.org\n"


@pytest.fixture(scope="module")
def smtp():
    with SmtpServer() as server:
        yield server


@pytest.fixture(scope="module")
def mailing(backend, tmp_path_factory, smtp):
    """A service that mails through the test's SMTP server, retrying after 1 s."""
    directory = tmp_path_factory.mktemp(f"mailing-{backend}")
    service = RunningService(
        data_dir=directory / "service",
        database_url=create_database(backend, directory),
        extra_env={**smtp.env, "VC_SERVICE_MAIL_RETRY_SECONDS": "1"},
    )
    service.start()
    try:
        yield service
    finally:
        service.close()
        drop_database(service.database_url)


def mail_states(service: RunningService, meeting_id: int) -> dict:
    response = service.client(organizer=True).get(f"/meetings/{meeting_id}/mail")
    assert response.status_code == 200, response.text
    return response.json()


def by_email(states: dict) -> dict[str, dict]:
    return {member["email"]: member for member in states["members"]}


def claim_link(service: RunningService, text: str) -> str:
    return re.search(rf"{re.escape(service.url)}/c/[A-Za-z0-9_-]+", text).group(0)


def issue(service: RunningService, meeting_id: int) -> None:
    assert service.client(organizer=True).post(f"/meetings/{meeting_id}/issue").status_code == 202


def test_issue_all_mails_each_member_a_link_that_leads_their_wallet_to_the_badge(mailing, smtp, tmp_path):
    meeting = create_meeting(mailing, title="Journal club: delirium")
    import_roster(mailing, meeting["id"], ROSTER)
    issue(mailing, meeting["id"])
    for address in ("ada@example.org", "grace@example.org", "alan@example.org"):
        [mail] = smtp.wait_for(address)
        text, html = parts(mail)
        assert mail["Subject"] == "Your badges from Special Interest Group for Journal club: delirium"
        assert "Journal club: delirium" in text and "Attendance" in text and "Learner Credential Wallet" in text
        assert f'href="{claim_link(mailing, text)}"' in html
    states = wait_for(
        lambda: (s := mail_states(mailing, meeting["id"])) and all(m["state"] == "sent" for m in s["members"]) and s,
        "every message recorded as sent",
    )
    assert states["mail_enabled"] is True and len(states["members"]) == 3

    # Ada follows the link from her mail: the claim page, then her wallet takes the badge.
    link = claim_link(mailing, parts(smtp.to("ada@example.org")[0])[0])
    page = mailing.client().get(link.removeprefix(mailing.url))
    assert page.status_code == 200 and "Ada Lovelace" in page.text
    with member_wallet(tmp_path / "wallet", mailing) as wallet:
        connect_wallet(mailing, wallet, link.rsplit("/", 1)[1])
        with mailing.agent_admin() as issuer_admin:
            [badge] = wait_for_stored(wallet, 1, issuer_admin)
    assert "OpenBadgeCredential" in badge["type"]
    # Issuing again adds no badge and mails nobody.
    issue(mailing, meeting["id"])
    assert len(smtp.to("ada@example.org")) == 1


def test_a_busy_mailbox_is_retried_and_an_unknown_one_fails_with_the_servers_reason(mailing, smtp):
    smtp.handler.refuse("busy@example.org", "451 4.2.1 Mailbox busy, try again later", times=2)
    smtp.handler.refuse("gone@example.org", "550 5.1.1 <gone@example.org>: no such user")
    meeting = create_meeting(mailing, title="Subgroup: ward rounds")
    import_roster(mailing, meeting["id"], "name,email\nBusy Bee,busy@example.org\nLong Gone,gone@example.org\n")
    issue(mailing, meeting["id"])
    smtp.wait_for("busy@example.org")
    states = wait_for(
        lambda: (
            (s := by_email(mail_states(mailing, meeting["id"])))["gone@example.org"]["state"] == "failed"
            and s["busy@example.org"]["state"] == "sent"
            and s
        ),
        "the busy mailbox's message sent, the unknown one failed",
    )
    assert states["busy@example.org"]["attempts"] == 3 and states["busy@example.org"]["failure_reason"] is None
    assert states["gone@example.org"]["failure_reason"] == "550 5.1.1 <gone@example.org>: no such user"
    assert smtp.to("gone@example.org") == []


def test_resend_mails_the_member_again_and_is_audited(mailing, smtp):
    meeting = create_meeting(mailing, title="General meeting: December")
    import_roster(mailing, meeting["id"], "name,email\nRita Levi,rita@example.org\n")
    issue(mailing, meeting["id"])
    [first] = smtp.wait_for("rita@example.org")
    rita = members_by_email(mailing)["rita@example.org"]
    organizer = mailing.client(organizer=True)
    answer = organizer.post(f"/meetings/{meeting['id']}/members/{rita['id']}/mail")
    assert answer.status_code == 202, answer.text
    _, again = smtp.wait_for("rita@example.org", 2)
    assert claim_link(mailing, parts(again)[0]) == claim_link(mailing, parts(first)[0])
    assert "here again is the link" in parts(again)[0]
    events = organizer.get("/audit", params={"limit": 100}).json()
    assert any(e["action"] == "member.mail_resent" and e["subject"] == f"member:{rita['id']}" for e in events)
    outsider = organizer.post("/members", json={"name": "No Badges", "email": "none@example.org"}).json()
    refused = organizer.post(f"/meetings/{meeting['id']}/members/{outsider['id']}/mail")
    assert refused.status_code == 409 and "has no badges of this meeting" in refused.json()["detail"]


def test_the_door_mails_an_existing_member_their_link(mailing, smtp):
    organizer = mailing.client(organizer=True)
    member = organizer.post("/members", json={"name": "Cy Known", "email": "cy.known@example.org"}).json()
    meeting = create_meeting(mailing, title="Guest presentation: triage")
    door = organizer.post(f"/meetings/{meeting['id']}/door", json={}).json()
    page = mailing.client().post(
        door["door_url"].removeprefix(mailing.url), data={"name": "Cy", "email": "cy.known@example.org"}
    )
    assert page.status_code == 200 and "Look in your mailbox" in page.text
    assert "/c/" not in page.text
    [mail] = smtp.wait_for("cy.known@example.org")
    assert claim_link(mailing, parts(mail)[0]) == member["claim_url"]
    assert "Guest presentation: triage" in parts(mail)[0]


def test_the_dashboard_shows_each_members_mail_and_resends(mailing, smtp, browser, backend):
    add_organizer(mailing, "mail.chair@example.org")
    meeting = create_meeting(mailing, title="Journal club: sleep")
    import_roster(mailing, meeting["id"], "name,email\nMae Jemison,mae@example.org\n")
    issue(mailing, meeting["id"])
    smtp.wait_for("mae@example.org")
    wait_for(lambda: mail_states(mailing, meeting["id"])["members"][0]["state"] == "sent", "the message sent")
    page = sign_in(browser, mailing, "mail.chair@example.org")
    page.goto(f"{mailing.url}/dashboard/meetings/{meeting['id']}")
    row = page.locator(f"#mail-{mail_states(mailing, meeting['id'])['members'][0]['member_id']}")
    expect(row).to_contain_text("mae@example.org")
    expect(row).to_contain_text("sent")
    screenshot(page, f"{backend}-meeting-mail")
    row.get_by_role("button", name="Resend").click()
    expect(page.get_by_role("status")).to_contain_text("Mail to Mae Jemison queued again")
    smtp.wait_for("mae@example.org", 2)
    page.close()


def test_without_smtp_nothing_is_mailed_and_the_dashboard_says_so(service, browser, organizer_email, backend):
    meeting = create_meeting(service, title="Journal club: no mail")
    import_roster(service, meeting["id"], "name,email\nNo Mail,nomail@example.org\n")
    issue(service, meeting["id"])
    states = mail_states(service, meeting["id"])
    assert states["mail_enabled"] is False
    assert [(m["email"], m["state"]) for m in states["members"]] == [("nomail@example.org", "not-mailed")]
    member = members_by_email(service)["nomail@example.org"]
    refused = service.client(organizer=True).post(f"/meetings/{meeting['id']}/members/{member['id']}/mail")
    assert refused.status_code == 409 and "VC_SERVICE_SMTP_HOST" in refused.json()["detail"]
    page = sign_in(browser, service, organizer_email)
    page.goto(f"{service.url}/dashboard/meetings/{meeting['id']}")
    expect(page.locator("#mail")).to_contain_text("Email is not set up")
    screenshot(page, f"{backend}-meeting-no-mail")
    page.close()


def test_the_sigs_rate_limit_holds_the_rest_back_for_the_minute(tmp_path, database_url, smtp):
    service = RunningService(
        data_dir=tmp_path / "service",
        database_url=database_url,
        extra_env={**smtp.env, "VC_SERVICE_MAIL_RATE_LIMIT": "2"},
    )
    service.start()
    try:
        meeting = create_meeting(service, title="General meeting: rate limit")
        roster = "name,email\n" + "".join(f"Limited {n},limited{n}@example.org\n" for n in range(3))
        import_roster(service, meeting["id"], roster)
        issue(service, meeting["id"])
        wait_for(
            lambda: sum(m["state"] == "sent" for m in mail_states(service, meeting["id"])["members"]) == 2,
            "the first two messages sent",
        )
        states = mail_states(service, meeting["id"])["members"]
        assert sorted(m["state"] for m in states) == ["queued", "sent", "sent"]
        [held] = [m for m in states if m["state"] == "queued"]
        assert held["attempts"] == 0  # waiting its turn, not refused
        smtp.wait_for(held["email"], timeout=90)  # once the minute of the first two is over
    finally:
        service.close()
