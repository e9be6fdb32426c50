"""The notification channel: the one small interface a member's message is sent through, so the
outbox neither knows SMTP nor needs a server in its unit tests. SMTP (aiosmtplib) is the channel."""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from email.message import EmailMessage

import aiosmtplib


class SendFailed(Exception):
    """The message did not go; ``reason`` is what the server (or the connection) said."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TemporaryFailure(SendFailed):
    """Worth trying again later: a 4xx answer, no connection, a timeout, the service's own SMTP
    settings refused (they can be fixed without the member doing anything)."""


class PermanentFailure(SendFailed):
    """The server refused this message for good (5xx): trying again would be refused again."""


class NotificationChannel(ABC):
    @abstractmethod
    async def send(self, message: EmailMessage) -> None:
        """Hand the message over; raises TemporaryFailure or PermanentFailure."""


@dataclass(frozen=True)
class SmtpChannel(NotificationChannel):
    host: str
    port: int
    starttls: bool
    username: str | None
    password: str | None
    timeout: float

    async def send(self, message: EmailMessage) -> None:
        try:
            await aiosmtplib.send(
                message,
                hostname=self.host,
                port=self.port,
                start_tls=self.starttls,
                username=self.username,
                password=self.password,
                timeout=self.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:  # one recipient per message: its refusal
            raise classified(exc.recipients[0].code, exc.recipients[0].message) from exc
        except aiosmtplib.SMTPAuthenticationError as exc:
            raise TemporaryFailure(f"the SMTP server refused the service's sign-in: {exc.code} {exc.message}") from exc
        except aiosmtplib.SMTPResponseException as exc:
            raise classified(exc.code, exc.message) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:  # no connection, timeout, no STARTTLS
            raise TemporaryFailure(f"SMTP server {self.host}:{self.port}: {exc}") from exc


def classified(code: int, text: str) -> SendFailed:
    reason = f"{code} {text}".strip()
    return PermanentFailure(reason) if 500 <= code < 600 else TemporaryFailure(reason)
