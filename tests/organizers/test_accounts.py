"""Organizer accounts: argon2id hashes only, one email per SIG, a wrong password is refused."""

import pytest

from vc_service.organizers.models import OrganizerAccount
from vc_service.organizers.service import InvalidAccount, authenticate, create_account
from vc_service.sig.models import Sig

PASSWORD = "correct horse battery"


@pytest.fixture
async def sig_id(sessions) -> int:
    async with sessions() as session:
        sig = Sig(slug="test-sig", name="Test SIG")
        session.add(sig)
        await session.commit()
        return sig.id


async def test_an_account_keeps_a_hash_and_signs_in(sessions, sig_id):
    async with sessions() as session:
        account = await create_account(session, sig_id, " Alex@Example.org ", PASSWORD, "cli")
        assert account.email == "alex@example.org"
        assert account.password_hash.startswith("$argon2id$") and PASSWORD not in account.password_hash
    async with sessions() as session:
        signed_in = await authenticate(session, sig_id, "ALEX@example.org", PASSWORD)
        assert signed_in is not None and signed_in.last_login_at is not None
        assert await authenticate(session, sig_id, "alex@example.org", "wrong password!") is None
        assert await authenticate(session, sig_id, "nobody@example.org", PASSWORD) is None


async def test_accounts_are_per_sig_and_unique(sessions, sig_id):
    async with sessions() as session:
        other = Sig(slug="other-sig", name="Other SIG")
        session.add(other)
        await session.commit()
        await create_account(session, sig_id, "sam@example.org", PASSWORD, "cli")
        with pytest.raises(InvalidAccount, match="exists"):
            await create_account(session, sig_id, "sam@example.org", PASSWORD, "cli")
        await create_account(session, other.id, "sam@example.org", PASSWORD, "cli")
        # An organizer of one SIG cannot sign in to another with the other's password.
        assert await authenticate(session, other.id, "sam@example.org", "not the same one") is None
        assert (await session.get(OrganizerAccount, 1)) is not None


async def test_short_passwords_and_bad_emails_are_refused(sessions, sig_id):
    async with sessions() as session:
        with pytest.raises(InvalidAccount, match="at least 12"):
            await create_account(session, sig_id, "kim@example.org", "short", "cli")
        with pytest.raises(ValueError, match="not an email"):
            await create_account(session, sig_id, "kim", PASSWORD, "cli")
