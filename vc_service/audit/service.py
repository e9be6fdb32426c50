"""Recording audit events inside the caller's transaction: the event exists exactly when the change does."""

from sqlalchemy.ext.asyncio import AsyncSession

from .models import AuditEvent


def record(session: AsyncSession, sig_id: int, actor: str, action: str, subject: str, **detail) -> None:
    """Add the event to the session; the caller's commit stores it with the change it describes."""
    session.add(AuditEvent(sig_id=sig_id, actor=actor, action=action, subject=subject, detail=detail))
