"""Which formats a SIG issues its badges in: Open Badges (JSON-LD, "ld_proof"), AnonCreds, or both.

JSON-LD badges work everywhere (files, DIDComm, the verify page); AnonCreds badges are what most
Aries mobile wallets hold and allow zero-knowledge predicates, but need an Indy ledger. With
both, a member gets each badge twice, side by side, one per format.
"""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from ..anoncreds.definitions import NO_LEDGER, SigDefinitions
from ..audit.service import record
from ..badges.models import BADGE_FORMATS
from .models import Sig

DEFAULT_FORMATS = ["ld_proof"]


class FormatUnavailable(Exception):
    """A format this service cannot issue in (AnonCreds without a ledger)."""


def chosen_formats(requested: Sequence[str], anoncreds_problem: str | None) -> list[str]:
    """The formats in their canonical order, once each; refuses an unknown one, and AnonCreds
    when ``anoncreds_problem`` says why the SIG cannot issue them."""
    unknown = sorted(set(requested) - set(BADGE_FORMATS))
    if unknown:
        raise ValueError(f"unknown badge format {', '.join(unknown)}; known: {', '.join(BADGE_FORMATS)}")
    if not requested:
        raise ValueError("choose at least one badge format")
    if "anoncreds" in requested and anoncreds_problem:
        raise FormatUnavailable(anoncreds_problem)
    return [name for name in BADGE_FORMATS if name in requested]


async def badge_formats(session: AsyncSession, sig_id: int) -> list[str]:
    sig = await session.get(Sig, sig_id)
    if sig is None:
        raise LookupError(f"no SIG {sig_id}")
    return list(sig.badge_formats or DEFAULT_FORMATS)


async def set_badge_formats(
    session: AsyncSession, sig_id: int, requested: Sequence[str], anoncreds: SigDefinitions | None, actor: str
) -> list[str]:
    """Later badges are issued in these formats; badges already recorded keep theirs. The SIG's
    AnonCreds definitions are registered on the ledger first when it has none yet (some tens
    of seconds: a revocation registry per badge kind). Commits."""
    formats = chosen_formats(requested, NO_LEDGER if anoncreds is None else None)
    sig = await session.get(Sig, sig_id)
    if sig is None:
        raise LookupError(f"no SIG {sig_id}")
    if "anoncreds" in formats:
        if anoncreds is None:  # chosen_formats has refused AnonCreds already
            raise FormatUnavailable(NO_LEDGER)
        await anoncreds.ensure(sig_id, sig.slug)
    sig.badge_formats = formats
    record(session, sig_id, actor, "sig.badge_formats", str(sig_id), formats=formats)
    await session.commit()
    return formats
