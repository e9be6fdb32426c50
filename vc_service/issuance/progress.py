"""How far a meeting's badges are: the counts the dashboard and ``GET /meetings/{id}/badges`` show,
and when the batch has done all it can (the CLI's progress bar stops there)."""

from collections.abc import Iterable

from ..badges.models import BADGE_STATES


def state_counts(states: Iterable[str]) -> dict[str, int]:
    """How many badges are in each state, every state named (0 when none is)."""
    counts = dict.fromkeys(BADGE_STATES, 0)
    for state in states:
        counts[state] += 1
    return counts


def batch_settled(progress: dict) -> bool:
    """Nothing in flight: badges are issued, failed, or wait for a member to connect a wallet."""
    return all(
        badge["state"] in ("issued", "failed") or (badge["state"] == "pending" and not badge["wallet_connected"])
        for badge in progress["badges"]
    )
