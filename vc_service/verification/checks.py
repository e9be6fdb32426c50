"""Verify a credential: the proof (through the agent), the issuer and the validity period.

Results follow the W3C VC-API: ``{verified, checks, warnings, errors}``, where ``checks``
names every check run and each warning or error names its check.
"""

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import base58

from ..agent.client import AgentClient
from ..agent.errors import AgentRejected
from ..contexts.pinned import PinnedContextSet
from ..credentials.dids import document_url
from ..credentials.document import (
    VALIDITY_FIELDS,
    InvalidCredential,
    as_list,
    check_open_badge,
    check_presentation_structure,
    check_structure,
    is_open_badge,
    issuer_id,
    parse_datetime,
    same_did,
    subject_ids,
    vcdm_version,
)
from ..outbound.policy import OutboundRefused, OutboundRequest
from ..status.bitstring import get_bit
from .status_lists import StatusListResolver, StatusListUnavailable

MAX_STATUS_ENTRIES = 4  # ours carry two (revocation, suspension); each more is one more fetch


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


def _data_integrity_failure(agent_result: dict) -> str:
    problems = [
        problem.get("detail") or problem.get("title") or "problem"
        for outcome in agent_result.get("results") or []
        for problem in outcome.get("problemDetails") or []
    ]
    return "; ".join(problems) or "the proof does not verify"


# What VC Data Integrity (§2.1), Ed25519Signature2020 and Ed25519Signature2018 (a detached JWS:
# the suite of badges delivered over DIDComm, and of a Credo wallet's presentations) require of
# a proof, by proof type.
REQUIRED_PROOF_FIELDS = {
    "DataIntegrityProof": ("cryptosuite", "proofPurpose", "verificationMethod", "proofValue"),
    "Ed25519Signature2020": ("created", "proofPurpose", "verificationMethod", "proofValue"),
    "Ed25519Signature2018": ("created", "proofPurpose", "verificationMethod", "jws"),
}
ED25519_SIGNATURE_BYTES = 64


def proof_problem(proof: object) -> str | None:
    """Why a proof cannot be checked at all (the agent would crash on it), or None."""
    if not isinstance(proof, dict):
        return "a proof must be an object"
    proof_type = proof.get("type")
    required = REQUIRED_PROOF_FIELDS.get(proof_type) if isinstance(proof_type, str) else None
    if required is None:
        return f"proof type {proof.get('type')!r} is not one this service verifies ({', '.join(REQUIRED_PROOF_FIELDS)})"
    missing = [name for name in required if not isinstance(proof.get(name), str) or not proof[name]]
    if missing:
        return f"the proof has no {', '.join(missing)} (or not as a string)"
    if "previousProof" in proof:
        return "the proof chains to a previousProof (a proof chain), which this service does not verify"
    if "jws" in required:
        return detached_jws_problem(proof["jws"])
    value = proof["proofValue"]
    try:
        signature = base58.b58decode(value[1:]) if value.startswith("z") else b""
    except ValueError:
        signature = b""
    if len(signature) != ED25519_SIGNATURE_BYTES:
        return "proofValue is not a base58-btc multibase Ed25519 signature (z..., 64 bytes)"
    return None


def detached_jws_problem(jws: str) -> str | None:
    """An Ed25519Signature2018 ``jws`` is ``header..signature`` (RFC 7797, unencoded payload)."""
    parts = jws.split(".")
    if len(parts) == 3 and parts[0] and not parts[1]:
        try:
            signature = base64.urlsafe_b64decode(parts[2] + "=" * (-len(parts[2]) % 4))
        except ValueError:
            signature = b""
        if len(signature) == ED25519_SIGNATURE_BYTES:
            return None
    return "jws is not a detached JWS with an Ed25519 signature (header..signature)"


def _web_dids(document: dict) -> set[str]:
    """The did:web DIDs the agent resolves to verify a document: its issuer's, its proofs' keys'."""
    methods = [proof.get("verificationMethod") for proof in as_list(document.get("proof")) if isinstance(proof, dict)]
    dids = {issuer_id(document), *(method.split("#")[0] for method in methods if isinstance(method, str))}
    return {did for did in dids if isinstance(did, str) and did.startswith("did:web:")}


async def refused_did_web(documents: list[dict], known_issuers: set[str], outbound: OutboundRequest) -> str | None:
    """Why the agent may not resolve a did:web DID of these documents (the outbound-fetch
    policy refuses its host), or None. Checked before the agent connects anywhere; the
    issuers this service knows are resolved as configured."""
    for did in sorted(set().union(*map(_web_dids, documents)) - known_issuers):
        try:
            await outbound.destination(document_url(did), f"the DID document of {did} could not be fetched")
        except OutboundRefused as exc:
            return str(exc)
    return None


async def check_proof(
    result: VerificationResult, agent: AgentClient, credential: dict, known_issuers: set[str], outbound: OutboundRequest
) -> None:
    """Each proof on its own (a proof set's proofs are independent), through the agent: Linked
    Data proofs by its VC-API, Data Integrity by its DI verifier."""
    result.checks.append("proof")
    if refusal := await refused_did_web([credential], known_issuers, outbound):
        result.fail("proof", f"the proof could not be checked: {refusal}")
        return
    proofs = as_list(credential["proof"])
    for index, proof in enumerate(proofs):
        where = f"proof[{index}]: " if len(proofs) > 1 else ""
        problem = proof_problem(proof)
        if problem:
            result.fail("proof", where + problem)
            continue
        single = {**credential, "proof": proof}
        data_integrity = proof["type"] == "DataIntegrityProof"
        try:
            if data_integrity:
                agent_result = await agent.verify_data_integrity(single)
            else:
                agent_result = await agent.verify_credential(single)
        except AgentRejected as exc:
            result.fail("proof", f"{where}the proof could not be checked: {exc}")
            continue
        if not agent_result.get("verified"):
            reason = _data_integrity_failure(agent_result) if data_integrity else _proof_failure(agent_result)
            result.fail("proof", where + reason)


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


async def check_status(
    result: VerificationResult, credential: dict, status_lists: StatusListResolver, outbound: OutboundRequest
) -> None:
    entries = as_list(credential.get("credentialStatus")) if credential.get("credentialStatus") else []
    if not entries:
        await check_recorded_status(result, credential, status_lists)
        return
    result.checks.append("status")
    if len(entries) > MAX_STATUS_ENTRIES:
        result.fail(
            "status",
            f"the credential has {len(entries)} status entries; this service checks at most {MAX_STATUS_ENTRIES}",
        )
        return
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
            kind = entry.get("type") if isinstance(entry, dict) else type(entry).__name__
            result.warn("status", f"a status entry of type {kind} is not checked by this service")
            continue
        purpose, url = entry.get("statusPurpose"), entry.get("statusListCredential")
        try:
            raw_index = entry.get("statusListIndex")
            if raw_index is None:
                raise TypeError("no statusListIndex")  # reported as the index not being a number
            index = int(raw_index)
            fetched = await status_lists.fetch(str(url), issuer_id(credential), outbound)
            if fetched.purpose != purpose:
                raise StatusListUnavailable(f"status list {url} is for {fetched.purpose}, the entry says {purpose}")
            flagged = get_bit(fetched.bits, index)
        except (TypeError, ValueError, StatusListUnavailable, OutboundRefused) as exc:
            result.fail("status", str(exc) if not isinstance(exc, TypeError) else "statusListIndex is not a number")
            continue
        if flagged:
            state = {"revocation": "revoked", "suspension": "suspended"}.get(purpose, f"flagged for {purpose}")
            result.fail("status", f"{state} (status list {url}, index {index})")


async def check_recorded_status(result: VerificationResult, credential: dict, status_lists: StatusListResolver) -> None:
    """A badge this service delivered without a status entry (over DIDComm: a Credo 0.6 wallet
    refuses a JSON-LD credential that has one) is checked against the issuer's own records."""
    credential_id, issuer = credential.get("id"), issuer_id(credential)
    if not isinstance(credential_id, str) or not isinstance(issuer, str):
        return
    recorded = await status_lists.recorded(credential_id, issuer)
    if recorded is None:
        return
    result.checks.append("status")
    if recorded.revoked:
        result.fail("status", "revoked (the issuer's records)")
    elif recorded.suspended:
        result.fail("status", "suspended (the issuer's records)")


async def verify_credential(
    agent: AgentClient,
    credential: dict,
    pinned: PinnedContextSet,
    known_issuers: set[str],
    status_lists: StatusListResolver,
    outbound: OutboundRequest,
    checks: Sequence[str] | None = None,
) -> VerificationResult:
    """Every check, or only those named in ``checks`` (VC-API ``options.checks``)."""
    check_structure(credential, pinned, open_badge_shape=False)
    if not isinstance(credential.get("proof"), dict | list) or not credential["proof"]:
        raise InvalidCredential("credential has no proof")
    result = VerificationResult()

    def wanted(name: str) -> bool:
        return checks is None or name in checks

    if wanted("proof"):
        await check_proof(result, agent, credential, known_issuers, outbound)
    if wanted("issuer"):
        check_issuer(result, credential, known_issuers)
    if wanted("validity"):
        check_validity_period(result, credential, datetime.now(UTC))
    if wanted("status"):
        await check_status(result, credential, status_lists, outbound)
    if wanted("shape"):
        check_shape(result, credential)
    return result


def _proof_method_controller(proof: dict) -> str | None:
    method = proof.get("verificationMethod")
    return method.split("#")[0] if isinstance(method, str) else None


async def verify_presentation(
    agent: AgentClient,
    presentation: dict,
    challenge: str,
    domain: str | None,
    pinned: PinnedContextSet,
    known_issuers: set[str],
    status_lists: StatusListResolver,
    outbound: OutboundRequest,
) -> VerificationResult:
    """The holder's proof, its challenge and domain, that the holder is each credential's
    subject (ACA-Py does not check this), then every check of each credential."""
    credentials = check_presentation_structure(presentation)
    for credential in credentials:
        check_structure(credential, pinned, open_badge_shape=False)
    result = VerificationResult(checks=["presentation-proof", "challenge", "domain", "holder"])
    proof = presentation["proof"]
    # The agent resolves the holder's key and every credential's too.
    if refusal := await refused_did_web([presentation, *credentials], known_issuers, outbound):
        result.fail("presentation-proof", f"the presentation's proof could not be checked: {refusal}")
    else:
        try:
            agent_result = await agent.verify_presentation(presentation, challenge, domain)
            presentation_result = agent_result.get("presentation_result") or {}
            if not presentation_result.get("verified"):
                result.fail(
                    "presentation-proof",
                    _proof_failure(presentation_result) if presentation_result else _proof_failure(agent_result),
                )
        except AgentRejected as exc:
            result.fail("presentation-proof", f"the presentation's proof could not be checked: {exc}")
    if proof.get("challenge") != challenge:
        result.fail("challenge", f"the proof's challenge {proof.get('challenge')!r} is not the one asked for")
    if domain is not None and proof.get("domain") != domain:
        result.fail("domain", f"the proof's domain {proof.get('domain')!r} is not {domain!r}")
    given_holder = presentation.get("holder")
    given_holder = given_holder.get("id") if isinstance(given_holder, dict) else given_holder
    holder = given_holder or _proof_method_controller(proof)
    signer = _proof_method_controller(proof)
    if given_holder and not same_did(signer, given_holder):
        result.fail("holder", f"the presentation is signed by {signer}, not by its holder {given_holder}")
    for index, credential in enumerate(credentials):
        if not any(same_did(holder, subject) for subject in subject_ids(credential)):
            result.fail("holder", f"the holder {holder} is not the subject of credential {credential.get('id', index)}")
        inner = await verify_credential(agent, credential, pinned, known_issuers, status_lists, outbound)
        prefix = f"credential[{index}]."
        result.checks += [prefix + check for check in inner.checks]
        result.errors += [{**error, "check": prefix + error["check"]} for error in inner.errors]
        result.warnings += [{**warning, "check": prefix + warning["check"]} for warning in inner.warnings]
    return result
