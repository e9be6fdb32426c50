"""Picked up by the member's wallet with an OpenID4VCI credential offer (oid4vci/): the wallet
asks, so the badge is issued the moment it gets its credential."""

from .base import DeliveryChannel


class Oid4vciChannel(DeliveryChannel):
    name = "oid4vci"
    label = "OpenID4VCI wallet"
    reaches_wallet = (
        False  # nothing is offered that the wallet could leave unanswered (the pickup rate's DIDComm offers)
    )
    delivered_stage = "issued"
    delivered_label = "issued to a wallet"
