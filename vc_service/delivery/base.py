"""A delivery channel: how an issued badge reaches its member. Each channel records its own
delivery, so "issued over DIDComm" and "picked up as a file" are each set in one place. OID4VCI,
an LCW exchange or email would be further channels beside didcomm.py and file.py."""

from abc import ABC

from ..badges.models import Badge
from ..db.base import utcnow

ISSUED = "issued"


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
