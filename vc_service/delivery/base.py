"""A delivery channel: how an issued badge reaches its member. Each channel records its own
delivery, so "issued over DIDComm" and "picked up as a file" are each set in one place, and offers
on the member's claim page the ways into a wallet app it has (``wallet_options``). OID4VCI or email
would be further channels beside didcomm.py, file.py and vcapi.py."""

from abc import ABC
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from ..agent.client import AgentClient
from ..badges.models import Badge
from ..db.base import utcnow
from ..members.models import Member

ISSUED = "issued"


@dataclass(frozen=True)
class ClaimPage:
    """What a channel is given to make its offers on a member's claim page."""

    session: AsyncSession
    agent: AgentClient
    member: Member
    sig_name: str
    claim_url: str
    invitation_short_url: str


@dataclass(frozen=True)
class WalletOption:
    """One way into a wallet app on the claim page: a button that opens the app on this phone, and a
    QR code for the app on another device. ``connected``: a wallet already takes this channel's
    badges, so there is nothing to open or scan."""

    channel: str
    apps: str  # the apps that take it, named as a member finds them in an app store
    connected: bool = False
    open_label: str = ""  # the button, e.g. "Open in BC Wallet"
    deep_link: str = ""  # what the button opens: the app's own link scheme, never an agent's endpoint
    scan_url: str = ""  # what the QR code carries: a short https URL keeps the code sparse
    next_step: str = ""  # what happens once the app has it, in a sentence


class DeliveryChannel(ABC):
    name: str  # what ``badges.delivery`` stores once the badge came this way
    label: str  # what pages call it
    reaches_wallet: bool  # offered to the member's wallet, which may take it or not
    # What a badge delivered this way is, in progress counts and reports (its stored state is "issued"),
    # and what pages call that.
    delivered_stage: str
    delivered_label: str

    def mark_delivered(self, badge: Badge, credential: dict | None) -> None:
        """The badge is issued through this channel; ``credential``: the one it carries, if known here."""
        badge.state = ISSUED
        badge.delivery = self.name
        badge.issued_at = utcnow()
        badge.failure_reason = None
        badge.credential = credential or badge.credential

    async def wallet_options(self, claim: ClaimPage) -> list[WalletOption]:
        """The ways into a wallet app this channel offers on the claim page (none: a file is
        downloaded badge by badge)."""
        return []
