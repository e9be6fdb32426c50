"""Offered over a DIDComm connection (issue-credential 2.0) by the worker: the wallet takes the
offer, or lets it fail and be retried. The connection starts from the member's out-of-band
invitation behind their short claim link (RFC 0434), which this channel offers on the claim page."""

import base64
import json
from urllib.parse import parse_qs, urlencode, urlparse

from sqlalchemy.ext.asyncio import AsyncSession

from ..agent.client import AgentClient
from ..errors import Conflict
from ..members.connections import member_alias
from ..members.models import Member
from .base import ClaimPage, DeliveryChannel, WalletOption

# The apps that take a DIDComm v1 invitation, as a member would look for them in an app store.
DIDCOMM_APPS = "BC Wallet, or another Aries or Credo-based wallet app"


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


def didcomm_deep_link(invitation_url: str) -> str:
    """The invitation as the ``didcomm://`` link wallet apps register for (RFC 0434's ``oob``
    parameter), never the agent's own endpoint, which a phone's browser would open as a blank page."""
    return "didcomm://invite?" + urlencode({"oob": parse_qs(urlparse(invitation_url).query)["oob"][0]})


def didcomm_option(channel: str, invitation_url: str, scan_url: str, next_step: str) -> WalletOption:
    """An out-of-band invitation as the pages offer it: the app's button and the short URL's QR code."""
    return WalletOption(
        channel=channel,
        apps=DIDCOMM_APPS,
        open_label="Open in BC Wallet",
        deep_link=didcomm_deep_link(invitation_url),
        scan_url=scan_url,
        next_step=next_step,
    )


class DidcommChannel(DeliveryChannel):
    name = "didcomm"
    label = "DIDComm wallet"
    reaches_wallet = True
    delivered_stage = "issued"
    delivered_label = "issued to a wallet"
    # Before the wallet took it, a badge on this channel is "offered", or "failed" (retried later).
    states_before_delivery = ("offered", "failed")

    async def wallet_options(self, claim: ClaimPage) -> list[WalletOption]:
        if claim.member.connection_state == "active":
            return [WalletOption(channel=self.name, apps=DIDCOMM_APPS, connected=True)]
        invitation = await invitation_url_for(claim.session, claim.agent, claim.member, claim.sig_name)
        return [
            didcomm_option(
                self.name,
                invitation,
                claim.invitation_short_url,
                f"The app asks you to accept the connection with {claim.sig_name}, then each badge as it "
                "arrives, now and later, without scanning again.",
            )
        ]
