"""What the running service holds: built once at start-up, reached by routes through deps."""

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from .agent.client import AgentClient
from .anoncreds.models import AnonCredsDefinition
from .contexts.pinned import PinnedContext, PinnedContextSet
from .issuance.worker import IssuanceWorker
from .issuer.identity import Issuers
from .service_secrets import ServiceSecrets
from .settings import Settings
from .verification.status_lists import StatusListResolver


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
    worker: IssuanceWorker
    status_lists: StatusListResolver
    anoncreds: dict[str, AnonCredsDefinition] | None = None  # the first SIG's, by badge kind; None without a ledger

    async def known_issuers(self) -> set[str]:
        """Every SIG's DIDs and the trust list: credentials the verifier accepts without a warning."""
        return {*await self.issuers.dids(), *self.settings.trusted_issuers}

    def anoncreds_problem(self, sig_id: int) -> str | None:
        """Why the SIG cannot issue AnonCreds badges; None when it can."""
        if self.anoncreds is None:
            return ("AnonCreds badges need a Hyperledger Indy ledger: set VC_SERVICE_LEDGER_GENESIS (and "
                    "VC_SERVICE_LEDGER_SEED, VC_SERVICE_TAILS_SERVER_URL) and restart the service")  # fmt: skip
        if any(definition.sig_id != sig_id for definition in self.anoncreds.values()):
            return "AnonCreds badges are set up for the service's first SIG only: the agent has one public DID on the ledger"
        return None

    @property
    def organizer_key(self) -> str:
        return self.settings.admin_api_key or self.secrets.organizer_key
