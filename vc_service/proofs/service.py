"""Proof requests: created through the agent, answered by a wallet, read by the verifier."""

import secrets
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..agent.client import AgentClient
from ..anoncreds.credentials import proof_request, proof_result
from ..anoncreds.models import AnonCredsDefinition
from ..credentials.document import as_list, same_did, subject_ids
from ..db.base import utcnow
from ..errors import Conflict
from ..issuer.identity import Issuer
from .models import ProofRequest
from .templates import ANONCREDS_TEMPLATES, presentation_definition


class TemplateUnavailable(Conflict):
    """An AnonCreds template for a SIG that issues no AnonCreds badges."""


async def create_proof_request(
    session: AsyncSession,
    agent: AgentClient,
    issuer: Issuer,
    template: str,
    since: datetime | None,
    domain: str,
    lifetime: timedelta,
    *,
    min_meetings: int | None = None,
    anoncreds: dict[str, AnonCredsDefinition] | None = None,
) -> ProofRequest:
    """A connectionless request (out-of-band, the request attached) from a template: DIF
    Presentation Exchange for the Open Badges, or an AnonCreds proof request with predicates."""
    now = utcnow()
    if template in ANONCREDS_TEMPLATES:
        if anoncreds is None:
            raise TemplateUnavailable(
                f"the {template} template asks for AnonCreds badges, which {issuer.name} does not issue: the service "
                "needs a ledger, and the SIG the AnonCreds badge format"
            )
        kind = ANONCREDS_TEMPLATES[template]
        anoncreds_request = proof_request(
            kind, anoncreds[kind], since and since.date(), min_meetings, sig_name=issuer.name
        )
        record = await agent.create_anoncreds_proof_request(anoncreds_request)
        challenge = anoncreds_request["nonce"]
    else:
        challenge = str(uuid.uuid4())
        definition = presentation_definition(template, issuer.did, since, now)
        record = await agent.create_proof_request(definition, challenge, domain)
    invitation = await agent.create_connectionless_invitation(record["pres_ex_id"], issuer.name)
    request = ProofRequest(
        id=secrets.token_urlsafe(12),
        sig_id=issuer.sig_id,
        template=template,
        since=since,
        min_meetings=min_meetings,
        challenge=challenge,
        pres_ex_id=record["pres_ex_id"],
        thread_id=record["thread_id"],
        invitation_url=invitation["invitation_url"],
        expires_at=now + lifetime,
    )
    session.add(request)
    await session.commit()
    return request


def holder_binding_problem(presentation: dict) -> str | None:
    """ACA-Py checks the proofs but not that the signer is the credentials' subject: we do."""
    method = (presentation.get("proof") or {}).get("verificationMethod", "")
    signer = presentation.get("holder") or method.split("#")[0]
    for credential in as_list(presentation.get("verifiableCredential") or []):
        if not any(same_did(signer, subject) for subject in subject_ids(credential)):
            return f"the presentation's signer {signer} is not the subject of {credential.get('id')}"
    return None


def answer(request: ProofRequest, state: str, reason: str | None, presentation: dict | None = None) -> None:
    if request.state != "pending":
        return  # answered once; later events change nothing
    request.state, request.reason, request.presentation, request.answered_at = state, reason, presentation, utcnow()


async def on_presentation_event(session: AsyncSession, agent: AgentClient, event: dict) -> bool:
    """Answer from the agent's own record of the exchange an event names, not from the event (a
    webhook with the key could claim ``done`` and ``verified``; it also lacks the presentation)."""
    request = await session.scalar(select(ProofRequest).where(ProofRequest.pres_ex_id == event.get("pres_ex_id")))
    if request is None:
        return event.get("role") != "verifier"  # not ours, or our commit has not landed yet
    if request.state != "pending" or event.get("state") not in ("done", "abandoned"):
        return True  # answered once, or nothing to answer yet
    record = await agent.get_presentation_exchange(request.pres_ex_id)
    if record is None:
        return True  # the agent has no record of the exchange: nothing to answer from
    state = record.get("state")
    if state == "done":
        presentation = ((record.get("by_format") or {}).get("pres") or {}).get("dif")
        if presentation is None:  # AnonCreds: what the wallet revealed; the predicates are the template's
            result = proof_result(record)
            reason = (
                None
                if result["verified"]
                else result["error"] or "the agent found the proof invalid (or a credential revoked)"
            )
            answer(
                request, "verified" if result["verified"] else "not-verified", reason, {"revealed": result["revealed"]}
            )
        elif record.get("verified") != "true":
            answer(request, "not-verified", "the agent found the presentation's proofs invalid", presentation)
        elif problem := holder_binding_problem(presentation or {}):
            answer(request, "not-verified", problem, presentation)
        else:
            answer(request, "verified", None, presentation)
    elif state == "abandoned":
        answer(request, "not-satisfied", record.get("error_msg") or "the wallet abandoned the request")
    return True


async def request_on_thread(session: AsyncSession, report: dict) -> ProofRequest | None:
    """The proof request a problem report is about, if it is about one of ours."""
    thread = (report.get("~thread") or {}).get("thid")
    return await session.scalar(select(ProofRequest).where(ProofRequest.thread_id == thread)) if thread else None


async def on_problem_report(session: AsyncSession, _agent: AgentClient, report: dict) -> bool:
    """A wallet that holds nothing matching answers only with a generic problem report."""
    if (request := await request_on_thread(session, report)) is not None:
        description = (report.get("description") or {}).get("en") or "no matching credential"
        answer(request, "not-satisfied", f"the wallet could not satisfy the request: {description}")
    return True


async def on_refused_message(session: AsyncSession, _agent: AgentClient, report: dict) -> bool:
    """The agent refused to read a wallet's answer (see vc_service/agent/acapy_plugin)."""
    if (request := await request_on_thread(session, report)) is not None:
        answer(
            request, "not-verified", refusal_reason((report.get("description") or {}).get("en") or "no reason given")
        )
    return True


def refusal_reason(description: str) -> str:
    reason = f"the wallet answered, but the SIG's agent could not read the answer ({description})"
    if "V20Pres" in description:  # ACA-Py's report names the message class, not the field at fault
        reason += (
            ". A known cause, measured with ACA-Py 1.7 wallets: for a badge bound to their did:peer connection DID "
            "they sign with a key id that is not a URL (#key-0). The member can give a did:key of their wallet on "
            "their claim link (PUT /c/{token}/did): badges issued after that can be proved"
        )
    return reason


def expire_if_due(request: ProofRequest, now: datetime | None = None) -> bool:
    """Mark an unanswered request expired once its time is up; True if that happened now."""
    if request.state == "pending" and (now or utcnow()) >= request.expires_at:
        answer(request, "expired", "no wallet answered before the request expired")
        return True
    return False
