"""Creating organizer accounts and checking their passwords (argon2id)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..members.service import normalise_email
from ..audit.service import record
from ..db.base import utcnow
from .models import OrganizerAccount

MIN_PASSWORD_LENGTH = 12
hasher = PasswordHasher()
# Checked when the email is unknown, so a wrong email costs as long as a wrong password.
_UNKNOWN_ACCOUNT_HASH = hasher.hash("no such account")


class InvalidAccount(ValueError):
    pass


async def create_account(session: AsyncSession, sig_id: int, email: str, password: str, actor: str) -> OrganizerAccount:
    """A new organizer of the SIG; the password is stored as an argon2id hash only. Commits."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidAccount(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    address = normalise_email(email)
    if await session.scalar(select(OrganizerAccount.id).where(OrganizerAccount.sig_id == sig_id, OrganizerAccount.email == address)):
        raise InvalidAccount(f"an organizer {address} exists")
    account = OrganizerAccount(sig_id=sig_id, email=address, password_hash=hasher.hash(password))
    session.add(account)
    record(session, sig_id, actor, "organizer.created", address)
    await session.commit()
    return account


async def authenticate(session: AsyncSession, sig_id: int, email: str, password: str) -> OrganizerAccount | None:
    """The account whose email and password these are, or None. Commits the login time."""
    address = email.strip().lower()
    account = await session.scalar(
        select(OrganizerAccount).where(OrganizerAccount.sig_id == sig_id, OrganizerAccount.email == address)
    )
    try:
        hasher.verify(account.password_hash if account else _UNKNOWN_ACCOUNT_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if account is None:
        return None
    if hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hasher.hash(password)
    account.last_login_at = utcnow()
    await session.commit()
    return account
