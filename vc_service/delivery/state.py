"""Where a badge is on its way to the member, read off its row once for every page and report."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from .base import DeliveryChannel
from .didcomm import DidcommChannel
from .file import FileChannel

DIDCOMM = DidcommChannel()
FILE = FileChannel()
CHANNELS: dict[str, DeliveryChannel] = {channel.name: channel for channel in (DIDCOMM, FILE)}

# The stages a badge goes through, as progress counts and reports name them: the stored states,
# with "issued" split by the channel that delivered it.
STAGES = ("pending", "offered", DIDCOMM.delivered_stage, FILE.delivered_stage, "failed")
DELIVERED_BY = {channel.delivered_stage: channel for channel in CHANNELS.values()}
DELIVERED_STAGES = frozenset(DELIVERED_BY)
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
        """The channel the member got it by; None until they have it."""
        return DELIVERED_BY.get(self.stage)

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
