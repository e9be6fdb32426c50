"""The message that tells a member their badges are ready: plain text and HTML from the Jinja2
templates beside this module, with the SIG's name, the meeting, the badges, the claim link and
the ways to receive them."""

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class BadgeMail:
    sig_name: str
    member_name: str
    member_email: str
    meeting_title: str | None  # None: a membership badge, of no meeting
    meeting_date: str | None
    badges: list[str]  # what the member reads for each (formats/labels.py)
    claim_url: str
    wallet_url: str  # the short invitation URL a wallet app opens
    resent: bool


def compose(mail: BadgeMail, sender: str, message_id: str) -> EmailMessage:
    message = EmailMessage()
    about = f" for {mail.meeting_title}" if mail.meeting_title else ""
    message["Subject"] = f"Your badges from {mail.sig_name}{about}"
    message["From"] = formataddr((mail.sig_name, sender))
    message["To"] = formataddr((mail.member_name, mail.member_email))
    message["Message-ID"] = message_id  # the same on every try: a mailbox can tell a repeat
    context = {"mail": mail}
    message.set_content(TEMPLATES.get_template("badges.txt").render(context))
    message.add_alternative(TEMPLATES.get_template("badges.html").render(context), subtype="html")
    return message
