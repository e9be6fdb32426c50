"""What the worker offers for a badge: its format prepares it (formats/)."""

from sqlalchemy.ext.asyncio import AsyncSession

from ..anoncreds.definitions import SigDefinitions
from ..badges.models import Badge
from ..formats.base import OfferContext, PreparedOffer
from ..formats.registry import badge_format
from ..issuer.identity import Issuers
from ..members.models import Member


def didcomm_builder(issuers: Issuers, base_url: str, anoncreds: SigDefinitions | None = None):
    """For the worker: a badge's offer in its format, signed by its SIG's issuer (``anoncreds``:
    the SIG's AnonCreds definitions, None without a ledger)."""

    async def build(session: AsyncSession, badge: Badge, member: Member) -> PreparedOffer:
        context = OfferContext(issuer=await issuers.of(badge.sig_id), base_url=base_url, anoncreds=anoncreds)
        return await badge_format(badge.format).prepare_offer(session, badge, member, context)

    return build
