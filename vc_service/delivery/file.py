"""Signed on request and downloaded from the member's claim page (claims/files.py)."""

from .base import DeliveryChannel


class FileChannel(DeliveryChannel):
    name = "file"
    label = "file download"
    reaches_wallet = False
    delivered_stage = "downloaded"  # by anyone holding the claim link: no wallet took it
    delivered_label = "picked up as a file"
