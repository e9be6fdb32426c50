"""Signed on request for the DID a wallet proved in a VC-API exchange (vcapi_exchange/), as the
Learner Credential Wallet picks badges up."""

from .base import DeliveryChannel


class VcApiChannel(DeliveryChannel):
    name = "vcapi"
    label = "VC-API wallet (Learner Credential Wallet)"
    reaches_wallet = True
    delivered_stage = "issued"
    delivered_label = "issued to a wallet"
