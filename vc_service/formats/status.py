"""Revoking, suspending and unsuspending a badge, in whatever format it is: the one entry point of
the dashboard and the API."""

from sqlalchemy.ext.asyncio import AsyncSession

from ..badges.models import Badge
from .base import StatusContext
from .registry import badge_format


async def apply_status_action(
    session: AsyncSession, badge: Badge, action: str, reason: str, actor: str, context: StatusContext
) -> None:
    """``action``: revoke, suspend or unsuspend; a format that cannot raises CannotChangeStatus. Commits."""
    fmt = badge_format(badge.format)
    if action == "revoke":
        await fmt.revoke(session, badge, reason, actor, context)
    else:
        await fmt.change_suspension(session, badge, action, reason, actor, context)
