"""A delivery channel: how an issued badge reaches its member. Each channel records its own
delivery, so "issued over DIDComm" and "picked up as a file" are each set in one place. OID4VCI
or email would be further channels beside didcomm.py, file.py and vcapi.py."""

from abc import ABC

from ..badges.models import Badge
from ..db.base import utcnow

ISSUED = "issued"


class DeliveryChannel(ABC):
    name: str  # what ``badges.delivery`` stores once the badge came this way
    label: str  # what pages call it
    reaches_wallet: bool  # offered to the member's wallet, which may take it or not (the report's pickup rate)

    def mark_delivered(self, badge: Badge, credential: dict | None) -> None:
        """The badge is issued through this channel; ``credential``: the one it carries, if known here."""
        badge.state = ISSUED
        badge.delivery = self.name
        badge.issued_at = utcnow()
        badge.failure_reason = None
        badge.credential = credential or badge.credential
