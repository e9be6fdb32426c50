"""AnonCreds badges into members' wallets: offer over their connection, follow, revoke, and ask
a wallet for a proof. The agent does the cryptography; this module decides what a badge says."""

import secrets
import time
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..agent.client import AgentClient
from ..agent.records import AnonCredsProof, CredentialExchangeRecord, PresentationExchangeRecord
from ..badges.templates import MeetingFacts, TalkFacts
from ..db.base import utcnow
from ..errors import Invalid
from ..members.models import Member
from .definitions import SCHEMA_ATTRIBUTES
from .models import AnonCredsCredential, AnonCredsDefinition
from .tally import Tally

ROLES = {"membership": "member", "attendance": "attendee", "presenter": "presenter"}


class NotConnected(Invalid):
    """The member's wallet has no active DIDComm connection yet."""


def connection_of(member: Member) -> str:
    if not member.connection_id or member.connection_state != "active":
        raise NotConnected(f"member {member.id} has not connected a wallet yet (claim link)")
    return member.connection_id


def date_number(day: date) -> str:
    """A date as the integer YYYYMMDD: AnonCreds predicates compare integers."""
    return day.strftime("%Y%m%d")


def credential_attributes(
    kind: str,
    sig_name: str,
    member_name: str,
    *,
    meeting: MeetingFacts | None = None,
    talk: TalkFacts | None = None,
    valid_until: date | None = None,
    tally: Tally | None = None,
) -> dict[str, str]:
    """The values of the kind's schema attributes (AnonCreds values are strings)."""
    if kind == "participation":
        if tally is None:
            raise ValueError("an attendance tally needs its count")
        values = {
            "sig": sig_name,
            "name": member_name,
            "meetings_attended": str(tally.meetings_attended),
            "counted_since": tally.counted_since.isoformat(),
            "counted_since_number": date_number(tally.counted_since),
            "counted_until": tally.counted_until.isoformat(),
            "counted_until_number": date_number(tally.counted_until),
        }
        assert list(values) == SCHEMA_ATTRIBUTES[kind], "attributes must follow the registered schema"
        return values
    values = {"sig": sig_name, "name": member_name, "role": ROLES[kind]}
    if kind == "membership":
        if valid_until is None:
            raise ValueError("a membership badge needs the date it is valid until")
        values |= {"valid_until": valid_until.isoformat(), "valid_until_number": date_number(valid_until)}
    else:
        if meeting is None:
            raise ValueError(f"a {kind} badge needs its meeting")
        day = meeting.starts_at.date()
        values |= {
            "meeting": meeting.title,
            "meeting_kind": meeting.kind,
            "date": day.isoformat(),
            "date_number": date_number(day),
        }
    if kind == "presenter":
        if talk is None:
            raise ValueError("a presenter badge needs its talk")
        values["talk_title"] = talk.title
    assert list(values) == SCHEMA_ATTRIBUTES[kind], "attributes must follow the registered schema"
    return values


async def offer_credential(
    session: AsyncSession,
    agent: AgentClient,
    definition: AnonCredsDefinition,
    member: Member,
    attributes: dict[str, str],
    *,
    meeting_id: int | None = None,
    talk_id: int | None = None,
) -> AnonCredsCredential:
    record = await agent.offer_anoncreds_credential(connection_of(member), definition.cred_def_id, attributes)
    credential = AnonCredsCredential(
        sig_id=definition.sig_id,
        kind=definition.kind,
        member_id=member.id,
        meeting_id=meeting_id,
        talk_id=talk_id,
        cred_ex_id=record.cred_ex_id,
        state="offered",
    )
    session.add(credential)
    await session.commit()
    return credential


async def on_anoncreds_exchange_event(
    session: AsyncSession, agent: AgentClient, record: CredentialExchangeRecord
) -> bool:
    """A webhook about an exchange: False when no AnonCreds credential knows it (yet)."""
    credential = await session.scalar(
        select(AnonCredsCredential).where(AnonCredsCredential.cred_ex_id == record.cred_ex_id)
    )
    if credential is None:
        return False
    await refresh_credential(agent, credential)
    return True


async def refresh_credential(agent: AgentClient, credential: AnonCredsCredential) -> None:
    """Bring the state up to the agent's exchange record (the caller commits); issued ones learn
    their revocation ids, which only the full record has."""
    if credential.state != "offered":
        return
    detail = await agent.get_credential_exchange_detail(credential.cred_ex_id)
    if detail is not None and detail.cred_ex_record.state == "done":
        credential.state = "issued"
        credential.issued_at = utcnow()
        if detail.anoncreds is not None:
            credential.rev_reg_id = detail.anoncreds.rev_reg_id
            credential.cred_rev_id = detail.anoncreds.cred_rev_id
    elif detail is None or detail.cred_ex_record.state == "abandoned":
        credential.state = "failed"


async def revoke_credential(session: AsyncSession, agent: AgentClient, credential: AnonCredsCredential) -> None:
    """Revoke in the registry and publish the new registry state to the ledger."""
    await agent.revoke_anoncreds_credential(credential.cred_ex_id)
    credential.state = "revoked"
    credential.revoked_at = utcnow()
    await session.commit()


def proof_request(
    kind: str, definition: AnonCredsDefinition, since: date | None, min_meetings: int | None = None, *, sig_name: str
) -> dict:
    """Ask for a kind's badge from this SIG, not revoked now; with ``since``, for an activity on
    or after that day (membership: valid until at least that day), proved by a predicate. The
    attendance tally (``participation``) proves "at least ``min_meetings`` meetings since
    ``since``" by two predicates and shows only the member's name (see tally.py). The wallet
    shows the request's name: the SIG's, since every SIG's definitions share the service's DID."""
    restriction = [{"cred_def_id": definition.cred_def_id}]
    now = int(time.time())
    if kind == "participation":
        if since is None or min_meetings is None:
            raise ValueError("an attendance tally proof needs since and min_meetings")
        revealed = ["name"]
        predicates = {
            "meetings": {
                "name": "meetings_attended",
                "p_type": ">=",
                "p_value": min_meetings,
                "restrictions": restriction,
            },
            "since": {
                "name": "counted_since_number",
                "p_type": ">=",
                "p_value": int(date_number(since)),
                "restrictions": restriction,
            },
        }
    else:
        revealed = [name for name in SCHEMA_ATTRIBUTES[kind] if not name.endswith("_number")]
        predicates = {}
        if since is not None:
            number = "valid_until_number" if kind == "membership" else "date_number"
            predicates["since"] = {
                "name": number,
                "p_type": ">=",
                "p_value": int(date_number(since)),
                "restrictions": restriction,
            }
    return {
        "name": f"{ROLES.get(kind, 'participant').capitalize()} of {sig_name}",
        "version": "1.0",
        "nonce": str(secrets.randbits(80)),
        "requested_attributes": {"badge": {"names": revealed, "restrictions": restriction}},
        "requested_predicates": predicates,
        "non_revoked": {"from": now, "to": now},
    }


def unbound_predicates(proof: AnonCredsProof) -> str | None:
    """The predicates of one request must come from one credential: AnonCreds lets a wallet take
    each from another of its credentials, and ACA-Py's verifier does not check, so a wallet
    holding last year's high tally and this year's low one could prove "many meetings since
    January" from the two. Each predicate names the sub-proof (credential) it comes from."""
    sources = {item.sub_proof_index for item in proof.requested_proof.predicates.values()}
    return "the proof's predicates come from different credentials" if len(sources) > 1 else None


def proof_result(record: PresentationExchangeRecord) -> dict:
    """State, verdict (None while the wallet has not answered) and the revealed attributes."""
    proof = record.by_format.pres.anoncreds or AnonCredsProof()
    groups = proof.requested_proof.revealed_attr_groups
    revealed = {name: value.raw for group in groups.values() for name, value in group.values.items()}
    verified = record.verified
    problem = unbound_predicates(proof)
    return {
        "id": record.pres_ex_id,
        "state": record.state,
        "verified": None if verified is None else verified == "true" and problem is None,
        "revealed": revealed,
        "error": problem or record.error_msg,
    }
