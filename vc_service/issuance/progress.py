"""When a meeting's batch has done all it can: the CLI's progress bar stops there."""


def batch_settled(progress: dict) -> bool:
    """Nothing in flight: badges are issued, failed, or wait for a member to connect a wallet."""
    return all(
        badge["state"] in ("issued", "failed") or (badge["state"] == "pending" and not badge["wallet_connected"])
        for badge in progress["badges"]
    )
