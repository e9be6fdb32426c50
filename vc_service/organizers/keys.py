"""Organizer API keys: random, shown once, kept as SHA-256 hashes, revocable.

A random 256-bit key needs no slow hash (unlike a password): SHA-256 makes a stolen database
useless for calling the API, and lets a request find its key with one indexed lookup.
"""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..audit.service import record
from ..db.base import utcnow
from ..errors import NotFound
from .models import OrganizerAccount, OrganizerApiKey

KEY_PREFIX = "sigk_"  # recognisable in a leaked file or a secret scanner
# A key's last use is noted to the minute: a write (on SQLite an fsync) on every call with the
# key would cost more than the rest of a signature's work in the controller (bench/MEASURED.md).
LAST_USE_PRECISION = timedelta(minutes=1)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def create_api_key(
    session: AsyncSession, account: OrganizerAccount, label: str, actor: str
) -> tuple[OrganizerApiKey, str]:
    """A new key for the account: the record, and the key itself, which is never stored. Commits."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    api_key = OrganizerApiKey(account_id=account.id, sig_id=account.sig_id, label=label, key_hash=key_hash(key))
    session.add(api_key)
    await session.flush()
    record(
        session,
        account.sig_id,
        actor,
        "organizer.key_created",
        f"api-key:{api_key.id}",
        email=account.email,
        label=label,
    )
    await session.commit()
    return api_key, key


async def active_api_key(session: AsyncSession, key: str) -> OrganizerApiKey | None:
    """The unrevoked key with this value of an organizer not disabled, its last use noted (to
    ``LAST_USE_PRECISION``: a commit when it moved on); None for anything else."""
    api_key = await session.scalar(
        select(OrganizerApiKey)
        .join(OrganizerAccount, OrganizerAccount.id == OrganizerApiKey.account_id)
        .where(OrganizerApiKey.key_hash == key_hash(key), OrganizerAccount.disabled_at.is_(None))
    )
    if api_key is None or api_key.revoked_at is not None:
        return None
    now = utcnow()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USE_PRECISION:
        api_key.last_used_at = now
        await session.commit()
    return api_key


class UnknownApiKey(NotFound, LookupError):
    pass


async def revoke_api_key(session: AsyncSession, sig_id: int, key_id: int, actor: str) -> OrganizerApiKey:
    """Revoke one of the SIG's keys (another SIG's key is as unknown as a missing one). Commits."""
    api_key = await session.get(OrganizerApiKey, key_id)
    if api_key is None or api_key.sig_id != sig_id:
        raise UnknownApiKey(f"no API key {key_id}")
    if api_key.revoked_at is None:
        api_key.revoked_at = utcnow()
        record(session, sig_id, actor, "organizer.key_revoked", f"api-key:{key_id}", label=api_key.label)
        await session.commit()
    return api_key
