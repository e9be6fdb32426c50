"""A real SMTP server on loopback (aiosmtpd) that keeps what it accepts, parsed by the email stdlib,
and answers chosen recipients with a refusal, a given number of times or always."""

import threading
from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from ..support import free_port, wait_for


class RecordingHandler:
    def __init__(self) -> None:
        self.accepted: list[EmailMessage] = []
        self._refusals: dict[str, list] = {}  # address -> [answer, times left (None: always)]
        self._lock = threading.Lock()
        # Called with each message before it is accepted; a refusal it returns is the answer instead.
        self.before_accepting: Callable[[EmailMessage], str | None] | None = None

    def refuse(self, address: str, answer: str, times: int | None = None) -> None:
        self._refusals[address] = [answer, times]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        refusal = self._refusals.get(address)
        if refusal is not None and refusal[1] != 0:
            if refusal[1] is not None:
                refusal[1] -= 1
            return refusal[0]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        if self.before_accepting is not None and (refusal := self.before_accepting(message)):
            return refusal
        with self._lock:
            self.accepted.append(message)
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self) -> None:
        self.handler = RecordingHandler()
        self.port = free_port()
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpServer":
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()

    @property
    def env(self) -> dict[str, str]:
        """The service's settings for this server (loopback: no STARTTLS)."""
        return {
            "VC_SERVICE_SMTP_HOST": "127.0.0.1",
            "VC_SERVICE_SMTP_PORT": str(self.port),
            "VC_SERVICE_SMTP_STARTTLS": "false",
            "VC_SERVICE_MAIL_FROM": "badges@sig.test",
        }

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in list(self.handler.accepted) if message["To"].addresses[0].addr_spec == address]

    def wait_for(self, address: str, count: int = 1, timeout: float = 30) -> list[EmailMessage]:
        """The messages to ``address`` once ``count`` arrived (the service sends them from its worker)."""
        wait_for(lambda: len(self.to(address)) >= count, f"{count} message(s) to {address}", timeout)
        return self.to(address)


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and HTML bodies."""
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()
