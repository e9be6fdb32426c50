"""A DID Authentication presentation: a presentation with no credentials whose proof, for the
``authentication`` purpose, binds the holder's key to the challenge (and domain) the exchange
gave. The agent checks the signature and the purpose; the rest ACA-Py 1.7 does not check (a
wrong domain verifies there), so it is checked here."""

from dataclasses import dataclass

from ..agent.client import AgentClient
from ..agent.errors import AgentRejected
from ..credentials.document import as_list
from ..errors import BadRequest, Invalid
from ..members.service import WALLET_DID


class InvalidPresentation(BadRequest):
    """Not a DID Authentication presentation at all (no proof, no challenge, ...)."""


class PresentationRefused(Invalid):
    """A DID Authentication presentation this exchange does not accept (wrong domain, bad signature, ...)."""


@dataclass(frozen=True)
class DidAuthentication:
    presentation: dict
    challenge: str
    domain: str | None
    holder: str  # the DID the proof is made with, which is the presentation's holder


def read_did_authentication(presentation: object) -> DidAuthentication:
    """The parts of a DID Authentication presentation the exchange checks, or what is missing."""
    if not isinstance(presentation, dict) or "VerifiablePresentation" not in as_list(presentation.get("type")):
        raise InvalidPresentation("send a verifiable presentation (type VerifiablePresentation)")
    proofs = as_list(presentation.get("proof"))
    if len(proofs) != 1 or not isinstance(proofs[0], dict):
        raise InvalidPresentation("the presentation needs exactly one proof, made by the holder's key")
    proof = proofs[0]
    if presentation.get("verifiableCredential"):
        raise PresentationRefused("a DID Authentication presentation carries no credentials")
    if proof.get("proofPurpose") != "authentication":
        raise PresentationRefused(f"the proof's purpose must be authentication, not {proof.get('proofPurpose')!r}")
    challenge = proof.get("challenge")
    if not isinstance(challenge, str) or not challenge:
        raise InvalidPresentation("the proof has no challenge: sign with the challenge the exchange gave")
    domain = proof.get("domain")
    if domain is not None and not isinstance(domain, str):
        raise InvalidPresentation("the proof's domain must be a string")
    holder = presentation.get("holder")
    holder = holder.get("id") if isinstance(holder, dict) else holder
    if not isinstance(holder, str) or not WALLET_DID.match(holder):
        raise PresentationRefused("the presentation's holder must be an Ed25519 did:key (the wallet's DID)")
    method = proof.get("verificationMethod")
    signer = method.split("#")[0] if isinstance(method, str) else None
    if signer != holder:
        raise PresentationRefused(f"the presentation is signed by {signer}, not by its holder {holder}")
    return DidAuthentication(presentation, challenge, domain, holder)


def check_domain(authentication: DidAuthentication, domain: str, required: bool) -> None:
    """The proof's domain is this service's; ``required`` where the exchange's request gave it."""
    if authentication.domain is None and not required:
        return
    if authentication.domain != domain:
        raise PresentationRefused(f"the proof's domain {authentication.domain!r} is not {domain!r}")


async def check_signature(agent: AgentClient, authentication: DidAuthentication) -> None:
    """The agent verifies the proof (the holder's key, the authentication purpose, the challenge)."""
    try:
        answer = await agent.verify_presentation(
            authentication.presentation, authentication.challenge, authentication.domain
        )
    except AgentRejected as exc:
        raise PresentationRefused(f"the presentation's proof could not be checked: {exc}") from exc
    result = answer.get("presentation_result") or answer
    if not result.get("verified"):
        # ACA-Py appends the whole document to each message: keep the reason only.
        reasons = [str(error).split(" on document")[0] for error in result.get("errors") or []]
        raise PresentationRefused(
            "the presentation's proof does not verify" + (f": {'; '.join(reasons)}" if reasons else "")
        )
