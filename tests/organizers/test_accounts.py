"""Organizer accounts: argon2id hashes only (computed off the event loop), one email per SIG, a
wrong password is refused, guessable passwords are refused, an email is locked after repeated
failures, sessions end with a password change or a disabled organizer."""

import asyncio
import threading
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import event as orm_events
from sqlalchemy import select

from vc_service.audit.models import AuditEvent
from vc_service.organizers import service as organizer_service
from vc_service.organizers.keys import LAST_USE_PRECISION, active_api_key, create_api_key
from vc_service.organizers.models import OrganizerAccount, OrganizerApiKey
from vc_service.organizers.service import (
    AccountDisabled,
    AccountLocked,
    InvalidAccount,
    LoginPolicy,
    authenticate,
    change_password,
    confirm_password,
    create_account,
    set_disabled,
)
from vc_service.organizers.sessions import live_session, start_session
from vc_service.sig.models import Sig

PASSWORD = "correct horse battery"
POLICY = LoginPolicy(failures=3, window=timedelta(minutes=15), lockout=timedelta(minutes=15))
SCORE = 3


@pytest.fixture
async def sig_id(sessions) -> int:
    async with sessions() as session:
        sig = Sig(slug="test-sig", name="Test SIG")
        session.add(sig)
        await session.commit()
        return sig.id


async def test_an_account_keeps_a_hash_and_signs_in(sessions, sig_id):
    async with sessions() as session:
        account = await create_account(session, sig_id, " Alex@Example.org ", PASSWORD, "cli", min_score=SCORE)
        assert account.email == "alex@example.org"
        assert account.password_hash.startswith("$argon2id$") and PASSWORD not in account.password_hash
    async with sessions() as session:
        signed_in = await authenticate(session, sig_id, "ALEX@example.org", PASSWORD, POLICY)
        assert signed_in is not None and signed_in.last_login_at is not None
        assert await authenticate(session, sig_id, "alex@example.org", "wrong password!", POLICY) is None
        assert await authenticate(session, sig_id, "nobody@example.org", PASSWORD, POLICY) is None


async def test_accounts_are_per_sig_and_unique(sessions, sig_id):
    async with sessions() as session:
        other = Sig(slug="other-sig", name="Other SIG")
        session.add(other)
        await session.commit()
        await create_account(session, sig_id, "sam@example.org", PASSWORD, "cli", min_score=SCORE)
        with pytest.raises(InvalidAccount, match="exists"):
            await create_account(session, sig_id, "sam@example.org", PASSWORD, "cli", min_score=SCORE)
        await create_account(session, other.id, "sam@example.org", PASSWORD, "cli", min_score=SCORE)
        # An organizer of one SIG cannot sign in to another with the other's password.
        assert await authenticate(session, other.id, "sam@example.org", "not the same one", POLICY) is None
        assert (await session.get(OrganizerAccount, 1)) is not None


async def test_short_passwords_and_bad_emails_are_refused(sessions, sig_id):
    async with sessions() as session:
        with pytest.raises(InvalidAccount, match="at least 12"):
            await create_account(session, sig_id, "kim@example.org", "short", "cli", min_score=SCORE)
        with pytest.raises(ValueError, match="not an email"):
            await create_account(session, sig_id, "kim", PASSWORD, "cli", min_score=SCORE)


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("password1234", "very common password"),
        ("aaaaaaaaaaaa", 'Repeats like "aaa"'),
        ("qwertyuiopasdf", "similar to a commonly used password"),
        ("kim@example.org!", "easy to guess"),  # the email itself
    ],
)
async def test_guessable_passwords_are_refused_saying_why(sessions, sig_id, password, why):
    async with sessions() as session:
        with pytest.raises(InvalidAccount, match="too easy to guess") as refused:
            await create_account(session, sig_id, "kim@example.org", password, "cli", min_score=SCORE)
        assert why in str(refused.value)
        account = await create_account(session, sig_id, "kim@example.org", PASSWORD, "cli", min_score=SCORE)
        with pytest.raises(InvalidAccount, match=why):
            await change_password(session, account, password, "cli", min_score=SCORE)
        assert (
            await session.scalar(select(AuditEvent.id).where(AuditEvent.action == "organizer.password_changed")) is None
        )


async def failed_logins(session, sig_id: int, email: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(
        AuditEvent.sig_id == sig_id, AuditEvent.subject == email, AuditEvent.action.like("login.%")
    )
    return list(await session.scalars(query.order_by(AuditEvent.id)))


async def age_audit_log(session, by: timedelta) -> None:
    """As if every event so far happened ``by`` earlier."""
    for event in await session.scalars(select(AuditEvent)):
        event.at -= by
    await session.commit()


@pytest.mark.parametrize("email", ["lee@example.org", "nobody@example.org"])
async def test_repeated_failures_lock_the_email_alike_for_an_unknown_one(sessions, sig_id, email):
    async with sessions() as session:
        await create_account(session, sig_id, "lee@example.org", PASSWORD, "cli", min_score=SCORE)
        for _ in range(POLICY.failures):
            assert await authenticate(session, sig_id, email, "wrong password!", POLICY, "127.0.0.9") is None
        with pytest.raises(AccountLocked, match="too many failed sign-ins for this email") as locked:
            await authenticate(session, sig_id, email, PASSWORD, POLICY)  # even the right password
        events = await failed_logins(session, sig_id, email)
    assert [e.action for e in events] == ["login.failed"] * POLICY.failures + ["login.refused"]
    assert events[0].detail == {"client": "127.0.0.9"} and events[-1].detail["reason"] == "locked"
    assert all("wrong password" not in str(e.detail) and PASSWORD not in str(e.detail) for e in events)
    assert locked.value.until - events[-2].at == POLICY.lockout
    async with sessions() as session:  # the lockout over: the failures are old
        await age_audit_log(session, POLICY.lockout + timedelta(seconds=1))
        signed_in = await authenticate(session, sig_id, email, PASSWORD, POLICY)
    assert (signed_in is not None) == (email == "lee@example.org")


async def test_wrong_current_passwords_on_the_account_page_count_toward_the_lock(sessions, sig_id):
    """A stolen session cannot guess the password it would need to change it."""
    async with sessions() as session:
        account = await create_account(session, sig_id, "kim@example.org", PASSWORD, "cli", min_score=SCORE)
        assert await confirm_password(session, account, PASSWORD, POLICY)
        for _ in range(POLICY.failures):
            assert not await confirm_password(session, account, "wrong password!", POLICY, "127.0.0.7")
        with pytest.raises(AccountLocked):
            await confirm_password(session, account, PASSWORD, POLICY)
        with pytest.raises(AccountLocked):
            await authenticate(session, sig_id, "kim@example.org", PASSWORD, POLICY)
        events = await failed_logins(session, sig_id, "kim@example.org")
    assert [e.detail["reason"] for e in events[: POLICY.failures]] == [
        "wrong current password on the account page"
    ] * POLICY.failures


async def test_a_success_resets_the_count_and_old_failures_do_not_lock(sessions, sig_id):
    async with sessions() as session:
        await create_account(session, sig_id, "ray@example.org", PASSWORD, "cli", min_score=SCORE)
        for _ in range(POLICY.failures - 1):
            await authenticate(session, sig_id, "ray@example.org", "wrong password!", POLICY)
        assert await authenticate(session, sig_id, "ray@example.org", PASSWORD, POLICY) is not None
        for _ in range(POLICY.failures - 1):
            await authenticate(session, sig_id, "ray@example.org", "wrong password!", POLICY)
        assert await authenticate(session, sig_id, "ray@example.org", PASSWORD, POLICY) is not None
        # Failures spread wider than the window lock nothing.
        for _ in range(POLICY.failures - 1):
            await authenticate(session, sig_id, "ray@example.org", "wrong password!", POLICY)
        await age_audit_log(session, POLICY.window + timedelta(seconds=1))
        await authenticate(session, sig_id, "ray@example.org", "wrong password!", POLICY)
        assert await authenticate(session, sig_id, "ray@example.org", PASSWORD, POLICY) is not None
        actions = [e.action for e in await failed_logins(session, sig_id, "ray@example.org")]
    assert actions.count("login.succeeded") == 3 and "login.refused" not in actions


async def test_argon2_runs_off_the_event_loop(sessions, sig_id, monkeypatch):
    """A hasher that waits for the event loop to release it: it goes on only if the loop kept
    running meanwhile (run on the loop itself, the release could never come)."""
    async with sessions() as session:
        account = await create_account(session, sig_id, "ada@example.org", PASSWORD, "cli", min_score=SCORE)
    released, loop_ran_meanwhile = threading.Event(), []

    class LoopWatchingHasher(PasswordHasher):
        def hash(self, password, **kwargs):
            loop_ran_meanwhile.append(released.wait(timeout=5))
            return super().hash(password, **kwargs)

        def verify(self, password_hash, password):
            loop_ran_meanwhile.append(released.wait(timeout=5))
            return super().verify(password_hash, password)

    monkeypatch.setattr(organizer_service, "hasher", LoopWatchingHasher())

    async def release_when_the_loop_runs():
        await asyncio.sleep(0.05)
        released.set()

    async with sessions() as session:
        signed_in, _ = await asyncio.gather(
            authenticate(session, sig_id, "ada@example.org", PASSWORD, POLICY), release_when_the_loop_runs()
        )
        released.clear()
        await asyncio.gather(
            change_password(session, account, "another fine passphrase", "cli", min_score=SCORE),
            release_when_the_loop_runs(),
        )
    assert signed_in is not None and loop_ran_meanwhile == [True, True]


async def test_a_keys_last_use_is_written_once_a_minute_at_most(sessions, sig_id):
    async with sessions() as session:
        account = await create_account(session, sig_id, "kim@example.org", PASSWORD, "cli", min_score=SCORE)
        api_key, key = await create_api_key(session, account, "laptop", "cli")
    commits = []
    async with sessions() as session:
        orm_events.listen(session.sync_session, "after_commit", lambda _session: commits.append(1))
        first = (await active_api_key(session, key)).last_used_at
        assert first is not None and commits == [1]
        assert (await active_api_key(session, key)).last_used_at == first and commits == [1]  # nothing written
        (await session.get(OrganizerApiKey, api_key.id)).last_used_at = first - LAST_USE_PRECISION
        await session.commit()
        assert (await active_api_key(session, key)).last_used_at > first and len(commits) == 3


async def test_a_password_change_ends_the_other_sessions_and_disabling_ends_all(sessions, sig_id):
    async with sessions() as session:
        account = await create_account(session, sig_id, "max@example.org", PASSWORD, "cli", min_score=SCORE)
        this, this_id = await start_session(session, account, timedelta(hours=1))
        _other, other_id = await start_session(session, account, timedelta(hours=1))
        _api_key, key = await create_api_key(session, account, "laptop", "cli")
        await change_password(
            session,
            account,
            "a brand new passphrase",
            "organizer:max@example.org",
            min_score=SCORE,
            keep_session_id=this.id,
        )
    async with sessions() as session:
        assert await live_session(session, other_id) is None and await live_session(session, this_id) is not None
        assert await authenticate(session, sig_id, "max@example.org", PASSWORD, POLICY) is None
        assert await authenticate(session, sig_id, "max@example.org", "a brand new passphrase", POLICY) is not None
        account = await session.get(OrganizerAccount, account.id)
        await set_disabled(session, account, True, "cli")
    async with sessions() as session:
        assert await live_session(session, this_id) is None and await active_api_key(session, key) is None
        with pytest.raises(AccountDisabled, match="disabled"):
            await authenticate(session, sig_id, "max@example.org", "a brand new passphrase", POLICY)
        # Enabled again: the key works, a new sign-in works, the ended sessions stay ended.
        await set_disabled(session, await session.get(OrganizerAccount, account.id), False, "cli")
        assert await active_api_key(session, key) is not None and await live_session(session, this_id) is None
        assert await authenticate(session, sig_id, "max@example.org", "a brand new passphrase", POLICY) is not None
        actions = [
            e.action for e in await session.scalars(select(AuditEvent).where(AuditEvent.subject == "max@example.org"))
        ]
    assert {"organizer.password_changed", "organizer.disabled", "organizer.enabled", "login.refused"} <= set(actions)
