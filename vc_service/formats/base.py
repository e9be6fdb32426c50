"""What a badge format must do, whichever it is: build what the worker offers, change a badge's
status (or say it cannot), and answer the questions pages ask (a label, whether it can be a file,
whether it can be suspended). Each format is one module beside this one, registered in
registry.py; nothing else looks at a format's name."""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from ..agent.client import AgentClient
from ..agent.records import CredentialExchangeRecord, PresentationExchangeRecord
from ..anoncreds.definitions import SigDefinitions
from ..anoncreds.models import AnonCredsDefinition
from ..badges.models import Badge
from ..errors import Conflict
from ..issuer.identity import Issuer
from ..members.models import Member
from .models import FormatName


class CannotOffer(Exception):
    """The badge cannot be offered now (e.g. an AnonCreds badge while the service has no ledger)."""


class TemplateUnavailable(Conflict):
    """A proof request for a format its SIG does not issue in (AnonCreds without a ledger or the format)."""


class CannotChangeStatus(Conflict):
    """The badge's format, or its state, does not allow this status change."""


class NotRevocable(CannotChangeStatus):
    """Only an issued badge, not revoked yet, can be revoked."""


class CannotSuspend(CannotChangeStatus):
    """The format keeps no suspension (the message is what the organizer reads)."""


@dataclass(frozen=True)
class PreparedOffer:
    credential: dict | None = None  # a JSON-LD badge: the unsigned credential the agent signs
    proof_type: str | None = None  # ... and the Linked Data signature suite it signs with
    cred_def_id: str | None = None  # an AnonCreds badge: the definition, and the values of its attributes
    attributes: dict[str, str] | None = None
    comment: str | None = None  # what the offer's comment says (an AnonCreds badge's credential id)


@dataclass(frozen=True)
class OfferContext:
    """What building an offer needs beyond the badge's rows."""

    issuer: Issuer
    base_url: str
    anoncreds: SigDefinitions | None  # None without a ledger


@dataclass(frozen=True)
class ProofAsk:
    """What a verifier asks a wallet to prove: a template of the format, and its parameters."""

    template: str
    issuer: Issuer
    since: datetime | None
    now: datetime
    domain: str
    min_meetings: int | None = None
    anoncreds: dict[str, AnonCredsDefinition] | None = None  # the SIG's definitions, by badge kind


@dataclass(frozen=True)
class RequestedProof:
    record: PresentationExchangeRecord  # the agent's presentation exchange
    challenge: str  # what the wallet's proof must be bound to


@dataclass(frozen=True)
class StatusContext:
    """What changing a badge's status needs beyond the badge's row."""

    agent: AgentClient
    issuer: Issuer
    base_url: str


class BadgeFormat(ABC):
    name: FormatName
    label: str  # what pages call it
    description: str  # what choosing it gives, on the dashboard's format form
    note: str | None  # shown beside a badge of this format in lists; None for the usual one
    can_be_file: bool  # whether a member can download the badge (else it lives only in a wallet)
    can_suspend: bool
    needs_ledger: bool
    proves_predicates: bool  # zero-knowledge predicates ("attended at least 3 meetings")
    issues_tallies: bool  # a meeting's batch adds each attendee's attendance tally in this format
    proof_templates: frozenset[str]  # what a verifier can ask a wallet to prove of badges in this format

    def job_key(self, badge_key: str) -> str:
        """A badge's key in this format: the same badge in a second format is a row of its own."""
        return f"{badge_key}:{self.name}"

    def badge_key(self, job_key: str) -> str:
        """The badge's key without its format: job_key undone."""
        return job_key.removesuffix(f":{self.name}")

    @abstractmethod
    async def prepare_offer(
        self, session: AsyncSession, badge: Badge, member: Member, context: OfferContext
    ) -> PreparedOffer:
        """What the worker offers the member's wallet for this badge."""

    @abstractmethod
    def offered_credential_id(self, record: CredentialExchangeRecord) -> str | None:
        """The credential id of the badge an exchange record offers in this format, else None."""

    @abstractmethod
    async def request_proof(self, agent: AgentClient, ask: ProofAsk) -> RequestedProof:
        """A connectionless proof request for badges in this format, made by the agent."""

    @abstractmethod
    def suspendable(self, badge: Badge) -> bool:
        """Whether suspending this badge would change what a verifier sees."""

    @abstractmethod
    async def revoke(self, session: AsyncSession, badge: Badge, reason: str, actor: str, context: StatusContext):
        """Revoke for good, keeping who, when and why. Commits."""

    @abstractmethod
    async def change_suspension(
        self, session: AsyncSession, badge: Badge, action: str, reason: str, actor: str, context: StatusContext
    ):
        """``action``: suspend or unsuspend; raises CannotSuspend where the format keeps no suspension. Commits."""
