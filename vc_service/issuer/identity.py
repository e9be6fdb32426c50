"""Each SIG's issuer: its DID, created once through the agent and found again later, and its profile."""

import asyncio
import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ..agent.client import AgentClient
from ..credentials.dids import verification_method, web_did
from ..settings import Settings
from ..sig.models import Sig
from ..sig.service import UnknownSig, all_sigs, create_sig
from .models import IssuerDid


class IssuerIdentityError(Exception):
    """The recorded issuer DID is not in the agent's wallet (the wallet was replaced)."""


@dataclass(frozen=True)
class Issuer:
    sig_id: int
    slug: str
    did: str
    name: str
    url: str | None
    description: str
    image: str | None = None
    verkey: str | None = None  # the DID's public key in the agent's wallet (base58)
    names_members: bool = True  # its badges carry the member's name (the SIG's setting)

    @property
    def verification_method(self) -> str:
        return verification_method(self.did)

    @property
    def profile(self) -> dict:
        """The Open Badges 3.0 ``Profile`` used as the credential's ``issuer``."""
        profile: dict[str, object] = {
            "id": self.did,
            "type": ["Profile"],
            "name": self.name,
            "description": self.description,
        }
        if self.url:
            profile["url"] = self.url
        if self.image:
            profile["image"] = {"id": self.image, "type": "Image"}
        return profile


async def oldest_did(session: AsyncSession, sig_id: int) -> str | None:
    return await session.scalar(
        select(IssuerDid.did).where(IssuerDid.sig_id == sig_id).order_by(IssuerDid.created_at, IssuerDid.did).limit(1)
    )


async def sig_issuer(session: AsyncSession, agent: AgentClient, sig: Sig, settings: Settings) -> Issuer:
    """The SIG's issuer under its oldest DID; a SIG without one gets one from the agent. Commits.

    Raises :class:`IssuerIdentityError` when the agent's wallet lacks the recorded DID."""
    did = await oldest_did(session, sig.id)
    if did is None:
        session.add(
            IssuerDid(
                did=await create_issuer_did(session, agent, sig, settings), sig_id=sig.id, method=settings.did_method
            )
        )
        await session.commit()
        did = await oldest_did(session, sig.id)  # another controller may have made one first: the oldest wins
        if did is None:  # one was committed just above
            raise RuntimeError(f"the issuer DID of SIG {sig.slug} was not recorded")
    verkey = await agent.did_verkey(did)
    if verkey is None:
        raise IssuerIdentityError(
            f"issuer DID {did} of SIG {sig.slug} is recorded in the database but missing from the "
            "agent's wallet: restore the wallet (data directory) that belongs to this database"
        )
    return Issuer(
        sig_id=sig.id,
        slug=sig.slug,
        did=did,
        name=sig.name,
        url=sig.url,
        description=sig.description,
        image=sig.image,
        verkey=verkey,
        names_members=sig.names_in_badges,
    )


async def create_issuer_did(session: AsyncSession, agent: AgentClient, sig: Sig, settings: Settings) -> str:
    """did:web when the public URL is https (or chosen), else did:key. The first SIG's did:web is
    the public URL's own, every other SIG's lies below it, at ``/sigs/<slug>``. Made once: a SIG
    keeps its DID when the setting changes later, or its badges would stop verifying."""
    if settings.did_method == "key":
        return await agent.create_did_key()
    first_sig_id = await session.scalar(select(Sig.id).order_by(Sig.id).limit(1))
    did = web_did(settings.base_url if sig.id == first_sig_id else f"{settings.base_url}/sigs/{sig.slug}")
    await agent.create_did_web(did)
    return did


# How late a DID recorded elsewhere (another controller, `vc-service sig add`) is known here at most:
# every verification needs the set, and reading it is a query.
DIDS_READ_SECONDS = 5.0


class Issuers:
    """Every SIG's issuer, by SIG id. A SIG added while the service runs (``vc-service sig add``)
    is found at its first use, its DID created then if the command could not reach the agent."""

    def __init__(
        self, sessions: async_sessionmaker, agent: AgentClient, settings: Settings, known: list[Issuer]
    ) -> None:
        self._sessions = sessions
        self._agent = agent
        self._settings = settings
        self._by_sig = {issuer.sig_id: issuer for issuer in known}
        self._first_sig_id: int | None = None
        self._lock = asyncio.Lock()
        self._dids: frozenset[str] | None = None
        self._dids_read_at = 0.0

    async def of(self, sig_id: int) -> Issuer:
        issuer = self._by_sig.get(sig_id)
        if issuer is None:
            async with self._lock, self._sessions() as session:
                sig = await session.get(Sig, sig_id)
                if sig is None:
                    raise UnknownSig(f"no SIG {sig_id}")
                issuer = self._by_sig[sig_id] = await sig_issuer(session, self._agent, sig, self._settings)
                self._dids = None  # it may have just been given its DID
        return issuer

    def forget(self, sig_id: int) -> None:
        """The SIG's profile changed: read it again at its next use (in this controller)."""
        self._by_sig.pop(sig_id, None)

    async def all(self) -> list[Issuer]:
        async with self._sessions() as session:
            ids = list(await session.scalars(select(Sig.id).order_by(Sig.id)))
        return [await self.of(sig_id) for sig_id in ids]

    async def first(self) -> Issuer:
        """The first SIG: the one the service was set up for, whose organizer the admin key is.
        SIGs are never deleted, so it is looked up once (every request with the admin key asks)."""
        if self._first_sig_id is None:
            self._first_sig_id = (await self.all())[0].sig_id
        return await self.of(self._first_sig_id)

    async def by_slug(self, slug: str) -> Issuer:
        issuer = next((issuer for issuer in self._by_sig.values() if issuer.slug == slug), None)
        if issuer is not None:
            return issuer
        async with self._sessions() as session:
            sig_id = await session.scalar(select(Sig.id).where(Sig.slug == slug))
        if sig_id is None:
            raise UnknownSig(f"no SIG {slug!r}")
        return await self.of(sig_id)

    async def dids(self) -> frozenset[str]:
        """Every DID any SIG ever issued under (a verifier knows them all): read again when this
        process gave a SIG its issuer, else every ``DIDS_READ_SECONDS`` at most."""
        if self._dids is None or time.monotonic() - self._dids_read_at > DIDS_READ_SECONDS:
            read_at = time.monotonic()
            async with self._sessions() as session:
                self._dids = frozenset(await session.scalars(select(IssuerDid.did)))
            self._dids_read_at = read_at
        return self._dids


async def ensure_issuers(sessions: async_sessionmaker, agent: AgentClient, settings: Settings) -> Issuers:
    """On first start, the first SIG (from settings); then every SIG's issuer DID, each checked
    against the agent's wallet."""
    async with sessions() as session:
        sigs = await all_sigs(session)
        if not sigs:
            sigs = [
                await create_sig(
                    session,
                    settings.sig_name,
                    settings.sig_description,
                    settings.sig_url,
                    time_zone=settings.sig_time_zone,
                )
            ]
        issuers = [await sig_issuer(session, agent, sig, settings) for sig in sigs]
    return Issuers(sessions, agent, settings, issuers)
