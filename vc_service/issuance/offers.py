"""What the worker sends the agent for one badge, as its format prepared it, and how an offer found
among the agent's records is recognised as a badge's (after a crash, by its credential id)."""

from ..agent.client import AgentClient
from ..agent.records import CredentialExchangeRecord
from ..credentials.dids import verification_method
from ..credentials.document import issuer_id
from ..formats.base import PreparedOffer
from ..formats.registry import all_formats


async def send_offer(agent: AgentClient, connection_id: str, offer: PreparedOffer) -> CredentialExchangeRecord:
    """Offer over issue-credential 2.0; the agent's exchange record."""
    if offer.cred_def_id is not None:
        if offer.attributes is None:
            raise ValueError("an AnonCreds offer needs the values of its attributes")
        return await agent.offer_anoncreds_credential(
            connection_id, offer.cred_def_id, offer.attributes, comment=offer.comment
        )
    if offer.credential is None or offer.proof_type is None:
        raise ValueError("an offer needs either a credential and its proof type or a credential definition")
    did = issuer_id(offer.credential)
    if did is None:  # build_badge always names the issuer
        raise ValueError("the badge's credential names no issuer")
    return await agent.offer_ld_proof_credential(
        connection_id, offer.credential, offer.proof_type, verification_method(did)
    )


def offered_credential_id(record: CredentialExchangeRecord) -> str | None:
    """The credential id of the badge an exchange record offers, in whichever format."""
    return next((found for fmt in all_formats() if (found := fmt.offered_credential_id(record)) is not None), None)
