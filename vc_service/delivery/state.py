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

# The stages a badge goes through, as progress counts and reports name them: the stored states,
# with "issued" split by how the member took it (into a wallet of either kind: "issued"; as a file).
DELIVERED_STAGES = tuple(dict.fromkeys(channel.delivered_stage for channel in CHANNELS.values()))
STAGES = ("pending", "offered", *DELIVERED_STAGES, "failed")
STAGE_LABELS = {
    "pending": "pending",
    "offered": "offered to a wallet",
    **{channel.delivered_stage: channel.delivered_label for channel in CHANNELS.values()},
    "failed": "failed",
}


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
    label: str  # what the member reads: the stage's words, or "revoked" once revoked
    stage: str  # one of STAGES

    @property
    def offered_to_wallet(self) -> bool:
        """Sent to the member's wallet, taken or not."""
        return self.channel is not None and self.channel.reaches_wallet

    @property
    def picked_up(self) -> bool:
        """The member has it, by whichever channel."""
        return self.stage in DELIVERED_STAGES

    @property
    def delivered_by(self) -> DeliveryChannel | None:
        """The channel the member got it by (a wallet's, before channels were recorded); None until they have it."""
        return (self.channel or DIDCOMM) if self.picked_up else None

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[self.stage]


def delivery_state(badge: DeliveredBadge) -> BadgeDelivery:
    if badge.delivery is not None:
        channel: DeliveryChannel | None = CHANNELS[badge.delivery]
    elif badge.state in DidcommChannel.states_before_delivery:  # only the worker offers, over DIDComm
        channel = DIDCOMM
    else:
        channel = None
    # A badge issued before channels were recorded went to a wallet: files came with the channels.
    stage = (channel or DIDCOMM).delivered_stage if badge.state == "issued" else badge.state
    return BadgeDelivery(channel, badge.state, "revoked" if badge.revoked_at else STAGE_LABELS[stage], stage)


async def wallet_options(claim: ClaimPage) -> list[WalletOption]:
    """Every channel's ways into a wallet app for the member's claim page, in the channels' order."""
    return [option for channel in CHANNELS.values() for option in await channel.wallet_options(claim)]
