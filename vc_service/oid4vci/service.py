"""The pre-authorized code flow, without HTTP: an offer for a member's badges not yet picked up,
its code traded once for an access token, nonces, and each credential request answered with one
badge in the asked format, bound to the key the wallet proved."""

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ..agent.client import AgentClient
from ..badges.models import Badge
from ..claims.files import claim_for_signing
from ..contexts.pinned import PinnedContextSet
from ..db.base import utcnow
from ..delivery.state import OID4VCI
from ..formats.labels import badge_label
from ..formats.ld_proof import StatusShape, badge_credential
from ..formats.models import FormatName
from ..issuance.signing import IssueOptions, sign_prepared
from ..issuer.identity import Issuer
from ..meetings.models import Meeting, Talk
from ..members.models import Member
from ..members.tokens import token_hash
from ..settings import Settings
from .errors import (
    CredentialRequestDenied,
    InvalidCredentialRequest,
    InvalidGrant,
    InvalidNonce,
    InvalidRequest,
    InvalidToken,
    UnknownConfiguration,
)
from .jwt_vc import sign_vc_jwt
from .metadata import FORMATS, LDP_PROOF_TYPE, LDP_VC, Configuration, configuration_format, configuration_id
from .models import Oid4vciCredential, Oid4vciGrant, Oid4vciNonce
from .proofs import check_proof

NONCE_SECONDS = 300


@dataclass(frozen=True)
class NewOffer:
    code: str  # the pre-authorized code, also the offer's short URL
    tx_code: str | None  # the PIN the member types into the wallet, if the setting asks for one
    configuration_ids: list[str]
    expires_at: datetime


@dataclass(frozen=True)
class TokenAnswer:
    access_token: str
    expires_in: int
    c_nonce: str


@dataclass(frozen=True)
class IssueContext:
    """What signing a badge needs beyond its rows."""

    agent: AgentClient
    issuer: Issuer
    issuer_id: str  # the credential issuer identifier, the proofs' audience
    base_url: str
    contexts: PinnedContextSet
    allow_reissue: bool


def _waiting(badge: Badge) -> bool:
    """Not issued on any channel, and not on its way over DIDComm: the files' rule (claims/files.py)."""
    return badge.sending_since is None and (
        badge.state == "pending" or (badge.state == "failed" and badge.cred_ex_id is None)
    )


async def _member_badges(session: AsyncSession, member: Member) -> list[Badge]:
    return list(
        await session.scalars(
            select(Badge)
            .where(Badge.member_id == member.id, Badge.format == FormatName.LD_PROOF, Badge.revoked_at.is_(None))
            .order_by(Badge.id)
        )
    )


async def _formats_issued(session: AsyncSession, badge_ids: list[int]) -> dict[int, set[str]]:
    rows = await session.execute(
        select(Oid4vciCredential.badge_id, Oid4vciCredential.format).where(Oid4vciCredential.badge_id.in_(badge_ids))
    )
    issued: dict[int, set[str]] = {}
    for badge_id, fmt in rows:
        issued.setdefault(badge_id, set()).add(fmt)
    return issued


async def sig_configurations(session: AsyncSession, sig_id: int) -> list[Configuration]:
    """The configurations of the SIG's metadata: each badge key its JSON-LD badges have (one
    meeting, talk or membership term) in both formats, named after its first badge."""
    first_of_each_key = (
        select(func.min(Badge.id))
        .where(Badge.sig_id == sig_id, Badge.format == FormatName.LD_PROOF, Badge.revoked_at.is_(None))
        .group_by(Badge.badge_key)
    )
    rows = await session.execute(
        select(Badge, Meeting, Talk)
        .outerjoin(Meeting, Badge.meeting_id == Meeting.id)
        .outerjoin(Talk, Badge.talk_id == Talk.id)
        .where(Badge.id.in_(first_of_each_key))
        .order_by(Badge.id)
    )
    return [
        Configuration(badge.badge_key, fmt, badge_label(badge, meeting, talk))
        for badge, meeting, talk in rows
        for fmt in FORMATS
    ]


async def offerable_configurations(session: AsyncSession, member: Member) -> list[str]:
    """Each of the member's badges not yet picked up, in every format; and the formats still
    missing of badges a wallet picked up through OpenID4VCI in the other format."""
    badges = await _member_badges(session, member)
    issued = await _formats_issued(session, [badge.id for badge in badges])
    wanted: list[str] = []
    for badge in badges:
        if _waiting(badge):
            missing = set(FORMATS)
        elif badge.delivery == OID4VCI.name:
            missing = set(FORMATS) - issued.get(badge.id, set())
        else:
            continue
        wanted += [configuration_id(badge.badge_key, fmt) for fmt in FORMATS if fmt in missing]
    return wanted


async def create_offer(session: AsyncSession, member: Member, settings: Settings) -> NewOffer | None:
    """A new offer of what the member has not picked up (None when nothing is left). Commits."""
    configurations = await offerable_configurations(session, member)
    if not configurations:
        return None
    now = utcnow()
    await session.execute(  # the member's spent offers: nothing refers to them any more
        delete(Oid4vciGrant).where(
            Oid4vciGrant.member_id == member.id,
            or_(
                Oid4vciGrant.token_expires_at < now,
                and_(Oid4vciGrant.code_used_at.is_(None), Oid4vciGrant.code_expires_at < now),
            ),
        )
    )
    code = secrets.token_urlsafe(16)
    digits = settings.oid4vci_tx_code_digits
    tx_code = "".join(secrets.choice("0123456789") for _ in range(digits)) if digits else None
    expires_at = now + timedelta(seconds=settings.oid4vci_code_ttl_seconds)
    session.add(
        Oid4vciGrant(
            sig_id=member.sig_id,
            member_id=member.id,
            code_hash=token_hash(code),
            tx_code_hash=token_hash(tx_code) if tx_code else None,
            configurations=dict.fromkeys(configurations, False),
            code_expires_at=expires_at,
        )
    )
    await session.commit()
    return NewOffer(code, tx_code, configurations, expires_at)


async def offer_grant(session: AsyncSession, code: str) -> Oid4vciGrant:
    """The grant behind an offer's short URL, while its code can still be traded."""
    grant = await session.scalar(select(Oid4vciGrant).where(Oid4vciGrant.code_hash == token_hash(code)))
    if grant is None or grant.code_used_at is not None or grant.code_expires_at <= utcnow():
        raise InvalidGrant("this credential offer is unknown, used or expired: open your claim page for a new one")
    return grant


async def new_nonce(session: AsyncSession) -> str:
    nonce, now = secrets.token_urlsafe(24), utcnow()
    await session.execute(delete(Oid4vciNonce).where(Oid4vciNonce.expires_at < now))  # a few minutes' worth stay
    session.add(Oid4vciNonce(nonce_hash=token_hash(nonce), expires_at=now + timedelta(seconds=NONCE_SECONDS)))
    await session.commit()
    return nonce


async def _consume_nonce(session: AsyncSession, nonce: str) -> None:
    """Once only, and before it expires; the refusal carries a fresh one (the routes add it)."""
    now = utcnow()
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(Oid4vciNonce)
            .where(
                Oid4vciNonce.nonce_hash == token_hash(nonce),
                Oid4vciNonce.used_at.is_(None),
                Oid4vciNonce.expires_at > now,
            )
            .values(used_at=now)
        ),
    )
    if result.rowcount != 1:
        await session.rollback()
        raise InvalidNonce("the proof's nonce is unknown, used already or expired: use the c_nonce given here")
    await session.commit()


async def exchange_code(
    session: AsyncSession, code: str | None, tx_code: str | None, settings: Settings
) -> TokenAnswer:
    """The token endpoint: a pre-authorized code, once, for an access token. A wrong PIN voids the
    code (a PIN of a few digits must not be guessed by trying). Commits."""
    if not code:
        raise InvalidRequest("pre-authorized_code is missing")
    grant = await session.scalar(select(Oid4vciGrant).where(Oid4vciGrant.code_hash == token_hash(code)))
    now = utcnow()
    if grant is None:
        raise InvalidGrant("unknown pre-authorized code")
    if grant.code_used_at is not None:
        raise InvalidGrant("this pre-authorized code has been used already: open your claim page for a new offer")
    if grant.code_expires_at <= now:
        raise InvalidGrant("this pre-authorized code has expired: open your claim page for a new offer")
    if grant.tx_code_hash is None and tx_code is not None:
        raise InvalidRequest("this offer asks for no tx_code")
    if grant.tx_code_hash is not None and not tx_code:
        raise InvalidRequest("this offer needs its tx_code (the PIN shown beside the QR code)")
    access_token = secrets.token_urlsafe(32)
    wrong_pin = grant.tx_code_hash is not None and not secrets.compare_digest(
        grant.tx_code_hash, token_hash(tx_code or "")
    )
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(Oid4vciGrant)
            .where(Oid4vciGrant.id == grant.id, Oid4vciGrant.code_used_at.is_(None))
            .values(
                code_used_at=now,
                token_hash=None if wrong_pin else token_hash(access_token),
                token_expires_at=None if wrong_pin else now + timedelta(seconds=settings.oid4vci_code_ttl_seconds),
            )
        ),
    )
    await session.commit()
    if result.rowcount != 1:
        raise InvalidGrant("this pre-authorized code has been used already: open your claim page for a new offer")
    if wrong_pin:
        raise InvalidGrant("wrong tx_code: this offer is void now; open your claim page for a new one")
    return TokenAnswer(access_token, settings.oid4vci_code_ttl_seconds, await new_nonce(session))


async def token_grant(session: AsyncSession, access_token: str | None) -> Oid4vciGrant:
    if not access_token:
        raise InvalidToken("the credential endpoint needs an access token (Authorization: Bearer)")
    grant = await session.scalar(select(Oid4vciGrant).where(Oid4vciGrant.token_hash == token_hash(access_token)))
    if grant is None or grant.token_expires_at is None:
        raise InvalidToken("unknown access token")
    if grant.token_expires_at <= utcnow():
        raise InvalidToken("this access token has expired: open your claim page for a new offer")
    if all(grant.configurations.values()):
        raise InvalidToken("this access token has been used for every credential it was offered")
    return grant


async def requested_configuration(
    session: AsyncSession, grant: Oid4vciGrant, requested: object, fmt: str | None
) -> str:
    """The 1.0 request names its configuration; a draft-14 request only a format, which takes the
    first configuration of the offer in that format that the token has not been used for."""
    if requested is None:
        found = next(
            (cid for cid, used in grant.configurations.items() if not used and configuration_format(cid) == fmt),
            None,
        )
        if found is None:
            raise InvalidCredentialRequest(f"this access token has no {fmt} credential left to give")
        return found
    if not isinstance(requested, str) or requested not in grant.configurations:
        known = {c.id for c in await sig_configurations(session, grant.sig_id)}
        if not isinstance(requested, str) or requested not in known:
            raise UnknownConfiguration(f"unknown credential configuration {str(requested)[:100]!r}")
        raise InvalidCredentialRequest(f"{requested} is not in the offer this access token was given for")
    if grant.configurations[requested]:
        raise InvalidToken(f"this access token has been used for {requested} already")
    return requested


async def _credential_of(session: AsyncSession, badge_id: int, fmt: str, holder_did: str) -> Oid4vciCredential | None:
    return await session.scalar(
        select(Oid4vciCredential).where(
            Oid4vciCredential.badge_id == badge_id,
            Oid4vciCredential.format == fmt,
            Oid4vciCredential.holder_did == holder_did,
        )
    )


async def _badge_for(
    session: AsyncSession, member: Member, requested: str, fmt: str, holder_did: str, allow_reissue: bool
) -> Badge:
    """The member's badge of the configuration, if this key may have it in this format: the key
    has it already (the stored credential is given again), or picked it up in the other format
    (both formats of one badge), or it is waiting (taken from the worker here), or, with re-issue
    allowed, another key picked it up."""
    badge = next(
        (b for b in await _member_badges(session, member) if configuration_id(b.badge_key, fmt) == requested), None
    )
    if badge is None:
        raise CredentialRequestDenied(f"{requested} names no badge of the member this offer was for")
    holders = await session.execute(
        select(Oid4vciCredential.format, Oid4vciCredential.holder_did).where(Oid4vciCredential.badge_id == badge.id)
    )
    picked = set(holders.tuples())
    if (fmt, holder_did) in picked:  # an earlier offer's answer to this key: the same credential again
        return badge
    not_in_this_format = badge.delivery == OID4VCI.name and (fmt, holder_did) not in picked
    if not_in_this_format and holder_did in {holder for _fmt, holder in picked}:
        return badge
    if _waiting(badge) and await claim_for_signing(session, badge):
        await session.refresh(badge)
        return badge
    if allow_reissue and not_in_this_format:
        return badge
    raise CredentialRequestDenied(
        f"this {badge.kind} badge is not left for this wallet key: each badge goes to one wallet"
        + ("" if allow_reissue else " (an organizer may allow a re-issue)")
    )


async def _sign(
    session: AsyncSession, badge: Badge, member: Member, fmt: str, holder_did: str, context: IssueContext
) -> str:
    # One status entry (revocation), as an object: Credo's VCDM 1.1 model refuses a list, as ACA-Py's does.
    credential = await badge_credential(
        session,
        badge,
        member,
        issuer=context.issuer,
        base_url=context.base_url,
        subject_did=holder_did,
        status=StatusShape.REVOCATION,
    )
    if fmt == LDP_VC:
        signed = await sign_prepared(
            context.agent, credential, context.contexts, IssueOptions(proofType=LDP_PROOF_TYPE)
        )
        return json.dumps(signed)
    return await sign_vc_jwt(context.agent, credential, context.issuer)


async def issue_credential(
    session: AsyncSession,
    grant: Oid4vciGrant,
    requested: str,
    proof: object,
    context: IssueContext,
) -> str | dict:
    """The badge of the configuration, bound to the proof's key: the JSON-LD credential, or the VC-JWT. Commits."""
    fmt = configuration_format(requested)
    if fmt is None:  # offers name only configurations of ours
        raise InvalidCredentialRequest(f"{requested} names no format of this issuer")
    proven = check_proof(proof, context.issuer_id)
    await _consume_nonce(session, proven.nonce)
    member = await session.get(Member, grant.member_id)
    if member is None:
        raise InvalidToken("the member this offer was for is gone")
    badge = await _badge_for(session, member, requested, fmt, proven.holder_did, context.allow_reissue)
    try:
        stored = await _credential_of(session, badge.id, fmt, proven.holder_did)
        text = stored.credential if stored else await _sign(session, badge, member, fmt, proven.holder_did, context)
    except Exception:
        if badge.sending_since is not None:
            badge.sending_since = None  # release it: the worker or another request may try again
            await session.commit()
        raise
    if stored is None:
        session.add(Oid4vciCredential(badge_id=badge.id, format=fmt, holder_did=proven.holder_did, credential=text))
    if badge.state != "issued":
        badge.sending_since = None
        OID4VCI.mark_delivered(badge, json.loads(text) if fmt == LDP_VC else None)
    grant.configurations = {**grant.configurations, requested: True}
    try:
        await session.commit()
    except IntegrityError:  # the same key's concurrent request stored it first: that one is the credential
        await session.rollback()
        stored = await _credential_of(session, badge.id, fmt, proven.holder_did)
        if stored is None:
            raise
        text = stored.credential
    return json.loads(text) if fmt == LDP_VC else text
