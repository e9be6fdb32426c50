"""Each SIG's AnonCreds schemas and revocable credential definitions: registered once, reused.

Each badge kind has a schema whose attributes carry the facts its Open Badge carries, plus
``*_number`` attributes (a date as the integer YYYYMMDD) so wallets can prove "on or after a
date" with a predicate instead of showing the date. Registration is found again at every start:
first in the controller database, then among what the agent itself registered (a database
restored without the wallet, or the reverse), and only then written to the ledger.

The agent has one public DID on the ledger, the service's: it registers the schemas once and,
per SIG, one credential definition for each badge kind, tagged with the SIG's slug. A verifier
tells the SIGs apart by credential definition, which is what AnonCreds proof requests restrict
to; a SIG's proof requests are never satisfied by another SIG's badges.
"""

import asyncio
import logging

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from ..agent.client import AgentClient
from ..formats.models import FormatName
from ..issuer.identity import Issuer
from ..sig.models import Sig
from .models import AnonCredsDefinition

LOGGER = logging.getLogger(__name__)

SCHEMA_VERSION = "1.0"  # a new attribute means a new version (a registered schema never changes)
SCHEMA_ATTRIBUTES = {
    "membership": ["sig", "name", "role", "valid_until", "valid_until_number"],
    "attendance": ["sig", "name", "role", "meeting", "meeting_kind", "date", "date_number"],
    "presenter": ["sig", "name", "role", "meeting", "meeting_kind", "date", "date_number", "talk_title"],
    # The attendance tally (tally.py): a count a wallet can prove a lower bound of.
    "participation": [
        "sig",
        "name",
        "meetings_attended",
        "counted_since",
        "counted_since_number",
        "counted_until",
        "counted_until_number",
    ],
}
# Credentials per revocation registry; ACA-Py opens the next registry when one is full. A
# holder downloads the whole tails file (about 256 bytes per entry) to prove non-revocation.
REVOCATION_REGISTRY_SIZE = 1000
# Creating a registry (its tails file, two ledger writes, the upload) takes 3 to 10 s; ACA-Py
# makes them one definition after the other.
REVOCATION_SETUP_TIMEOUT = 180.0


NO_LEDGER = (
    "AnonCreds badges need a Hyperledger Indy ledger: set VC_SERVICE_LEDGER_GENESIS (and VC_SERVICE_LEDGER_SEED, "
    "VC_SERVICE_TAILS_SERVER_URL) and restart the service"
)


class AnonCredsSetupError(Exception):
    """The agent cannot write to the ledger."""


def schema_name(kind: str) -> str:
    return f"sig_{kind}_badge"


class SigDefinitions:
    """Every SIG's definitions by badge kind. A SIG's are registered when it first needs them (at
    start for the first SIG, when its organizers choose the AnonCreds format for another), and
    read from the database by any controller after that."""

    def __init__(self, sessions: async_sessionmaker, agent: AgentClient) -> None:
        self._sessions = sessions
        self._agent = agent
        self._known: dict[int, dict[str, AnonCredsDefinition]] = {}
        self._registering = asyncio.Lock()  # one SIG at a time: a ledger write is never made twice

    async def of(self, sig_id: int) -> dict[str, AnonCredsDefinition] | None:
        """The SIG's definitions, or None when it has never chosen AnonCreds; never writes."""
        if sig_id not in self._known:
            async with self._sessions() as session:
                found = await recorded_definitions(session, sig_id)
            if len(found) < len(SCHEMA_ATTRIBUTES):
                return None
            self._known[sig_id] = found
        return self._known[sig_id]

    async def ensure_in_use(self, issuers: list[Issuer]) -> None:
        """At start: the first SIG's (a service on a ledger offers AnonCreds from the outset) and
        every SIG's that chose AnonCreds, so that their revocation registries are active again."""
        async with self._sessions() as session:
            chosen = {
                sig.id
                for sig in await session.scalars(select(Sig))
                if FormatName.ANONCREDS in (sig.badge_formats or [])
            }
        for issuer in issuers:
            if issuer is issuers[0] or issuer.sig_id in chosen:
                await self.ensure(issuer.sig_id, issuer.slug)

    async def ensure(self, sig_id: int, sig_slug: str) -> dict[str, AnonCredsDefinition]:
        """The SIG's definitions, registering what is missing and waiting until each can issue."""
        async with self._registering:
            self._known[sig_id] = await ensure_definitions(self._sessions, self._agent, sig_id, sig_slug)
        return self._known[sig_id]


async def recorded_definitions(session, sig_id: int) -> dict[str, AnonCredsDefinition]:
    rows = await session.scalars(select(AnonCredsDefinition).where(AnonCredsDefinition.sig_id == sig_id))
    return {definition.kind: definition for definition in rows}


async def ensure_definitions(
    sessions: async_sessionmaker, agent: AgentClient, sig_id: int, sig_slug: str
) -> dict[str, AnonCredsDefinition]:
    """Every badge kind's schema and the SIG's credential definition, registering what is missing."""
    issuer_did = await agent.public_did()
    if issuer_did is None:
        raise AnonCredsSetupError(
            "the agent has no public DID on the ledger: set VC_SERVICE_LEDGER_SEED to the seed of a DID "
            "allowed to write (a steward or an endorser)"
        )
    async with sessions() as session:
        definitions = await recorded_definitions(session, sig_id)
        for kind, attributes in SCHEMA_ATTRIBUTES.items():
            if kind in definitions:
                continue
            definition = await _find_or_register(agent, issuer_did, kind, attributes, sig_slug)
            definition.sig_id = sig_id
            session.add(definition)
            await session.commit()
            definitions[kind] = definition
    for definition in definitions.values():
        await wait_for_revocation_registry(agent, definition.cred_def_id)
    return definitions


async def wait_for_revocation_registry(
    agent: AgentClient, cred_def_id: str, timeout: float = REVOCATION_SETUP_TIMEOUT
) -> None:
    """Until the definition's revocation registry is active: before, issuing fails ("revocation
    registry or list is in a bad state"). ACA-Py sets registries up in the background, after it
    answered the registration, and resumes one an agent restart interrupted when its admin API
    is next called (as here) once a retry delay has passed."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await agent.has_active_revocation_registry(cred_def_id):
        if asyncio.get_running_loop().time() > deadline:
            raise AnonCredsSetupError(
                f"no active revocation registry for {cred_def_id} after {timeout:.0f}s: see the agent's log"
            )
        await asyncio.sleep(0.5)


async def _find_or_register(
    agent: AgentClient, issuer_did: str, kind: str, attributes: list[str], tag: str
) -> AnonCredsDefinition:
    name = schema_name(kind)
    schema_ids = await agent.find_schema_ids(issuer_did, name, SCHEMA_VERSION)
    if schema_ids:
        schema_id = schema_ids[0]
    else:
        schema_id = await agent.register_schema(issuer_did, name, SCHEMA_VERSION, attributes)
        LOGGER.info("registered the %s schema %s", kind, schema_id)
    # A definition's id ends with its tag: <DID>:3:CL:<schema>:<tag>
    cred_def_ids = [
        found
        for found in await agent.find_credential_definition_ids(issuer_did, schema_id)
        if found.endswith(f":{tag}")
    ]
    if cred_def_ids:
        cred_def_id = cred_def_ids[0]
    else:
        cred_def_id = await agent.register_credential_definition(issuer_did, schema_id, tag, REVOCATION_REGISTRY_SIZE)
        LOGGER.info("registered the %s credential definition %s", kind, cred_def_id)
    return AnonCredsDefinition(kind=kind, issuer_did=issuer_did, schema_id=schema_id, cred_def_id=cred_def_id)
