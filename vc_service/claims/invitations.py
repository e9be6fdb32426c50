"""A member's wallet invitation behind their short claim link."""

import base64
import json
from urllib.parse import parse_qs, urlparse

from sqlalchemy.ext.asyncio import AsyncSession

from ..agent.client import AgentClient
from ..errors import Conflict
from ..members.connections import member_alias
from ..members.models import Member


class WalletConnected(Conflict):
    pass


async def invitation_url_for(session: AsyncSession, agent: AgentClient, member: Member, label: str) -> str:
    """The member's open invitation. None once a wallet is connected: whoever holds the link could
    otherwise connect a second wallet that receives the member's badges (an organizer resets it)."""
    if member.connection_state == "active":
        raise WalletConnected(
            "a wallet is already connected to this claim link: to connect another, ask an organizer to reset it"
        )
    if member.invitation_url is None:
        record = await agent.create_invitation(member_alias(member.id), label)
        member.invitation_url = record.invitation_url
        member.invitation_msg_id = record.invi_msg_id
        member.connection_state = "invited"
        await session.commit()
    return member.invitation_url


def invitation_message(invitation_url: str) -> dict:
    """The out-of-band message carried in an invitation URL's ``oob`` parameter."""
    encoded = parse_qs(urlparse(invitation_url).query)["oob"][0]
    return json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
