"""Verify a credential: the proof (through the agent), the issuer and the validity period.

Results follow the W3C VC-API: ``{verified, checks, warnings, errors}``, where ``checks``
names every check run and each warning or error names its check.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..agent.client import AgentClient
from ..agent.errors import AgentRejected
from ..contexts.pinned import PinnedContextSet
from ..status.bitstring import get_bit
from .status_lists import StatusListResolver, StatusListUnavailable
from ..credentials.document import (
    VALIDITY_FIELDS,
    InvalidCredential,
    as_list,
    check_open_badge,
    is_open_badge,
    check_structure,
    issuer_id,
    parse_datetime,
    vcdm_version,
)


@dataclass
class VerificationResult:
    checks: list[str] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return not self.errors

    def fail(self, check: str, message: str) -> None:
        self.errors.append({"check": check, "message": message})

    def warn(self, check: str, message: str) -> None:
        self.warnings.append({"check": check, "message": message})

    def as_dict(self) -> dict:
        return {"verified": self.verified, "checks": self.checks, "warnings": self.warnings, "errors": self.errors}


def _proof_failure(agent_result: dict) -> str:
    # ACA-Py appends the whole document to each message: keep the reason only.
    reasons = [str(error).split(" on document")[0] for error in agent_result.get("errors") or []]
    return "; ".join(reasons) or "the proof does not verify"


async def check_proof(result: VerificationResult, agent: AgentClient, credential: dict) -> None:
    result.checks.append("proof")
    try:
        agent_result = await agent.verify_credential(credential)
    except AgentRejected as exc:
        result.fail("proof", f"the proof could not be checked: {exc}")
        return
    if not agent_result.get("verified"):
        result.fail("proof", _proof_failure(agent_result))


def check_issuer(result: VerificationResult, credential: dict, known_issuers: set[str]) -> None:
    result.checks.append("issuer")
    issuer = issuer_id(credential)
    if issuer not in known_issuers:
        result.warn("issuer", f"issuer {issuer} is not a known issuer of this service")


def check_validity_period(result: VerificationResult, credential: dict, now: datetime) -> None:
    result.checks.append("validity")
    start_field, end_field = VALIDITY_FIELDS[vcdm_version(credential)]
    try:
        if start_field in credential and now < parse_datetime(credential[start_field], start_field):
            result.fail("validity", f"not valid before {credential[start_field]} ({start_field})")
        if end_field in credential and now >= parse_datetime(credential[end_field], end_field):
            result.fail("validity", f"expired at {credential[end_field]} ({end_field})")
    except InvalidCredential as exc:
        result.fail("validity", str(exc))


def check_shape(result: VerificationResult, credential: dict) -> None:
    if is_open_badge(credential):
        result.checks.append("shape")
        try:
            check_open_badge(credential)
        except InvalidCredential as exc:
            result.fail("shape", f"not a complete Open Badge: {exc}")


async def check_status(result: VerificationResult, credential: dict, status_lists: StatusListResolver) -> None:
    entries = as_list(credential.get("credentialStatus")) if credential.get("credentialStatus") else []
    if not entries:
        return
    result.checks.append("status")
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
            kind = entry.get("type") if isinstance(entry, dict) else type(entry).__name__
            result.warn("status", f"a status entry of type {kind} is not checked by this service")
            continue
        purpose, url = entry.get("statusPurpose"), entry.get("statusListCredential")
        try:
            index = int(entry.get("statusListIndex"))
            fetched = await status_lists.fetch(str(url))
            if fetched.issuer != issuer_id(credential):
                raise StatusListUnavailable(f"status list {url} is not issued by the credential's issuer")
            if fetched.purpose != purpose:
                raise StatusListUnavailable(f"status list {url} is for {fetched.purpose}, the entry says {purpose}")
            flagged = get_bit(fetched.bits, index)
        except (TypeError, ValueError, StatusListUnavailable) as exc:
            result.fail("status", str(exc) if not isinstance(exc, TypeError) else "statusListIndex is not a number")
            continue
        if flagged:
            state = {"revocation": "revoked", "suspension": "suspended"}.get(purpose, f"flagged for {purpose}")
            result.fail("status", f"{state} (status list {url}, index {index})")


async def verify_credential(
    agent: AgentClient,
    credential: dict,
    pinned: PinnedContextSet,
    known_issuers: set[str],
    status_lists: StatusListResolver,
) -> VerificationResult:
    check_structure(credential, pinned, open_badge_shape=False)
    if not isinstance(credential.get("proof"), dict | list):
        raise InvalidCredential("credential has no proof")
    result = VerificationResult()
    await check_proof(result, agent, credential)
    check_issuer(result, credential, known_issuers)
    check_validity_period(result, credential, datetime.now(UTC))
    await check_status(result, credential, status_lists)
    check_shape(result, credential)
    return result
