"""The ACA-Py 1.7 records the controller reads, parsed where they enter: the admin API's answers
(agent/client.py) and the stored webhook events (webhooks/dispatch.py).

Only the fields the controller reads are declared; the rest of a record is ignored. The
exchanged documents themselves (credentials, presentations, proof requests) stay dicts.
"""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

JSON = dict[str, Any]


class AgentRecord(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class ConnectionRecord(AgentRecord):
    """A DID Exchange connection (``/connections``, topic ``connections``)."""

    connection_id: str
    state: str | None = None
    alias: str | None = None
    their_did: str | None = None


class InvitationRecord(AgentRecord):
    """An out-of-band invitation (``/out-of-band/create-invitation``)."""

    invi_msg_id: str
    invitation_url: str
    oob_id: str | None = None
    invitation: JSON = Field(default_factory=dict)


# Issue-credential 2.0: ``by_format`` holds each message's attachment per credential format.


class LdProofCredentialDetail(AgentRecord):
    """An ld_proof offer's attachment: the unsigned credential and the signing options."""

    credential: JSON = Field(default_factory=dict)
    options: JSON = Field(default_factory=dict)


class CredentialOfferFormats(AgentRecord):
    ld_proof: LdProofCredentialDetail | None = None
    anoncreds: JSON | None = None  # cred_def_id, schema_id, nonce, key correctness proof


class CredentialIssueFormats(AgentRecord):
    ld_proof: JSON | None = None  # the signed credential the wallet received
    anoncreds: JSON | None = None


class CredentialByFormat(AgentRecord):
    cred_offer: CredentialOfferFormats = Field(default_factory=CredentialOfferFormats)
    cred_issue: CredentialIssueFormats = Field(default_factory=CredentialIssueFormats)


class CredentialOfferMessage(AgentRecord):
    comment: str | None = None


class CredentialExchangeRecord(AgentRecord):
    """A V20CredExRecord (``/issue-credential-2.0/records``, topic ``issue_credential_v2_0``)."""

    cred_ex_id: str
    connection_id: str | None = None
    thread_id: str | None = None
    role: str | None = None
    state: str | None = None
    error_msg: str | None = None
    cred_offer: CredentialOfferMessage | None = None
    by_format: CredentialByFormat = Field(default_factory=CredentialByFormat)


class AnonCredsExchangeDetail(AgentRecord):
    """What the issuer's agent keeps of an issued AnonCreds credential: its revocation ids."""

    rev_reg_id: str | None = None
    cred_rev_id: str | None = None


class CredentialExchangeDetail(AgentRecord):
    """``GET /issue-credential-2.0/records/{id}``: the record and its per-format details."""

    cred_ex_record: CredentialExchangeRecord
    anoncreds: AnonCredsExchangeDetail | None = None


# Present-proof 2.0


class RevealedValue(AgentRecord):
    raw: str


class RevealedAttributeGroup(AgentRecord):
    values: dict[str, RevealedValue] = Field(default_factory=dict)


class PredicateSource(AgentRecord):
    sub_proof_index: int | None = None  # which of the proof's credentials the predicate comes from


class RequestedProof(AgentRecord):
    revealed_attr_groups: dict[str, RevealedAttributeGroup] = Field(default_factory=dict)
    predicates: dict[str, PredicateSource] = Field(default_factory=dict)


class AnonCredsProof(AgentRecord):
    requested_proof: RequestedProof = Field(default_factory=RequestedProof)


class PresentationFormats(AgentRecord):
    dif: JSON | None = None  # the verifiable presentation
    anoncreds: AnonCredsProof | None = None


class PresentationByFormat(AgentRecord):
    pres: PresentationFormats = Field(default_factory=PresentationFormats)


class PresentationExchangeRecord(AgentRecord):
    """A V20PresExRecord (``/present-proof-2.0/records``, topic ``present_proof_v2_0``)."""

    pres_ex_id: str
    connection_id: str | None = None
    thread_id: str | None = None
    role: str | None = None
    state: str | None = None
    verified: str | None = None  # "true" or "false" once the agent checked the presentation
    error_msg: str | None = None
    by_format: PresentationByFormat = Field(default_factory=PresentationByFormat)


# Problem reports (RFC 0035): topic ``problem_report``, and ``message_refused`` from our plugin.


class MessageThread(AgentRecord):
    thid: str | None = None
    pthid: str | None = None


class ProblemDescription(AgentRecord):
    en: str | None = None
    code: str | None = None


class ProblemReport(AgentRecord):
    thread: MessageThread | None = Field(default=None, alias="~thread")
    description: ProblemDescription | None = None

    @property
    def thread_id(self) -> str | None:
        return self.thread.thid if self.thread else None

    @property
    def text(self) -> str | None:
        return self.description.en if self.description else None


# The topics the controller acts on, and the record each one's payload is.
WEBHOOK_RECORDS: dict[str, type[AgentRecord]] = {
    "connections": ConnectionRecord,
    "issue_credential_v2_0": CredentialExchangeRecord,
    "present_proof_v2_0": PresentationExchangeRecord,
    "problem_report": ProblemReport,
    "message_refused": ProblemReport,
}


def webhook_payload(topic: str, body: JSON) -> AgentRecord | None:
    """A webhook's payload as its topic's record; None for topics the controller does not act on.
    Raises pydantic's ValidationError for a payload that is not that record."""
    model = WEBHOOK_RECORDS.get(topic)
    return model.model_validate(body) if model is not None else None
