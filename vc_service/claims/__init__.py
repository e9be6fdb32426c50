"""How members receive badges: claim links (wallet invitation, file download) and the door QR."""
