"""Create the issuer DID once, through the agent, and find it again on every later start."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from ..agent.client import AgentClient
from ..settings import Settings
from .models import IssuerDid


class IssuerIdentityError(Exception):
    """The recorded issuer DID is not in the agent's wallet (the wallet was replaced)."""


@dataclass(frozen=True)
class Issuer:
    did: str
    name: str
    url: str
    description: str

    @property
    def profile(self) -> dict:
        """The Open Badges 3.0 ``Profile`` used as the credential's ``issuer``."""
        return {
            "id": self.did,
            "type": ["Profile"],
            "name": self.name,
            "url": self.url,
            "description": self.description,
        }


async def ensure_issuer(sessions: async_sessionmaker, agent: AgentClient, settings: Settings) -> Issuer:
    async with sessions() as session:
        did = await session.scalar(select(IssuerDid.did).order_by(IssuerDid.created_at).limit(1))
        if did is None:
            did = await agent.create_did_key()
            session.add(IssuerDid(did=did, method="key"))
            await session.commit()
        elif not await agent.has_did(did):
            raise IssuerIdentityError(
                f"issuer DID {did} is recorded in the database but missing from the agent's "
                "wallet: restore the wallet (data directory) that belongs to this database"
            )
    return Issuer(did=did, name=settings.sig_name, url=settings.sig_url, description=settings.sig_description)
