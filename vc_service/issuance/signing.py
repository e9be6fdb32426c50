"""Prepare a credential for signing: the SIG as issuer, dates, an id; then the agent signs."""

import copy
import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

from ..agent.client import AgentClient
from ..agent.errors import AgentFailed, AgentRejected
from ..contexts.pinned import PinnedContextSet
from ..credentials.dids import verification_method
from ..credentials.document import (
    VALIDITY_FIELDS,
    InvalidCredential,
    as_list,
    check_structure,
    is_url,
    issuer_id,
    parse_datetime,
    undefined_properties,
    vcdm_version,
)
from ..issuer.identity import Issuer

# Gives a credential id its ``credentialStatus`` entries (see status/service.py).
# A credential id (and whether this service just made it up) in, its status entries out.
StatusAllocator = Callable[[str, bool], Awaitable[list[dict]]]


class IssueOptions(BaseModel):
    """VC-API issue options this service honours; anything else is refused, not ignored."""

    model_config = ConfigDict(extra="forbid")

    # VC-API names the proof's type ``type``; ``proofType`` is the older spelling. Ed25519Signature2018
    # is what Credo wallets verify for a did:key issuer (WALLETS.md).
    proofType: Literal["Ed25519Signature2020", "Ed25519Signature2018", "DataIntegrityProof"] = Field(
        "Ed25519Signature2020", validation_alias=AliasChoices("type", "proofType")
    )
    cryptosuite: Literal["eddsa-rdfc-2022", "eddsa-jcs-2022"] | None = None
    credentialId: str | None = Field(None, description="The credential's id when it has none (VC-API)")
    mandatoryPointers: list[str] | None = Field(None, description="Refused: only selective-disclosure suites take it")

    @field_validator("mandatoryPointers")
    @classmethod
    def no_selective_disclosure(cls, value: list[str] | None) -> None:
        if value is not None:
            raise ValueError(
                "mandatoryPointers is for selective-disclosure cryptosuites, which this service does not offer"
            )

    @model_validator(mode="after")
    def cryptosuite_goes_with_data_integrity(self) -> "IssueOptions":
        if (self.proofType == "DataIntegrityProof") != (self.cryptosuite is not None):
            raise ValueError(
                "a DataIntegrityProof needs cryptosuite eddsa-rdfc-2022 or eddsa-jcs-2022, and only it takes a cryptosuite"
            )
        return self


def data_integrity_options(prepared: dict, options: IssueOptions) -> dict:
    """The proof options of a Data Integrity proof (``options.cryptosuite``) by the issuer's key."""
    if vcdm_version(prepared) != "2.0":
        # Only the VCDM 2.0 context defines DataIntegrityProof; a 1.1 credential would carry an undefined term.
        raise InvalidCredential(f"a DataIntegrityProof ({options.cryptosuite}) needs a VCDM 2.0 credential")
    return {
        "type": "DataIntegrityProof",
        "cryptosuite": options.cryptosuite,
        "proofPurpose": "assertionMethod",
        "verificationMethod": issuer_method(prepared),
    }


def issuer_method(prepared: dict) -> str:
    """The issuer's key of a prepared credential (prepare_credential and build_badge always name the issuer)."""
    did = issuer_id(prepared)
    if did is None:
        raise InvalidCredential("the credential names no issuer")
    return verification_method(did)


def xsd_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def defines_issuer(credential: dict, enriched_issuer: dict, pinned: PinnedContextSet) -> bool:
    """Whether the credential's contexts define every term of the enriched issuer (the OB3
    context defines a ``Profile``; the VC context alone does not). Remembered: a SIG's
    credentials ask it of the same few contexts, types and profile, and JSON-LD expansion is
    most of the controller's own work on a signature (see bench/MEASURED.md)."""
    terms = {"@context": credential["@context"], "type": credential["type"], "issuer": enriched_issuer}
    return _contexts_define(json.dumps(terms, sort_keys=True), pinned)


@lru_cache(maxsize=256)
def _contexts_define(terms: str, pinned: PinnedContextSet) -> bool:
    try:
        undefined = undefined_properties(json.loads(terms), pinned)
    except InvalidCredential:
        return False  # the contexts cannot be applied: signing will say so
    return undefined == []


def prepare_credential(
    credential: dict, issuer: Issuer, pinned: PinnedContextSet, credential_id: str | None = None
) -> dict:
    """A copy of ``credential`` ready to sign, or :class:`InvalidCredential` naming the problem."""
    if "proof" in credential:
        raise InvalidCredential("credential already has a proof; send it unsigned")
    if "credentialStatus" in credential:
        raise InvalidCredential("credentialStatus is assigned by this service; leave it out")
    prepared = copy.deepcopy(credential)
    if credential_id is not None:
        if "id" in prepared and prepared["id"] != credential_id:
            raise InvalidCredential("options.credentialId differs from the credential's id: give one of them (VC-API)")
        prepared["id"] = credential_id
    given_issuer = prepared.get("issuer")
    if "issuer" in prepared and issuer_id(prepared) != issuer.did:
        raise InvalidCredential(f"issuer must be this SIG's DID {issuer.did}, or left out")
    check_structure({**prepared, "issuer": issuer.did}, pinned, open_badge_shape=False)  # contexts first
    enriched = {**issuer.profile, **given_issuer} if isinstance(given_issuer, dict) else issuer.profile
    # The SIG's Profile only where the contexts define its terms; else the DID, as the caller gave it.
    prepared["issuer"] = enriched if defines_issuer(prepared, enriched, pinned) else given_issuer or issuer.did
    prepared.setdefault("id", f"urn:uuid:{uuid.uuid4()}")
    if not is_url(prepared["id"]):
        raise InvalidCredential("id must be a URL")
    start_field, end_field = VALIDITY_FIELDS[vcdm_version(prepared)]
    prepared.setdefault(start_field, xsd_now())
    start = parse_datetime(prepared[start_field], start_field)
    if end_field in prepared and parse_datetime(prepared[end_field], end_field) <= start:
        raise InvalidCredential(f"{end_field} must be later than {start_field}")
    check_structure(prepared, pinned)
    return prepared


def attach_status(credential: dict, entries: list[dict], status_context: str) -> None:
    """Add the credential's status entries; VCDM 1.1 needs the SIG's context to define them."""
    credential["credentialStatus"] = entries
    if vcdm_version(credential) == "1.1" and status_context not in credential["@context"]:
        credential["@context"] = [*as_list(credential["@context"]), status_context]


async def credential_to_sign(
    credential: dict,
    issuer: Issuer,
    pinned: PinnedContextSet,
    options: IssueOptions,
    status_for: StatusAllocator,
    status_context: str,
) -> dict:
    """Check and complete a credential, with its status list entry: what the agent signs (VC-API issue)."""
    prepared = prepare_credential(credential, issuer, pinned, options.credentialId)
    made_up_id = "id" not in credential and options.credentialId is None
    attach_status(prepared, await status_for(prepared["id"], made_up_id), status_context)
    return prepared


async def sign_prepared(agent: AgentClient, prepared: dict, pinned: PinnedContextSet, options: IssueOptions) -> dict:
    try:
        if options.proofType == "DataIntegrityProof":
            return await agent.add_data_integrity_proof(prepared, data_integrity_options(prepared, options))
        method = issuer_method(prepared)
        return await agent.issue_credential(prepared, {"proofType": options.proofType, "verificationMethod": method})
    except AgentRejected as exc:
        raise InvalidCredential(f"the agent refused to sign the credential: {exc}") from exc
    except AgentFailed:
        # ACA-Py answers 500 when JSON-LD would drop a property, or cannot be applied; name the
        # problem if so, else it is the agent's own failure (502).
        undefined = undefined_properties(prepared, pinned)
        if undefined:
            raise InvalidCredential(
                f"no pinned context defines {', '.join(undefined)}: add a context that does"
            ) from None
        raise
