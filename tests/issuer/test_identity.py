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

    async def create_did_web(self, did: str) -> str:
        self.dids.append(did)
        return f"verkey-of-{did}"

    async def did_verkey(self, did: str) -> str | None:
        return f"verkey-of-{did}" if did in self.dids else None


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


async def test_an_https_public_url_makes_a_did_web_issuer(sessions):
    wallet = FakeWallet()
    issuer = await ensure_issuer(sessions, wallet, Settings(public_url="https://sig.example.org:8443/health"))
    assert issuer.did == "did:web:sig.example.org%3A8443:health"
    assert issuer.verification_method == "did:web:sig.example.org%3A8443:health#key-1"
    assert issuer.verkey == f"verkey-of-{issuer.did}"


async def test_the_first_did_stays_when_the_public_url_changes(sessions):
    wallet = FakeWallet()
    first = await ensure_issuer(sessions, wallet, Settings())
    later = await ensure_issuer(sessions, wallet, Settings(public_url="https://sig.example.org"))
    assert later.did == first.did  # credentials already issued keep verifying
    assert wallet.dids == [first.did]


def test_did_web_needs_an_https_public_url():
    with pytest.raises(ValueError, match="ISSUER_DID_METHOD=web needs an https VC_SERVICE_PUBLIC_URL"):
        Settings(issuer_did_method="web", public_url="http://sig.example.org")
    assert Settings(public_url="http://sig.example.org").did_method == "key"
    assert Settings(public_url="https://sig.example.org", issuer_did_method="key").did_method == "key"
