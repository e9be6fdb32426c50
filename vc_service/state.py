"""What the running service holds: built once at start-up, reached by routes through deps."""

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from .agent.client import AgentClient
from .anoncreds.definitions import SigDefinitions
from .contexts.pinned import PinnedContext, PinnedContextSet
from .issuer.identity import Issuers
from .outbound.policy import OutboundPolicy
from .service_secrets import ServiceSecrets
from .settings import Settings
from .verification.status_lists import StatusListResolver
from .webhooks.dispatch import WebhookDispatcher


@dataclass
class ServiceState:
    settings: Settings
    secrets: ServiceSecrets
    engine: AsyncEngine
    sessions: async_sessionmaker
    agent: AgentClient
    contexts: PinnedContextSet  # every context a credential may use
    sig_contexts: dict[str, PinnedContext]  # the SIG's own, served under /contexts/
    issuers: Issuers  # every SIG's, by SIG id
    worker: WebhookDispatcher
    status_lists: StatusListResolver
    outbound: OutboundPolicy  # where fetches made on a request's behalf may go
    anoncreds: SigDefinitions | None = None  # every SIG's AnonCreds definitions; None without a ledger

    async def known_issuers(self) -> set[str]:
        """Every SIG's DIDs and the trust list: credentials the verifier accepts without a warning."""
        return {*await self.issuers.dids(), *self.settings.trusted_issuers}

    @property
    def organizer_key(self) -> str:
        return self.settings.admin_api_key or self.secrets.organizer_key
