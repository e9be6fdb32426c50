"""Dashboard sessions kept server-side, so they can be ended: the browser holds a random id,
this table only its SHA-256 (a copy of the database signs nobody in)."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..audit.service import record
from ..db.base import utcnow
from .models import OrganizerAccount, OrganizerSession

LAST_SEEN_EVERY = timedelta(minutes=1)  # not a write on every page view


def session_id_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


async def start_session(
    session: AsyncSession, account: OrganizerAccount, lifetime: timedelta
) -> tuple[OrganizerSession, str]:
    """A new session of the organizer with a new CSRF token: the row, and the id for the cookie
    (never stored). Commits."""
    await session.execute(delete(OrganizerSession).where(OrganizerSession.expires_at < utcnow()))  # ended or not, dead
    session_id = secrets.token_urlsafe(32)
    row = OrganizerSession(
        id_hash=session_id_hash(session_id),
        account_id=account.id,
        csrf=secrets.token_urlsafe(24),
        expires_at=utcnow() + lifetime,
    )
    session.add(row)
    await session.commit()
    return row, session_id


async def live_session(session: AsyncSession, session_id: str) -> OrganizerSession | None:
    """The session of this id while it is neither ended, expired nor its organizer disabled."""
    row = await session.scalar(
        select(OrganizerSession)
        .join(OrganizerAccount, OrganizerAccount.id == OrganizerSession.account_id)
        .where(
            OrganizerSession.id_hash == session_id_hash(session_id),
            OrganizerSession.revoked_at.is_(None),
            OrganizerSession.expires_at > utcnow(),
            OrganizerAccount.disabled_at.is_(None),
        )
    )
    if row is not None and utcnow() - row.last_seen_at > LAST_SEEN_EVERY:
        row.last_seen_at = utcnow()
        await session.commit()
    return row


async def end_session(session: AsyncSession, row: OrganizerSession) -> None:
    """Sign-out: the session ends here, not only in the browser, so a copy of its cookie signs
    nobody in. Commits."""
    row.revoked_at = utcnow()
    account = await session.get(OrganizerAccount, row.account_id)
    if account is None:  # the session's account_id is a foreign key: its account exists
        raise RuntimeError(f"organizer account {row.account_id} of a session is missing")
    record(session, account.sig_id, f"organizer:{account.email}", "organizer.logout", account.email)
    await session.commit()


async def revoke_sessions(session: AsyncSession, account_id: int, keep: int | None = None) -> None:
    """End every live session of the organizer but ``keep``; the caller commits."""
    query = update(OrganizerSession).where(
        OrganizerSession.account_id == account_id, OrganizerSession.revoked_at.is_(None)
    )
    if keep is not None:
        query = query.where(OrganizerSession.id != keep)
    await session.execute(query.values(revoked_at=utcnow()))


async def leave_notice(session: AsyncSession, row: OrganizerSession, notice: dict) -> None:
    """Keep the notice in the session's row, and nothing else: what the request left unsaved is
    dropped first. Commits."""
    identity = inspect(row).identity  # read without a load, which the rollback would need
    if identity is None:  # a session row given here was loaded from the database: it has its key
        raise RuntimeError("the session row is not persistent")
    row_id = identity[0]
    await session.rollback()
    await session.execute(update(OrganizerSession).where(OrganizerSession.id == row_id).values(flash=notice))
    await session.commit()
