"""The issuer DID is created once and found again, on SQLite and PostgreSQL."""

import pytest

from vc_service.issuer.identity import IssuerIdentityError, ensure_issuer
from vc_service.settings import Settings


class FakeWallet:
    def __init__(self) -> None:
        self.dids: list[str] = []

    async def create_did_key(self) -> str:
        self.dids.append(f"did:key:z6MkFake{len(self.dids)}")
        return self.dids[-1]

    async def has_did(self, did: str) -> bool:
        return did in self.dids


async def test_created_once_then_reused(sessions):
    wallet, settings = FakeWallet(), Settings(sig_name="Health SIG")
    first = await ensure_issuer(sessions, wallet, settings)
    again = await ensure_issuer(sessions, wallet, settings)
    assert first.did == again.did == "did:key:z6MkFake0"
    assert wallet.dids == [first.did]
    assert first.profile == {
        "id": first.did, "type": ["Profile"], "name": "Health SIG", "url": settings.sig_url,
        "description": settings.sig_description,
    }  # fmt: skip


async def test_a_replaced_wallet_is_reported_not_papered_over(sessions):
    await ensure_issuer(sessions, FakeWallet(), Settings())
    with pytest.raises(IssuerIdentityError, match="missing from the agent's wallet"):
        await ensure_issuer(sessions, FakeWallet(), Settings())
