"""Where a badge is on its way to the member, read off its row once for every page and report."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from .base import ClaimPage, DeliveryChannel, WalletOption
from .didcomm import DidcommChannel
from .file import FileChannel
from .oid4vci import Oid4vciChannel
from .vcapi import VcApiChannel

DIDCOMM = DidcommChannel()
FILE = FileChannel()
VCAPI = VcApiChannel()
OID4VCI = Oid4vciChannel()
CHANNELS: dict[str, DeliveryChannel] = {channel.name: channel for channel in (DIDCOMM, FILE, VCAPI, OID4VCI)}


class DeliveredBadge(Protocol):
    @property
    def state(self) -> str: ...
    @property
    def delivery(self) -> str | None: ...
    @property
    def revoked_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class BadgeDelivery:
    channel: DeliveryChannel | None  # None while the badge waits, sent on no channel yet
    state: str  # the stored state: pending, offered, issued, failed
    label: str  # what the member reads: the state, or "revoked" once revoked

    @property
    def offered_to_wallet(self) -> bool:
        """Sent to the member's wallet, taken or not."""
        return self.channel is not None and self.channel.reaches_wallet


def delivery_state(badge: DeliveredBadge) -> BadgeDelivery:
    if badge.delivery is not None:
        channel: DeliveryChannel | None = CHANNELS[badge.delivery]
    elif badge.state in DidcommChannel.states_before_delivery:  # only the worker offers, over DIDComm
        channel = DIDCOMM
    else:
        channel = None
    return BadgeDelivery(channel, badge.state, "revoked" if badge.revoked_at else badge.state)


async def wallet_options(claim: ClaimPage) -> list[WalletOption]:
    """Every channel's ways into a wallet app for the member's claim page, in the channels' order."""
    return [option for channel in CHANNELS.values() for option in await channel.wallet_options(claim)]
