"""A member's VC-API exchange: opened for the claim page (the deep link and its challenge), asked
for its presentation request, answered by a DID Authentication presentation, which issues the
member's waiting badges to the DID it proves.

One URL serves both ways the Learner Credential Wallet comes (W3C VC-API exchange conventions):
the deep link's ``vc_request_url``, to which the app POSTs the presentation itself, and the
exchange, to which a wallet POSTs ``{}`` (answered by a request for DID Authentication), then
``{"verifiablePresentation": ...}``.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast
from urllib.parse import urlencode

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..agent.client import AgentClient
from ..audit.service import record
from ..badges.models import Badge
from ..claims.files import claim_for_signing, sign_claimed
from ..contexts.pinned import PinnedContextSet
from ..credentials.document import subject_ids
from ..db.base import utcnow
from ..delivery.state import VCAPI
from ..errors import Conflict, Forbidden, Gone, NotFound
from ..formats.registry import badge_format
from ..issuer.identity import Issuers
from ..members.models import Member
from ..members.tokens import new_token, token_hash
from .models import VcApiExchange
from .presentation import PresentationRefused, check_domain, check_signature, read_did_authentication

WORKFLOW_ID = "badges"  # the one workflow: a member picks up their badges
VCDM1 = "https://www.w3.org/2018/credentials/v1"  # the badges' data model, so their presentation's too


class ExchangeExpired(Gone):
    """The exchange's time is over: the claim page opens a new one."""


class ExchangeComplete(Conflict):
    """The exchange was answered already; its challenge is used."""


class OtherMembersExchange(Forbidden):
    """The presentation answers a challenge of another member's exchange."""


def new_challenge() -> str:
    return secrets.token_urlsafe(16)  # 128 bits, single use


def exchange_url(base_url: str, exchange_id: str) -> str:
    return f"{base_url}/workflows/{WORKFLOW_ID}/exchanges/{exchange_id}"


def deep_link(issuer_did: str, url: str, challenge: str) -> str:
    """The Learner Credential Wallet's credential request link (its ``requestCredential``)."""
    # ":" and "/" may stand unescaped in a query: the QR code stays smaller.
    query = urlencode(
        {"issuer": issuer_did, "vc_request_url": url, "challenge": challenge, "auth_type": "bearer"}, safe=":/"
    )
    return f"dccrequest://request?{query}"


@dataclass(frozen=True)
class OpenedExchange:
    url: str
    deep_link: str
    expires_at: datetime


async def open_exchange(
    session: AsyncSession, member: Member, issuer_did: str, base_url: str, lifetime: timedelta
) -> OpenedExchange:
    """A new exchange of the member, with a fresh challenge for its deep link; the member's
    expired unanswered ones go (each visit of the claim page opens one). Commits."""
    await session.execute(
        delete(VcApiExchange).where(
            VcApiExchange.member_id == member.id, VcApiExchange.used_at.is_(None), VcApiExchange.expires_at <= utcnow()
        )
    )
    challenge = new_challenge()
    exchange = VcApiExchange(
        exchange_id=new_token(),
        sig_id=member.sig_id,
        member_id=member.id,
        challenge_hash=token_hash(challenge),
        expires_at=utcnow() + lifetime,
    )
    session.add(exchange)
    await session.commit()
    url = exchange_url(base_url, exchange.exchange_id)
    return OpenedExchange(url, deep_link(issuer_did, url, challenge), exchange.expires_at)


async def open_exchange_of(session: AsyncSession, workflow_id: str, exchange_id: str) -> VcApiExchange:
    """The exchange a request names, while it can still be answered."""
    exchange = None
    if workflow_id == WORKFLOW_ID:
        exchange = await session.scalar(select(VcApiExchange).where(VcApiExchange.exchange_id == exchange_id))
    if exchange is None:
        raise NotFound(f"no exchange {exchange_id} in workflow {workflow_id}")
    if exchange.used_at is not None:
        raise ExchangeComplete("this exchange was answered already: open the claim page for a new one")
    if exchange.expires_at <= utcnow():
        raise ExchangeExpired(
            f"this exchange expired at {exchange.expires_at.isoformat()}: open the claim page for a new one"
        )
    return exchange


async def presentation_request(session: AsyncSession, exchange: VcApiExchange, base_url: str) -> dict:
    """A request for DID Authentication, with a fresh challenge that replaces the exchange's
    last one (only its hash is kept, so a challenge is given out once). Commits."""
    challenge = new_challenge()
    exchange.challenge_hash = token_hash(challenge)
    await session.commit()
    return {
        "verifiablePresentationRequest": {
            "query": {"type": "DIDAuthentication", "acceptedMethods": [{"method": "key"}]},
            "challenge": challenge,
            "domain": base_url,
            "interact": {
                "service": [
                    {
                        "type": "UnmediatedHttpPresentationService2021",
                        "serviceEndpoint": exchange_url(base_url, exchange.exchange_id),
                    }
                ]
            },
        }
    }


@dataclass(frozen=True)
class Issuing:
    """What signing a badge needs beyond its rows."""

    agent: AgentClient
    issuers: Issuers
    base_url: str
    contexts: PinnedContextSet


async def answer_exchange(
    session: AsyncSession, exchange: VcApiExchange, presentation: Any, issuing: Issuing, *, asked_domain: bool
) -> dict:
    """Check the DID Authentication presentation, take the exchange's challenge, and answer with
    the member's badges for the proven DID (a presentation without proof). ``asked_domain``: the
    wallet had the exchange's request, which names the domain (the deep link names none)."""
    authentication = read_did_authentication(presentation)
    digest = token_hash(authentication.challenge)
    if digest != exchange.challenge_hash:
        other = await session.scalar(select(VcApiExchange).where(VcApiExchange.challenge_hash == digest))
        if other is not None and other.member_id != exchange.member_id:
            raise OtherMembersExchange("the presentation answers another member's exchange, not this one")
        raise PresentationRefused(
            "the proof's challenge is not the one this exchange gave (each request gives a new one)"
        )
    check_domain(authentication, issuing.base_url, required=asked_domain)
    await check_signature(issuing.agent, authentication)
    taken = cast(
        CursorResult[Any],
        await session.execute(
            update(VcApiExchange)
            .where(
                VcApiExchange.id == exchange.id,
                VcApiExchange.used_at.is_(None),
                VcApiExchange.challenge_hash == digest,
            )
            .values(used_at=utcnow(), holder_did=authentication.holder)
        ),
    )
    await session.commit()
    if taken.rowcount != 1:
        raise ExchangeComplete("this challenge was used already: ask the exchange for a new one")
    member = await session.get(Member, exchange.member_id)
    if member is None:
        raise NotFound("the exchange's member is gone")
    credentials = await pick_up(session, member, authentication.holder, issuing)
    record(
        session,
        member.sig_id,
        f"wallet:{authentication.holder}",
        "vcapi_exchange.answered",
        exchange.exchange_id,
        member_id=member.id,
        credentials=[credential.get("id") for credential in credentials],
    )
    await session.commit()
    return {"@context": [VCDM1], "type": ["VerifiablePresentation"], "verifiableCredential": credentials}


async def pick_up(session: AsyncSession, member: Member, holder: str, issuing: Issuing) -> list[dict]:
    """Every badge of the member that can travel as a JSON-LD credential: each one picked up
    through this channel by ``holder`` before (the same credential again), and each still
    waiting, signed now for ``holder``. Badges on their way or delivered elsewhere stay there."""
    badges = await session.scalars(select(Badge).where(Badge.member_id == member.id).order_by(Badge.id))
    credentials = []
    for badge in list(badges):
        if not badge_format(badge.format).can_be_file:
            continue  # an AnonCreds badge lives only in a DIDComm wallet
        if badge.delivery == VCAPI.name and badge.credential:
            if holder in subject_ids(badge.credential):
                credentials.append(badge.credential)
            continue
        if await claim_for_signing(session, badge):
            credentials.append(
                await sign_claimed(
                    session,
                    issuing.agent,
                    issuing.issuers,
                    issuing.base_url,
                    issuing.contexts,
                    badge,
                    member,
                    VCAPI,
                    holder,
                )
            )
    return credentials
