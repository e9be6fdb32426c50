"""Organizer accounts: creating them, checking and changing their passwords (argon2id, off the
event loop), locking an email after repeated failures, disabling and enabling organizers."""

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..audit.models import AuditEvent
from ..audit.service import record
from ..db.base import utcnow
from ..members.service import normalise_email
from .models import OrganizerAccount
from .sessions import revoke_sessions

MIN_PASSWORD_LENGTH = 12
hasher = PasswordHasher()


@cache
def unknown_account_hash() -> str:
    """Checked when the email is unknown, so a wrong email costs as long as a wrong password. Made
    at the first such sign-in, not at import: a hash takes argon2id's 64 MiB for a moment, which
    every process importing this module (the CLI's commands too) would pay."""
    return hasher.hash("no such account")


# What ends a run of failed sign-ins of an email: they count from the last of these on.
_FAILURES_RESET_BY = ("login.succeeded", "organizer.password_changed")


class InvalidAccount(ValueError):
    pass


class AccountLocked(Exception):
    """Too many failed sign-ins of this email: said alike for an unknown email, which reveals nothing."""

    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(f"too many failed sign-ins for this email: try again after {until:%H:%M} UTC")


class AccountDisabled(Exception):
    """The password was right, but the organizer is disabled."""


@dataclass(frozen=True)
class LoginPolicy:
    failures: int  # this many failed sign-ins of an email within ``window`` ...
    window: timedelta
    lockout: timedelta  # ... refuse its sign-ins for this long after the last of them

    @classmethod
    def of(cls, settings) -> "LoginPolicy":
        return cls(
            settings.login_lockout_failures,
            timedelta(minutes=settings.login_lockout_window_minutes),
            timedelta(minutes=settings.login_lockout_minutes),
        )


async def hash_password(password: str) -> str:
    # argon2 takes tens of milliseconds of CPU on purpose: in a thread, the event loop keeps serving.
    # (asyncio's executor, not anyio's workers: asyncio.run, as in the CLI, ends it, and the process exits.)
    return await asyncio.to_thread(hasher.hash, password)


async def password_matches(password_hash: str, password: str) -> bool:
    try:
        return await asyncio.to_thread(hasher.verify, password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_password_strength(password: str, min_score: int, email: str = "") -> None:
    """Refuse a short or guessable password (zxcvbn: common passwords, repeats, keyboard runs,
    dictionary words, the email itself), saying why."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidAccount(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    from zxcvbn import zxcvbn  # its word lists take 11 MB: loaded when a password is set, not by every controller

    strength = zxcvbn(password, user_inputs=[email, *email.split("@")] if email else [])
    if strength["score"] < min_score:
        feedback = strength["feedback"]
        why = " ".join(filter(None, [feedback["warning"], *feedback["suggestions"]])) or "It is easy to guess."
        raise InvalidAccount(
            f"the password is too easy to guess (strength {strength['score']} of 4, at least {min_score} needed). {why}"
        )


async def create_account(
    session: AsyncSession, sig_id: int, email: str, password: str, actor: str, *, min_score: int
) -> OrganizerAccount:
    """A new organizer of the SIG; the password is stored as an argon2id hash only. Commits."""
    address = normalise_email(email)
    check_password_strength(password, min_score, address)
    if await session.scalar(
        select(OrganizerAccount.id).where(OrganizerAccount.sig_id == sig_id, OrganizerAccount.email == address)
    ):
        raise InvalidAccount(f"an organizer {address} exists")
    account = OrganizerAccount(sig_id=sig_id, email=address, password_hash=await hash_password(password))
    session.add(account)
    record(session, sig_id, actor, "organizer.created", address)
    await session.commit()
    return account


async def locked_until(session: AsyncSession, sig_id: int, address: str, policy: LoginPolicy) -> datetime | None:
    """When the email's sign-ins are allowed again, if they are locked now: ``policy.failures``
    failed sign-ins within the window, none since reset, the last less than the lockout ago. Read
    from the audit log, so every controller behind one URL sees the same lock."""
    recent = list(
        await session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.sig_id == sig_id,
                AuditEvent.subject == address,
                AuditEvent.action.in_(("login.failed", *_FAILURES_RESET_BY)),
            )
            .order_by(AuditEvent.id.desc())
            .limit(policy.failures)
        )
    )
    if len(recent) < policy.failures or any(event.action != "login.failed" for event in recent):
        return None
    if recent[0].at - recent[-1].at > policy.window:
        return None
    until = recent[0].at + policy.lockout
    return until if until > utcnow() else None


async def authenticate(
    session: AsyncSession, sig_id: int, email: str, password: str, policy: LoginPolicy, client: str = ""
) -> OrganizerAccount | None:
    """The account whose email and password these are, or None; AccountLocked after too many
    failures of the email, AccountDisabled for a disabled organizer's right password. Every
    attempt is audited (with the email tried, never the password). Commits."""
    address = email.strip().lower()
    until = await locked_until(session, sig_id, address, policy)
    if until is not None:
        record(session, sig_id, "anonymous", "login.refused", address, reason="locked", client=client)
        await session.commit()
        raise AccountLocked(until)
    account = await session.scalar(
        select(OrganizerAccount).where(OrganizerAccount.sig_id == sig_id, OrganizerAccount.email == address)
    )
    expected = account.password_hash if account else await asyncio.to_thread(unknown_account_hash)
    if not await password_matches(expected, password) or account is None:
        record(session, sig_id, "anonymous", "login.failed", address, client=client)
        await session.commit()
        return None
    if account.disabled_at is not None:
        record(session, sig_id, f"organizer:{address}", "login.refused", address, reason="disabled", client=client)
        await session.commit()
        raise AccountDisabled(f"the organizer {address} is disabled: another organizer of the SIG can enable it")
    if hasher.check_needs_rehash(account.password_hash):
        account.password_hash = await hash_password(password)
    account.last_login_at = utcnow()
    record(session, sig_id, f"organizer:{address}", "login.succeeded", address, client=client)
    await session.commit()
    return account


async def confirm_password(
    session: AsyncSession, account: OrganizerAccount, password: str, policy: LoginPolicy, client: str = ""
) -> bool:
    """Whether ``password`` is the signed-in organizer's own (asked before changing it). A wrong
    one counts as a failed sign-in, and a locked email is refused (AccountLocked), so a stolen
    session cannot guess the password either. Commits a failure."""
    until = await locked_until(session, account.sig_id, account.email, policy)
    if until is not None:
        raise AccountLocked(until)
    if await password_matches(account.password_hash, password):
        return True
    record(
        session,
        account.sig_id,
        f"organizer:{account.email}",
        "login.failed",
        account.email,
        client=client,
        reason="wrong current password on the account page",
    )
    await session.commit()
    return False


async def change_password(
    session: AsyncSession,
    account: OrganizerAccount,
    new_password: str,
    actor: str,
    *,
    min_score: int,
    keep_session_id: int | None = None,
) -> None:
    """Set a new password and end every session of the organizer but ``keep_session_id`` (the
    one that changed it): a stolen session dies with the old password. Commits."""
    check_password_strength(new_password, min_score, account.email)
    account.password_hash = await hash_password(new_password)
    await revoke_sessions(session, account.id, keep=keep_session_id)
    record(session, account.sig_id, actor, "organizer.password_changed", account.email)
    await session.commit()


async def set_disabled(session: AsyncSession, account: OrganizerAccount, disabled: bool, actor: str) -> None:
    """Disable (no sign-in; its sessions end; its API keys refused) or enable the organizer. Commits."""
    if disabled == (account.disabled_at is not None):
        return
    account.disabled_at = utcnow() if disabled else None
    if disabled:
        await revoke_sessions(session, account.id)
    record(session, account.sig_id, actor, "organizer.disabled" if disabled else "organizer.enabled", account.email)
    await session.commit()


async def sig_organizers(session: AsyncSession, sig_id: int) -> list[OrganizerAccount]:
    return list(
        await session.scalars(
            select(OrganizerAccount).where(OrganizerAccount.sig_id == sig_id).order_by(OrganizerAccount.email)
        )
    )


async def find_organizer(session: AsyncSession, sig_id: int, email: str) -> OrganizerAccount:
    """The SIG's organizer of this email; LookupError naming it otherwise."""
    address = normalise_email(email)
    account = await session.scalar(
        select(OrganizerAccount).where(OrganizerAccount.sig_id == sig_id, OrganizerAccount.email == address)
    )
    if account is None:
        raise LookupError(f"no organizer {address} in the SIG: create the account first (vc-service organizer add)")
    return account
