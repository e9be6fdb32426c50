"""A badge as a file: the signed credential JSON, for members without (or besides) a wallet."""

from typing import Any, cast

from sqlalchemy import CursorResult, and_, or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..agent.client import AgentClient
from ..badges.models import Badge
from ..contexts.pinned import PinnedContextSet
from ..db.base import utcnow
from ..delivery.base import DeliveryChannel
from ..delivery.state import FILE
from ..errors import Conflict
from ..formats.ld_proof import badge_credential
from ..issuance.signing import IssueOptions, sign_prepared
from ..issuer.identity import Issuers
from ..members.models import Member


class BadgeBusy(Conflict):
    """The badge is on its way to the member's wallet; the file would be a second credential."""


async def claim_for_signing(session: AsyncSession, badge: Badge) -> bool:
    """Take the badge the way the worker does (``sending_since``), so only one of us issues it."""
    # An UPDATE's result is a CursorResult (it has the rowcount); Session.execute is typed as the general Result.
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(Badge)
            .where(
                Badge.id == badge.id,
                Badge.sending_since.is_(None),
                or_(Badge.state == "pending", and_(Badge.state == "failed", Badge.cred_ex_id.is_(None))),
            )
            .values(sending_since=utcnow())
        ),
    )
    await session.commit()
    return result.rowcount == 1


async def badge_file(
    session: AsyncSession,
    agent: AgentClient,
    issuers: Issuers,
    base_url: str,
    contexts: PinnedContextSet,
    badge: Badge,
    member: Member,
) -> dict:
    """The badge's one credential: the one already issued, or one signed now for the file by its
    SIG's issuer (the caller passes the parts of the service state it needs)."""
    if badge.state == "issued" and badge.credential:
        return badge.credential
    if not await claim_for_signing(session, badge):
        raise BadgeBusy("this badge is being delivered to your wallet; download it once it is issued")
    return await sign_claimed(session, agent, issuers, base_url, contexts, badge, member, FILE, member.did)


async def sign_claimed(
    session: AsyncSession,
    agent: AgentClient,
    issuers: Issuers,
    base_url: str,
    contexts: PinnedContextSet,
    badge: Badge,
    member: Member,
    channel: DeliveryChannel,
    subject_did: str | None,
) -> dict:
    """Sign a badge taken with :func:`claim_for_signing` for a channel that delivers on request
    (a file, a VC-API exchange), bound to ``subject_did``, and record it delivered there."""
    await session.refresh(badge)
    try:
        credential = await badge_credential(
            session,
            badge,
            member,
            issuer=await issuers.of(badge.sig_id),
            base_url=base_url,
            subject_did=subject_did,
        )
        signed = await sign_prepared(agent, credential, contexts, IssueOptions())
    except Exception:
        badge.sending_since = None  # release it: the worker or a later request may try again
        await session.commit()
        raise
    badge.sending_since = None
    channel.mark_delivered(badge, signed)
    await session.commit()
    return signed
