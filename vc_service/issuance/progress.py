"""How far a meeting's badges are: the counts the dashboard and ``GET /meetings/{id}/badges`` show,
and when the batch has done all it can (the CLI's progress bar stops there)."""

from collections.abc import Iterable

from ..delivery.state import DELIVERED_STAGES, STAGES


def state_counts(stages: Iterable[str]) -> dict[str, int]:
    """How many badges are at each stage (delivery/state.py), every stage named (0 when none is)."""
    counts = dict.fromkeys(STAGES, 0)
    for stage in stages:
        counts[stage] += 1
    return counts


def batch_settled(progress: dict) -> bool:
    """Nothing in flight: badges are picked up, failed, or wait for a member to connect a wallet."""
    return all(
        badge["state"] in DELIVERED_STAGES
        or badge["state"] == "failed"
        or (badge["state"] == "pending" and not badge["wallet_connected"])
        for badge in progress["badges"]
    )


def picked_up(counts: dict[str, int]) -> int:
    """Badges the members have, by whichever channel."""
    return sum(counts[stage] for stage in DELIVERED_STAGES)
