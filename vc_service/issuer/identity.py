"""Create the issuer DID once, through the agent, and find it again on every later start."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from ..agent.client import AgentClient
from ..settings import Settings
from ..sig.models import Sig
from .dids import verification_method, web_did
from .models import IssuerDid


class IssuerIdentityError(Exception):
    """The recorded issuer DID is not in the agent's wallet (the wallet was replaced)."""


@dataclass(frozen=True)
class Issuer:
    sig_id: int
    did: str
    name: str
    url: str | None
    description: str
    image: str | None = None
    verkey: str | None = None  # the DID's public key in the agent's wallet (base58)

    @property
    def verification_method(self) -> str:
        return verification_method(self.did)

    @property
    def profile(self) -> dict:
        """The Open Badges 3.0 ``Profile`` used as the credential's ``issuer``."""
        profile = {"id": self.did, "type": ["Profile"], "name": self.name, "description": self.description}
        if self.url:
            profile["url"] = self.url
        if self.image:
            profile["image"] = {"id": self.image, "type": "Image"}
        return profile


async def ensure_issuer(sessions: async_sessionmaker, agent: AgentClient, settings: Settings) -> Issuer:
    """The SIG (created from settings on first start) and its issuer DID (created by the agent)."""
    async with sessions() as session:
        sig = await session.scalar(select(Sig).order_by(Sig.id).limit(1))
        if sig is None:
            sig = Sig(name=settings.sig_name, description=settings.sig_description, url=settings.sig_url)
            session.add(sig)
            await session.commit()
        did = await session.scalar(select(IssuerDid.did).order_by(IssuerDid.created_at).limit(1))
        if did is None:
            did = await create_issuer_did(agent, settings)
            session.add(IssuerDid(did=did, method=settings.did_method))
            await session.commit()
        verkey = await agent.did_verkey(did)
        if verkey is None:
            raise IssuerIdentityError(
                f"issuer DID {did} is recorded in the database but missing from the agent's "
                "wallet: restore the wallet (data directory) that belongs to this database"
            )
    return Issuer(
        sig_id=sig.id, did=did, name=sig.name, url=sig.url, description=sig.description, image=sig.image, verkey=verkey
    )


async def create_issuer_did(agent: AgentClient, settings: Settings) -> str:
    """did:web of the public URL when it is https (or chosen), else did:key. Made once: a SIG
    keeps its DID when the setting changes later, or its badges would stop verifying."""
    if settings.did_method == "web":
        did = web_did(settings.base_url)
        await agent.create_did_web(did)
        return did
    return await agent.create_did_key()
