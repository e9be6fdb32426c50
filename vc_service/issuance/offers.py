"""What the worker sends the agent for one badge, in the badge's format, and how an offer found
among the agent's records is recognised as a badge's (after a crash, by its credential id)."""

from dataclasses import dataclass

from ..agent.client import AgentClient
from ..agent.records import CredentialExchangeRecord
from ..badges.models import Badge
from ..credentials.dids import verification_method
from ..credentials.document import issuer_id

PROOF_TYPE = "Ed25519Signature2020"
# AnonCreds values are fixed by the schema: the badge's credential id travels in the offer's comment.
ANONCREDS_COMMENT = "Badge {credential_id}"


class CannotOffer(Exception):
    """The badge cannot be offered now (e.g. an AnonCreds badge while the service has no ledger)."""


@dataclass(frozen=True)
class PreparedOffer:
    credential: dict | None = None  # ld_proof: the unsigned credential the agent signs
    cred_def_id: str | None = None  # anoncreds: the definition, and the values of its attributes
    attributes: dict[str, str] | None = None


async def send_offer(
    agent: AgentClient, connection_id: str, badge: Badge, offer: PreparedOffer
) -> CredentialExchangeRecord:
    """Offer over issue-credential 2.0; the agent's exchange record."""
    if offer.cred_def_id is not None:
        if offer.attributes is None:
            raise ValueError("an AnonCreds offer needs the values of its attributes")
        comment = ANONCREDS_COMMENT.format(credential_id=badge.credential_id)
        return await agent.offer_anoncreds_credential(
            connection_id, offer.cred_def_id, offer.attributes, comment=comment
        )
    if offer.credential is None:
        raise ValueError("an offer needs either a credential or a credential definition")
    did = issuer_id(offer.credential)
    if did is None:  # build_badge always names the issuer
        raise ValueError("the badge's credential names no issuer")
    return await agent.offer_ld_proof_credential(connection_id, offer.credential, PROOF_TYPE, verification_method(did))


def offered_credential_id(record: CredentialExchangeRecord) -> str | None:
    """The credential id of the badge an exchange record offers, in either format."""
    offer = record.by_format.cred_offer
    if offer.ld_proof is not None:
        return offer.ld_proof.credential.get("id")
    comment = (record.cred_offer.comment if record.cred_offer else None) or ""
    prefix = ANONCREDS_COMMENT.format(credential_id="")
    return comment[len(prefix) :] if offer.anoncreds is not None and comment.startswith(prefix) else None
