"""The mail outbox: a member hears once about each batch of badges added for them.

``queue_mail`` writes the messages in the transaction that adds the badges, so a batch and its
messages are stored together or not at all. The worker's ``MailOutbox`` sends them: it claims due
messages one at a time (``sending_since``, committed before it goes out), hands each to the
channel and commits its outcome at once. A message whose claim outlives ``claim_timeout``
belonged to a worker that died, and is sent again: the only message that can reach the server
twice is one the server accepted in the moment between its answer and that commit (README,
"Email to members").
"""

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ..audit.service import record
from ..badges.models import Badge
from ..db.base import utcnow
from ..errors import Conflict
from ..formats.labels import badge_label
from ..meetings.models import Meeting, Talk
from ..members.models import Member
from ..members.service import member_claim_token, reissue_claim_token
from ..sig.models import Sig
from .channel import NotificationChannel, PermanentFailure, SendFailed
from .message import BadgeMail, compose
from .models import MailMessage

LOGGER = logging.getLogger(__name__)
TICK_SECONDS = 2.0
BATCH_SIZE = 50  # messages a round: then the stale claims are looked at again
MAX_ATTEMPTS = 8
RATE_WINDOW = timedelta(minutes=1)
MAIL_ACTOR = "mail"  # who reissues a claim link that has to be mailed (audit log)


class NothingToMail(Conflict):
    pass


class MailNotConfigured(Conflict):
    pass


def new_message_id() -> str:
    return make_msgid(domain="sig-credentials.invalid")


async def queue_mail(session: AsyncSession, badges: list[Badge], cause: str) -> list[MailMessage]:
    """One message per member for these newly added badges (nothing for none). Does not commit."""
    if not badges:
        return []
    await session.flush()  # the badges' ids
    by_member: dict[int, list[Badge]] = defaultdict(list)
    for badge in badges:
        by_member[badge.member_id].append(badge)
    messages = [
        MailMessage(
            sig_id=added[0].sig_id,
            member_id=member_id,
            meeting_id=added[0].meeting_id,
            cause=cause,
            badge_ids=[badge.id for badge in added],
            message_id=new_message_id(),
        )
        for member_id, added in by_member.items()
    ]
    session.add_all(messages)
    return messages


async def resend_mail(session: AsyncSession, member: Member, meeting: Meeting, actor: str) -> MailMessage:
    """A new message to the member with their badges of the meeting and their claim link. Commits."""
    badge_ids = list(
        await session.scalars(
            select(Badge.id).where(Badge.member_id == member.id, Badge.meeting_id == meeting.id).order_by(Badge.id)
        )
    )
    if not badge_ids:
        raise NothingToMail(f"{member.name} has no badges of this meeting to mail")
    message = MailMessage(
        sig_id=member.sig_id,
        member_id=member.id,
        meeting_id=meeting.id,
        cause="resend",
        badge_ids=badge_ids,
        message_id=new_message_id(),
    )
    session.add(message)
    await session.flush()
    record(session, member.sig_id, actor, "member.mail_resent", f"member:{member.id}", meeting=meeting.id)
    await session.commit()
    return message


async def meeting_mail(session: AsyncSession, meeting_id: int) -> list[tuple[Member, MailMessage | None]]:
    """Each member with badges of the meeting, and the latest message about it to them (None: never mailed)."""
    members = await session.scalars(
        select(Member)
        .where(Member.id.in_(select(Badge.member_id).where(Badge.meeting_id == meeting_id)))
        .order_by(Member.name, Member.id)
    )
    messages = await session.scalars(
        select(MailMessage).where(MailMessage.meeting_id == meeting_id).order_by(MailMessage.id)
    )
    latest = {message.member_id: message for message in messages}
    return [(member, latest.get(member.id)) for member in members]


class MailOutbox:
    """Sends the outbox through a channel; run by the background worker (webhooks/dispatch.py)."""

    def __init__(
        self,
        sessions: async_sessionmaker,
        channel: NotificationChannel,
        *,
        claim_key: str,
        claim_urls: Callable[[str], dict[str, str]],
        sender: str,
        rate_limit: int,
        retry_seconds: float,
        claim_timeout: float,
    ) -> None:
        self._sessions = sessions
        self._channel = channel
        self._claim_key = claim_key
        self._claim_urls = claim_urls  # routing.claim_urls, for the service's public URL
        self._sender = sender
        self._rate_limit = rate_limit
        self._retry = timedelta(seconds=retry_seconds)
        self._claim_timeout = timedelta(seconds=claim_timeout)
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="mail-outbox")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self.release_stale_claims()
                while await self.send_due():
                    pass
            except Exception:  # the loop must outlive any one bad message; the error is logged
                LOGGER.exception("mail outbox: unexpected error")
            try:
                await asyncio.wait_for(self._wake.wait(), TICK_SECONDS)
            except TimeoutError:
                pass

    async def release_stale_claims(self, now: datetime | None = None) -> None:
        """Claims of a worker that died: the message goes again (see the module's docstring)."""
        async with self._sessions() as session:
            stale = await session.scalars(
                select(MailMessage)
                .where(
                    MailMessage.state == "queued",
                    MailMessage.sending_since < (now or utcnow()) - self._claim_timeout,
                )
                .with_for_update(skip_locked=True)
            )
            for message in stale:
                LOGGER.warning("mail %s: claimed by a worker that stopped; sending it again", message.id)
                message.sending_since = None
            await session.commit()

    async def send_due(self, now: datetime | None = None) -> int:
        """Send due messages one at a time, as each SIG's rate limit allows: claim one (committed),
        send it, commit its outcome. Only one message is ever between claim and outcome, so a crash
        leaves one to be sent again. Returns how many were tried this round."""
        now = now or utcnow()
        tried = 0
        while tried < BATCH_SIZE:
            async with self._sessions() as session:
                message = await self._claim_next(session, now)
                if message is None:
                    break
                try:
                    await self._channel.send(await self._compose(session, message))
                except SendFailed as exc:
                    self._failed(message, exc, now)
                else:
                    message.state, message.sent_at, message.failure_reason = "sent", utcnow(), None
                message.sending_since = None
                await session.commit()
                tried += 1
        return tried

    async def _claim_next(self, session: AsyncSession, now: datetime) -> MailMessage | None:
        """The oldest due message of a SIG within its rate limit (its limit a minute, less what it
        sent in the last minute and what is being sent, by any controller: counted in the
        database), claimed and committed; None when there is none."""
        busy = (
            select(MailMessage.sig_id)
            .where(or_(MailMessage.sent_at >= now - RATE_WINDOW, MailMessage.sending_since.is_not(None)))
            .group_by(MailMessage.sig_id)
            .having(func.count() >= self._rate_limit)
        )
        message = await session.scalar(
            select(MailMessage)
            .where(
                MailMessage.state == "queued",
                MailMessage.sending_since.is_(None),
                or_(MailMessage.next_attempt_at.is_(None), MailMessage.next_attempt_at <= now),
                MailMessage.sig_id.not_in(busy),
            )
            .order_by(MailMessage.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if message is not None:
            message.sending_since = now
            message.attempts += 1
            await session.commit()  # claimed: from here a crash leaves it to release_stale_claims
        return message

    def _failed(self, message: MailMessage, failure: SendFailed, now: datetime) -> None:
        message.failure_reason = failure.reason
        if isinstance(failure, PermanentFailure):
            message.state = "failed"
        elif message.attempts >= MAX_ATTEMPTS:
            message.state = "failed"
            message.failure_reason = f"gave up after {message.attempts} tries: {failure.reason}"
        else:
            message.next_attempt_at = now + self._retry * 2 ** (message.attempts - 1)
        LOGGER.warning("mail %s to member %s: %s (%s)", message.id, message.member_id, failure.reason, message.state)

    async def _compose(self, session: AsyncSession, message: MailMessage) -> EmailMessage:
        member = await session.get(Member, message.member_id)
        sig = await session.get(Sig, message.sig_id)
        if member is None or sig is None:  # foreign keys: neither goes while its messages exist
            raise RuntimeError(f"mail {message.id}: its member or SIG is gone")
        if not member.email:
            raise PermanentFailure("the member has no email address")
        token = member_claim_token(self._claim_key, member)
        if token is None:  # a link from before derived tokens: only a new one can be mailed
            token = await reissue_claim_token(session, self._claim_key, member, MAIL_ACTOR)
        urls = self._claim_urls(token)
        meeting = await session.get(Meeting, message.meeting_id) if message.meeting_id else None
        rows = await session.execute(
            select(Badge, Talk)
            .outerjoin(Talk, Badge.talk_id == Talk.id)
            .where(Badge.id.in_(message.badge_ids))
            .order_by(Badge.id)
        )
        mail = BadgeMail(
            sig_name=sig.name,
            member_name=member.name,
            member_email=member.email,
            meeting_title=meeting.title if meeting else None,
            meeting_date=f"{meeting.starts_at:%Y-%m-%d}" if meeting else None,
            badges=[badge_label(badge, meeting, talk) for badge, talk in rows],
            claim_url=urls["claim_url"],
            wallet_url=urls["invitation_short_url"],
            resent=message.cause == "resend",
        )
        return compose(mail, self._sender, message.message_id)
