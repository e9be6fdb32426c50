"""The mail outbox on both databases against a real SMTP server on loopback: one message per member
per batch, its content, temporary and permanent refusals, the SIG's rate limit, a dead worker's
claims, the door, resend, links from before derived tokens. The end-to-end tests (a real service,
a real wallet) are in test_mail_end_to_end.py and test_mail_restart.py."""

from datetime import timedelta
from functools import partial

import pytest
from sqlalchemy import select

from vc_service.audit.models import AuditEvent
from vc_service.claims.door import check_in
from vc_service.db.base import utcnow
from vc_service.issuance.jobs import add_membership_badge, start_meeting_job
from vc_service.main import mail_outbox
from vc_service.meetings.models import Attendance, Meeting, Talk
from vc_service.members.models import Member
from vc_service.members.service import member_claim_token
from vc_service.members.tokens import new_claim, token_hash
from vc_service.notifications.channel import SmtpChannel
from vc_service.notifications.models import MailMessage
from vc_service.notifications.outbox import MailOutbox, NothingToMail, resend_mail
from vc_service.routing import claim_urls
from vc_service.settings import Settings
from vc_service.sig.models import Sig

from .smtp import SmtpServer, parts

CLAIM_KEY = "test-claim-key"
BASE_URL = "http://sig.test"
PEOPLE = {"ada": "Ada Lovelace", "ben": "Ben Door", "cy": "Cy Nomail"}


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


def outbox(sessions, smtp: SmtpServer, rate_limit: int = 60) -> MailOutbox:
    return MailOutbox(
        sessions,
        SmtpChannel("127.0.0.1", smtp.port, starttls=False, username=None, password=None, timeout=5),
        claim_key=CLAIM_KEY,
        claim_urls=partial(claim_urls, BASE_URL),
        sender="badges@sig.test",
        rate_limit=rate_limit,
        retry_seconds=30,
        claim_timeout=10,
    )


async def seed(sessions) -> dict:
    """A meeting that Ada (presenting), Ben and Cy attended."""
    async with sessions() as session:
        sig = Sig(name="Healthcare SIG", slug="healthcare-sig")
        session.add(sig)
        await session.flush()
        meeting = Meeting(
            sig_id=sig.id,
            kind="journal-club",
            title="Journal club: sepsis guidelines",
            starts_at=utcnow() - timedelta(days=1),
            ends_at=utcnow() - timedelta(days=1) + timedelta(hours=1),
        )
        members = {}
        for key, name in PEOPLE.items():
            claim = new_claim(CLAIM_KEY)
            members[key] = Member(
                sig_id=sig.id,
                name=name,
                email=f"{key}@example.org",
                claim_nonce=claim.nonce,
                claim_token_hash=claim.token_hash,
            )
        session.add_all([meeting, *members.values()])
        await session.flush()
        session.add_all(Attendance(meeting_id=meeting.id, member_id=m.id, source="roster") for m in members.values())
        talk = Talk(meeting_id=meeting.id, title="Fluids first", presenter_id=members["ada"].id)
        session.add(talk)
        await session.commit()
        return {"sig": sig.id, "meeting": meeting.id, "talk": talk.id, **{k: m.id for k, m in members.items()}}


async def issue_all(sessions, meeting_id: int, mail: bool = True) -> int:
    async with sessions() as session:
        return (await start_meeting_job(session, await session.get(Meeting, meeting_id), mail=mail))[1]


async def messages(sessions) -> dict[int, list[MailMessage]]:
    async with sessions() as session:
        found: dict[int, list[MailMessage]] = {}
        for message in await session.scalars(select(MailMessage).order_by(MailMessage.id)):
            found.setdefault(message.member_id, []).append(message)
        return found


async def test_one_message_per_member_per_batch_with_text_html_and_the_claim_link(sessions, smtp):
    ids = await seed(sessions)
    assert await issue_all(sessions, ids["meeting"]) == 4  # three attendance badges, Ada's presenter badge
    queued = await messages(sessions)
    assert sorted(queued) == sorted([ids["ada"], ids["ben"], ids["cy"]])
    assert [len(queued[ids["ada"]]), len(queued[ids["ada"]][0].badge_ids)] == [1, 2]
    assert await issue_all(sessions, ids["meeting"]) == 0  # a second "issue all": no badge, no message
    assert sum(map(len, (await messages(sessions)).values())) == 3

    assert await outbox(sessions, smtp).send_due() == 3
    [mail] = smtp.to("ada@example.org")
    assert mail["Subject"] == "Your badges from Healthcare SIG for Journal club: sepsis guidelines"
    assert mail["From"].addresses[0].display_name == "Healthcare SIG"
    assert mail["From"].addresses[0].addr_spec == "badges@sig.test"
    assert mail["Message-ID"] == queued[ids["ada"]][0].message_id
    text, html = parts(mail)
    async with sessions() as session:
        ada = await session.get(Member, ids["ada"])
        urls = claim_urls(BASE_URL, member_claim_token(CLAIM_KEY, ada))
    for body in (text, html):
        assert "Ada Lovelace" in body and "Healthcare SIG" in body
        assert "Journal club: sepsis guidelines" in body
        assert "Attendance — Journal club: sepsis guidelines" in body and "Presenter — Fluids first" in body
        assert urls["claim_url"] in body and urls["invitation_short_url"] in body
        assert "wallet app" in body.lower() and "Learner Credential Wallet" in body and "download" in body
    assert f'<a href="{urls["claim_url"]}">' in html
    assert "Presenter" not in parts(smtp.to("ben@example.org")[0])[0]
    sent = await messages(sessions)
    assert {message.state for batch in sent.values() for message in batch} == {"sent"}
    assert all(message.sent_at and message.attempts == 1 for batch in sent.values() for message in batch)


async def test_without_mail_nothing_is_queued(sessions):
    ids = await seed(sessions)
    assert await issue_all(sessions, ids["meeting"], mail=False) == 4
    assert await messages(sessions) == {}


async def test_a_temporary_refusal_is_retried_later_then_sent(sessions, smtp):
    ids = await seed(sessions)
    smtp.handler.refuse("ben@example.org", "451 4.3.0 Mailbox busy, try again later", times=1)
    await issue_all(sessions, ids["meeting"])
    sender = outbox(sessions, smtp)
    start = utcnow()
    assert await sender.send_due(start) == 3
    [waiting] = (await messages(sessions))[ids["ben"]]
    assert (waiting.state, waiting.attempts) == ("queued", 1)
    assert waiting.failure_reason == "451 4.3.0 Mailbox busy, try again later"
    assert waiting.next_attempt_at is not None and waiting.next_attempt_at - start >= timedelta(seconds=30)
    assert await sender.send_due(start + timedelta(seconds=5)) == 0  # not yet due
    assert await sender.send_due(start + timedelta(seconds=31)) == 1
    [sent] = (await messages(sessions))[ids["ben"]]
    assert (sent.state, sent.attempts, sent.failure_reason) == ("sent", 2, None)
    assert len(smtp.to("ben@example.org")) == 1


async def test_the_wait_doubles_and_a_message_refused_too_often_fails(sessions, smtp):
    ids = await seed(sessions)
    smtp.handler.refuse("ben@example.org", "421 4.7.0 Too busy")
    await issue_all(sessions, ids["meeting"])
    sender = outbox(sessions, smtp)
    now = utcnow()
    waits = []
    for _ in range(8):
        assert await sender.send_due(now) >= 1
        [message] = (await messages(sessions))[ids["ben"]]
        if message.state == "failed":
            break
        waits.append((message.next_attempt_at - now).total_seconds())
        now = message.next_attempt_at
    assert [round(wait) for wait in waits] == [30, 60, 120, 240, 480, 960, 1920]
    assert message.state == "failed" and message.failure_reason == "gave up after 8 tries: 421 4.7.0 Too busy"


async def test_a_permanent_refusal_fails_with_the_servers_reason(sessions, smtp):
    ids = await seed(sessions)
    smtp.handler.refuse("cy@example.org", "550 5.1.1 No such mailbox here")
    await issue_all(sessions, ids["meeting"])
    sender = outbox(sessions, smtp)
    assert await sender.send_due() == 3
    [failed] = (await messages(sessions))[ids["cy"]]
    assert (failed.state, failed.failure_reason) == ("failed", "550 5.1.1 No such mailbox here")
    assert await sender.send_due(utcnow() + timedelta(days=1)) == 0  # never tried again
    assert smtp.to("cy@example.org") == [] and len(smtp.to("ada@example.org")) == 1


async def test_no_server_is_a_temporary_failure(sessions):
    ids = await seed(sessions)
    await issue_all(sessions, ids["meeting"])
    with SmtpServer() as stopped:
        pass  # its port is closed again
    assert await outbox(sessions, stopped).send_due() == 3
    states = {
        (m.state, m.failure_reason.startswith(f"SMTP server 127.0.0.1:{stopped.port}"))
        for b in (await messages(sessions)).values()
        for m in b
    }
    assert states == {("queued", True)}


async def test_the_sigs_rate_limit_holds_back_the_rest_until_the_minute_is_over(sessions, smtp):
    ids = await seed(sessions)
    await issue_all(sessions, ids["meeting"])
    sender = outbox(sessions, smtp, rate_limit=2)
    now = utcnow()
    assert await sender.send_due(now) == 2
    assert await sender.send_due(now + timedelta(seconds=30)) == 0
    assert len(smtp.handler.accepted) == 2
    assert await sender.send_due(now + timedelta(seconds=61)) == 1
    assert len(smtp.handler.accepted) == 3


async def test_a_dead_workers_claim_is_released_and_sent_once(sessions, smtp):
    ids = await seed(sessions)
    await issue_all(sessions, ids["meeting"])
    now = utcnow()
    async with sessions() as session:  # a worker claimed Ada's and Ben's messages, then died
        for message in await session.scalars(select(MailMessage).where(MailMessage.member_id != ids["cy"])):
            message.sending_since = now - timedelta(seconds=11 if message.member_id == ids["ada"] else 1)
            message.attempts = 1
        await session.commit()
    sender = outbox(sessions, smtp)
    assert await sender.send_due(now) == 1  # Cy's: the others are claimed
    await sender.release_stale_claims(now)  # Ada's claim is older than the claim timeout, Ben's is not
    assert await sender.send_due(now) == 1
    assert [len(smtp.to(f"{key}@example.org")) for key in ("ada", "ben", "cy")] == [1, 0, 1]
    await sender.release_stale_claims(now + timedelta(seconds=10))
    assert await sender.send_due(now + timedelta(seconds=10)) == 1
    assert [len(smtp.to(f"{key}@example.org")) for key in ("ada", "ben", "cy")] == [1, 1, 1]
    assert await sender.send_due(now + timedelta(hours=1)) == 0


async def test_the_door_mails_an_existing_member_once(sessions, smtp):
    ids = await seed(sessions)
    async with sessions() as session:
        meeting = await session.get(Meeting, ids["meeting"])
        await session.execute(Attendance.__table__.delete())
        await session.commit()
        member, token = await check_in(session, CLAIM_KEY, meeting, "Someone", "BEN@example.org ", mail=True)
        assert (member.id, token) == (ids["ben"], None)
        await check_in(session, CLAIM_KEY, meeting, "Someone", "ben@example.org", mail=True)  # scanned again
    [message] = (await messages(sessions))[ids["ben"]]
    assert message.cause == "door"
    await outbox(sessions, smtp).send_due()
    [mail] = smtp.to("ben@example.org")
    async with sessions() as session:
        ben = await session.get(Member, ids["ben"])
    assert claim_urls(BASE_URL, member_claim_token(CLAIM_KEY, ben))["claim_url"] in parts(mail)[0]


async def test_a_membership_badge_is_mailed_without_a_meeting(sessions, smtp):
    ids = await seed(sessions)
    async with sessions() as session:
        await add_membership_badge(session, ids["sig"], ids["ada"], utcnow() + timedelta(days=365), mail=True)
    await outbox(sessions, smtp).send_due()
    [mail] = smtp.to("ada@example.org")
    assert mail["Subject"] == "Your badges from Healthcare SIG"
    assert "Membership" in parts(mail)[0] and "Meeting:" not in parts(mail)[0]


async def test_resend_queues_a_new_message_with_the_meetings_badges_audited(sessions, smtp):
    ids = await seed(sessions)
    await issue_all(sessions, ids["meeting"])
    sender = outbox(sessions, smtp)
    await sender.send_due()
    async with sessions() as session:
        meeting = await session.get(Meeting, ids["meeting"])
        await resend_mail(session, await session.get(Member, ids["ada"]), meeting, "organizer:chair@example.org")
        outsider = Member(sig_id=ids["sig"], name="Dee", email="dee@example.org", claim_token_hash="dee")
        session.add(outsider)
        await session.commit()
        with pytest.raises(NothingToMail, match="Dee has no badges of this meeting"):
            await resend_mail(session, outsider, meeting, "organizer:chair@example.org")
        [event] = await session.scalars(select(AuditEvent).where(AuditEvent.action == "member.mail_resent"))
        assert (event.actor, event.subject) == ("organizer:chair@example.org", f"member:{ids['ada']}")
    assert await sender.send_due() == 1
    first, again = smtp.to("ada@example.org")
    assert first["Message-ID"] != again["Message-ID"]
    assert "here again is the link" in parts(again)[0] and "Presenter" in parts(again)[0]


async def test_a_link_from_before_derived_tokens_is_reissued_to_be_mailed(sessions, smtp):
    ids = await seed(sessions)
    async with sessions() as session:
        ben = await session.get(Member, ids["ben"])
        ben.claim_nonce, ben.claim_token_hash = None, token_hash("an old link")
        await session.commit()
    await issue_all(sessions, ids["meeting"])
    await outbox(sessions, smtp).send_due()
    text = parts(smtp.to("ben@example.org")[0])[0]
    async with sessions() as session:
        ben = await session.get(Member, ids["ben"])
        token = member_claim_token(CLAIM_KEY, ben)
        assert token is not None and claim_urls(BASE_URL, token)["claim_url"] in text
        [event] = await session.scalars(select(AuditEvent).where(AuditEvent.action == "member.claim_link_reissued"))
        assert (event.actor, event.subject) == ("mail", f"member:{ids['ben']}")


@pytest.mark.parametrize(("host", "mailing"), [(None, False), ("", False), ("smtp.example.org", True)])
def test_the_outbox_runs_only_with_an_smtp_host(host, mailing):
    settings = Settings(smtp_host=host, public_url="https://sig.example.org")
    assert settings.mail_enabled is mailing
    assert isinstance(mail_outbox(settings, None, CLAIM_KEY), MailOutbox) is mailing
    assert settings.mail_sender == "no-reply@sig.example.org"
