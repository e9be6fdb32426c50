"""Which formats a SIG issues its badges in: Open Badges (JSON-LD), AnonCreds, or both; the one
rule behind the dashboard's format form and ``PUT /sig/badge-formats``.

JSON-LD badges work everywhere (files, DIDComm, the verify page); AnonCreds badges are what most
Aries mobile wallets hold and allow zero-knowledge predicates, but need an Indy ledger. With
both, a member gets each badge twice, side by side, one per format.
"""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from ..anoncreds.definitions import NO_LEDGER, SigDefinitions
from ..audit.service import record
from ..errors import Conflict
from ..sig.models import Sig
from .registry import DEFAULT_FORMATS, FORMATS, in_order


class FormatUnavailable(Conflict):
    """A format this service cannot issue in (AnonCreds without a ledger)."""


def chosen_formats(requested: Sequence[str], anoncreds_problem: str | None) -> list[str]:
    """The formats in their canonical order, once each; refuses an unknown one, and a format
    that needs a ledger when ``anoncreds_problem`` says why the SIG cannot use one (AnonCreds without a ledger)."""
    unknown = sorted(set(requested) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown badge format {', '.join(unknown)}; known: {', '.join(FORMATS)}")
    if not requested:
        raise ValueError("choose at least one badge format")
    chosen = in_order(requested)
    if anoncreds_problem and any(fmt.needs_ledger for fmt in chosen):
        raise FormatUnavailable(anoncreds_problem)
    return [fmt.name for fmt in chosen]


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
    if any(FORMATS[name].needs_ledger for name in formats):
        if anoncreds is None:  # chosen_formats has refused them already
            raise FormatUnavailable(NO_LEDGER)
        await anoncreds.ensure(sig_id, sig.slug)
    sig.badge_formats = formats
    record(session, sig_id, actor, "sig.badge_formats", str(sig_id), formats=formats)
    await session.commit()
    return formats
