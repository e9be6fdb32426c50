"""Every badge format the service knows, in their canonical order (the first is a new SIG's
default): adding a format is one module beside this one and one line here."""

from collections.abc import Sequence

from .anoncreds import AnonCredsFormat
from .base import BadgeFormat
from .ld_proof import LdProofFormat
from .models import FormatName

FORMATS: dict[str, BadgeFormat] = {fmt.name: fmt for fmt in (LdProofFormat(), AnonCredsFormat())}


def badge_format(name: str) -> BadgeFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown badge format {name}; known: {', '.join(FORMATS)}") from None


def proof_format(template: str) -> BadgeFormat:
    """The format whose badges a proof template asks for."""
    found = next((fmt for fmt in FORMATS.values() if template in fmt.proof_templates), None)
    if found is None:
        raise ValueError(f"unknown proof template {template}")
    return found


def all_formats() -> list[BadgeFormat]:
    return list(FORMATS.values())


def available_formats(ledger: bool) -> list[BadgeFormat]:
    """The formats this service can issue in: the ledger's only with a ledger."""
    return [fmt for fmt in FORMATS.values() if ledger or not fmt.needs_ledger]


def in_order(names: Sequence[str]) -> list[BadgeFormat]:
    """The named formats in their canonical order, once each."""
    return [fmt for fmt in FORMATS.values() if fmt.name in names]


DEFAULT_FORMATS: list[str] = [FormatName.LD_PROOF]
