"""A member's wallet connection, recognised by the alias of the invitation made for them."""

from sqlalchemy.ext.asyncio import AsyncSession

from ..agent.client import AgentClient
from ..agent.records import ConnectionRecord
from ..audit.service import record as audit
from ..credentials.document import same_did
from .models import Member

ALIAS_PREFIX = "member:"
ACTIVE_STATES = {"active", "completed"}
# DID Exchange's steps before active. The agent posts its webhooks concurrently, so a step's
# event can arrive after the connection's "active" one: it must not move the member back.
HANDSHAKE_STATES = {"start", "invitation", "request", "response"}


def member_alias(member_id: int) -> str:
    return f"{ALIAS_PREFIX}{member_id}"


def member_id_from_alias(alias: str | None) -> int | None:
    if not alias or not alias.startswith(ALIAS_PREFIX):
        return None
    suffix = alias.removeprefix(ALIAS_PREFIX)
    return int(suffix) if suffix.isdigit() else None


def apply_connection_record(member: Member, record: ConnectionRecord) -> None:
    state = record.state
    if state in ACTIVE_STATES:
        member.connection_id = record.connection_id
        member.connection_state = "active"
        member.wallet_did = record.their_did
    elif record.connection_id == member.connection_id:
        if not (member.connection_state in ACTIVE_STATES and state in HANDSHAKE_STATES):
            member.connection_state = state


async def on_connection_event(session: AsyncSession, agent: AgentClient, event: ConnectionRecord) -> bool:
    """Apply the agent's own record of the connection an event names, not the event: a webhook
    with the key could claim any state or alias (``member:N`` for another member's connection)."""
    if member_id_from_alias(event.alias) is None:
        return True  # connections not made for a member are none of ours
    record = await agent.get_connection(event.connection_id)
    member_id = member_id_from_alias(record.alias) if record is not None else None
    member = await session.get(Member, member_id) if member_id is not None else None
    if record is not None and member is not None:
        if same_did(event.their_did, record.their_did):
            # The agent stores a did:peer:4 in its short form; badges are bound to the form the
            # event carries, as before (the same DID, as the agent confirms).
            record = record.model_copy(update={"their_did": event.their_did})
        apply_connection_record(member, record)
    return True  # connections not made for a member are none of ours


async def reset_wallet_connection(session: AsyncSession, agent: AgentClient, member: Member, actor: str) -> None:
    """The organizer lets the member connect another wallet. The agent forgets the old connection
    and any invitation still open, so neither receives the member's later badges. Commits."""
    if member.connection_id:
        await agent.delete_connection(member.connection_id)
    if member.invitation_msg_id:
        await agent.delete_invitation(member.invitation_msg_id)
    audit(
        session, member.sig_id, actor, "member.wallet_reset", f"member:{member.id}", connection_id=member.connection_id
    )
    member.connection_id = member.connection_state = member.wallet_did = None
    member.invitation_url = member.invitation_msg_id = None
    await session.commit()
