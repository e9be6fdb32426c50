"""The SIG's members: roster import, wallet connections and claim links."""
