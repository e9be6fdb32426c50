"""Each SIG's issuer DID is created once and found again, on SQLite and PostgreSQL."""

import pytest

from vc_service.issuer import identity
from vc_service.issuer.identity import IssuerIdentityError, ensure_issuers
from vc_service.settings import Settings
from vc_service.sig.service import InvalidSig, UnknownSig, choose_sig, create_sig


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
    first = await (await ensure_issuers(sessions, wallet, settings)).first()
    again = await (await ensure_issuers(sessions, wallet, settings)).first()
    assert first.did == again.did == "did:key:z6MkFake0"
    assert wallet.dids == [first.did] and first.slug == "health-sig"
    assert first.profile == {
        "id": first.did,
        "type": ["Profile"],
        "name": "Health SIG",
        "url": settings.sig_url,
        "description": settings.sig_description,
    }


async def test_a_replaced_wallet_is_reported_not_papered_over(sessions):
    await ensure_issuers(sessions, FakeWallet(), Settings())
    with pytest.raises(IssuerIdentityError, match="missing from the agent's wallet"):
        await ensure_issuers(sessions, FakeWallet(), Settings())


async def test_each_sig_has_its_own_did_also_when_added_while_running(sessions):
    wallet = FakeWallet()
    issuers = await ensure_issuers(sessions, wallet, Settings(sig_name="Health SIG"))
    async with sessions() as session:  # as `vc-service sig add` does beside the running service
        later = await create_sig(session, "Data Science SIG", url="https://ds.example.org")
    assert await issuers.dids() == {"did:key:z6MkFake0"}
    second = await issuers.of(later.id)
    assert (second.slug, second.name, second.did) == ("data-science-sig", "Data Science SIG", "did:key:z6MkFake1")
    assert await issuers.by_slug("data-science-sig") == second
    assert await issuers.dids() == {"did:key:z6MkFake0", "did:key:z6MkFake1"}
    restarted = await ensure_issuers(sessions, wallet, Settings())
    assert [issuer.did for issuer in await restarted.all()] == ["did:key:z6MkFake0", "did:key:z6MkFake1"]
    with pytest.raises(UnknownSig, match="no SIG 'nope'"):
        await issuers.by_slug("nope")


async def test_a_did_recorded_elsewhere_is_known_after_the_read_interval(sessions, monkeypatch):
    wallet = FakeWallet()
    here = await ensure_issuers(sessions, wallet, Settings(sig_name="Health SIG"))
    elsewhere = await ensure_issuers(sessions, wallet, Settings())  # another controller
    assert await here.dids() == {"did:key:z6MkFake0"}  # read, and kept
    async with sessions() as session:
        later = await create_sig(session, "Data Science SIG")
    await elsewhere.of(later.id)  # that controller gives the new SIG its DID
    assert await here.dids() == {"did:key:z6MkFake0"}  # not read again yet
    monkeypatch.setattr(identity, "DIDS_READ_SECONDS", 0.0)
    assert await here.dids() == {"did:key:z6MkFake0", "did:key:z6MkFake1"}


async def test_slugs_are_unique_and_url_safe_and_the_choice_is_explicit(sessions):
    async with sessions() as session:
        first = await create_sig(session, "Santé & Soins")
        assert first.slug == "sante-soins"
        assert (await choose_sig(session, None)).id == first.id  # the only one
        assert (await create_sig(session, "Santé & Soins")).slug == "sante-soins-2"
        with pytest.raises(InvalidSig, match="slug 'sante-soins' is taken"):
            await create_sig(session, "Other", slug="sante-soins")
        with pytest.raises(InvalidSig, match="lower-case letters"):
            await create_sig(session, "Other", slug="Not A Slug")
        with pytest.raises(UnknownSig, match=r"several SIGs: name one with --sig \(sante-soins, sante-soins-2\)"):
            await choose_sig(session, None)
        with pytest.raises(UnknownSig, match="no SIG 'x': choose one of sante-soins, sante-soins-2"):
            await choose_sig(session, "x")


async def test_an_https_public_url_makes_a_did_web_issuer(sessions):
    wallet = FakeWallet()
    issuers = await ensure_issuers(sessions, wallet, Settings(public_url="https://sig.example.org:8443/health"))
    issuer = await issuers.first()
    assert issuer.did == "did:web:sig.example.org%3A8443:health"
    assert issuer.verification_method == "did:web:sig.example.org%3A8443:health#key-1"
    assert issuer.verkey == f"verkey-of-{issuer.did}"
    async with sessions() as session:  # another SIG's did:web lies below the public URL, at /sigs/<slug>
        later = await create_sig(session, "Data Science SIG")
    assert (await issuers.of(later.id)).did == "did:web:sig.example.org%3A8443:health:sigs:data-science-sig"


async def test_the_first_did_stays_when_the_public_url_changes(sessions):
    wallet = FakeWallet()
    first = await (await ensure_issuers(sessions, wallet, Settings())).first()
    later = await (await ensure_issuers(sessions, wallet, Settings(public_url="https://sig.example.org"))).first()
    assert later.did == first.did  # credentials already issued keep verifying
    assert wallet.dids == [first.did]


def test_did_web_needs_an_https_public_url():
    with pytest.raises(ValueError, match="ISSUER_DID_METHOD=web needs an https VC_SERVICE_PUBLIC_URL"):
        Settings(issuer_did_method="web", public_url="http://sig.example.org")
    assert Settings(public_url="http://sig.example.org").did_method == "key"
    assert Settings(public_url="https://sig.example.org", issuer_did_method="key").did_method == "key"
