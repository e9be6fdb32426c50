"""Offered over a DIDComm connection (issue-credential 2.0) by the worker: the wallet takes the
offer, or lets it fail and be retried."""

from .base import DeliveryChannel


class DidcommChannel(DeliveryChannel):
    name = "didcomm"
    label = "DIDComm wallet"
    reaches_wallet = True
    delivered_stage = "issued"
    delivered_label = "issued to a wallet"
    # Before the wallet took it, a badge on this channel is "offered", or "failed" (retried later).
    states_before_delivery = ("offered", "failed")
