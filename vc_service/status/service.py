"""Status entries for issued credentials, status changes, and the signed status list credentials."""

import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from ..audit.service import record
from ..db.base import utcnow
from ..errors import Conflict, NotFound
from ..issuer.models import IssuerDid
from .bitstring import MIN_LIST_SIZE, empty_bitstring, encode_list, set_bit
from .models import STATUS_PURPOSES, CredentialStatus, StatusChange, StatusList

# A list takes new credentials until half its entries are used, so random picks stay cheap
# and every list keeps plenty of unused entries around each used one.
LIST_FILL_LIMIT = MIN_LIST_SIZE // 2
ACTIONS = {"revoke": ("revoked", True), "suspend": ("suspended", True), "unsuspend": ("suspended", False)}


class StatusError(Conflict):
    """A status change that cannot be made (unknown credential, revoked already, ...)."""


@dataclass(frozen=True)
class StatusEntryRef:
    list_number: int
    list_index: int
    scope: str | None  # the slug of the SIG in the list's URL; None for a list at an unscoped URL


def status_list_url(base_url: str, scope: str | None, purpose: str, number: int) -> str:
    return f"{base_url}/status/{scope}/{purpose}/{number}" if scope else f"{base_url}/status/{purpose}/{number}"


def list_scope(status_list: StatusList, sig_slug: str) -> str | None:
    return None if status_list.unscoped_url else sig_slug


def status_entries(base_url: str, ref: StatusEntryRef, purposes: tuple[str, ...] = STATUS_PURPOSES) -> list[dict]:
    """The credential's ``credentialStatus``: one BitstringStatusListEntry per purpose."""
    return [
        {
            "id": f"{status_list_url(base_url, ref.scope, purpose, ref.list_number)}#{ref.list_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": str(ref.list_index),
            "statusListCredential": status_list_url(base_url, ref.scope, purpose, ref.list_number),
        }
        for purpose in purposes
    ]


async def _current_list_number(session: AsyncSession, sig_id: int) -> int:
    """The SIG's list taking new entries: never one at an unscoped URL; a new one, numbered after
    every list the SIG ever had, once the last is full."""
    of_sig = StatusList.sig_id == sig_id
    number = await session.scalar(select(func.max(StatusList.number)).where(of_sig, StatusList.unscoped_url.is_(False)))
    full = False
    if number is not None:
        used = await session.execute(
            select(func.count())
            .select_from(CredentialStatus)
            .where(CredentialStatus.sig_id == sig_id, CredentialStatus.list_number == number)
        )
        full = LIST_FILL_LIMIT <= used.scalar_one()  # a count is always one row
    if number is None or full:
        number = (await session.scalar(select(func.max(StatusList.number)).where(of_sig)) or 0) + 1
        session.add_all(
            StatusList(sig_id=sig_id, purpose=purpose, number=number, bits=bytes(empty_bitstring()))
            for purpose in STATUS_PURPOSES
        )
        await session.flush()
    return number


class StatusNotFound(NotFound, LookupError):
    """A credential this SIG did not issue (or, for a credential it did, its missing status list)."""


async def _entry_ref(session: AsyncSession, status: CredentialStatus, sig_slug: str) -> StatusEntryRef:
    status_list = await session.scalar(
        select(StatusList).where(StatusList.sig_id == status.sig_id, StatusList.number == status.list_number).limit(1)
    )
    if status_list is None:  # the lists are created with the first entry in them
        raise StatusNotFound(f"no status list {status.list_number} of SIG {status.sig_id}")
    return StatusEntryRef(status.list_number, status.list_index, list_scope(status_list, sig_slug))


async def allocate_status(bind: AsyncEngine, sig_id: int, sig_slug: str, credential_id: str) -> StatusEntryRef:
    """The credential's place in the SIG's status lists: drawn at random, never given out twice.

    Idempotent per credential id, so a re-offered badge keeps its entry. Runs in a session
    of its own, so a collision's rollback (a retry) touches nothing of the caller's.
    """
    async with AsyncSession(bind, expire_on_commit=False) as session:
        for _attempt in range(20):
            existing = await session.scalar(
                select(CredentialStatus).where(CredentialStatus.credential_id == credential_id)
            )
            if existing is not None:
                if existing.sig_id != sig_id:
                    raise StatusError(
                        f"the credential id {credential_id} is another SIG's: give the credential an id of its own"
                    )
                return await _entry_ref(session, existing, sig_slug)
            number = await _current_list_number(session, sig_id)
            status = CredentialStatus(
                sig_id=sig_id,
                credential_id=credential_id,
                list_number=number,
                list_index=secrets.randbelow(MIN_LIST_SIZE),
            )
            session.add(status)
            try:
                await session.commit()
            except IntegrityError:
                await session.rollback()  # index or list number taken meanwhile: draw again
                continue
            return StatusEntryRef(status.list_number, status.list_index, sig_slug)
    raise StatusError("could not find a free status list entry")


async def recorded_status(session: AsyncSession, credential_id: str, issuer_did: str) -> CredentialStatus | None:
    """The status this service keeps for a credential it issued under ``issuer_did`` (a DID of
    the credential's SIG), whether or not the credential carries a status entry."""
    return await session.scalar(
        select(CredentialStatus)
        .join(IssuerDid, IssuerDid.sig_id == CredentialStatus.sig_id)
        .where(CredentialStatus.credential_id == credential_id, IssuerDid.did == issuer_did)
    )


async def change_status(
    session: AsyncSession, sig_id: int, credential_id: str, action: str, reason: str, actor: str
) -> CredentialStatus:
    """Revoke, suspend or unsuspend; flips the list's bit and records who, when and why. Commits."""
    status = await session.scalar(
        select(CredentialStatus).where(
            CredentialStatus.sig_id == sig_id, CredentialStatus.credential_id == credential_id
        )
    )
    if status is None:
        raise StatusNotFound(f"no credential {credential_id} issued by this SIG")
    if status.revoked:
        raise StatusError(f"credential {credential_id} is revoked; revocation is final")
    field, value = ACTIONS[action]
    purpose = "revocation" if field == "revoked" else "suspension"
    status_list = await session.scalar(
        select(StatusList)
        .where(StatusList.sig_id == sig_id, StatusList.purpose == purpose, StatusList.number == status.list_number)
        .with_for_update()
    )
    if status_list is None:  # the lists are created with the first entry in them
        raise StatusNotFound(f"no {purpose} status list {status.list_number} of SIG {sig_id}")
    bits = bytearray(status_list.bits)
    set_bit(bits, status.list_index, value)
    status_list.bits = bytes(bits)
    status_list.credential = None  # re-signed before it is served again
    setattr(status, field, value)
    session.add(
        StatusChange(credential_id=credential_id, action=action, reason=reason, actor=actor, changed_at=utcnow())
    )
    record(session, sig_id, actor, f"credential.{action}", credential_id, reason=reason)
    await session.commit()
    return status


def status_list_document(base_url: str, sig_slug: str, status_list: StatusList) -> dict:
    """The unsigned BitstringStatusListCredential (VCDM 2.0) for the list's current bits."""
    url = status_list_url(base_url, list_scope(status_list, sig_slug), status_list.purpose, status_list.number)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": status_list.purpose,
            "encodedList": encode_list(status_list.bits),
        },
    }


def status_allocator(session: AsyncSession, sig_id: int, sig_slug: str, base_url: str):
    """For signing: a credential id in, its ``credentialStatus`` entries out."""

    async def allocate(credential_id: str) -> list[dict]:
        bind = session.bind
        if not isinstance(bind, AsyncEngine):  # the service's sessions are all bound to its engine (db/engine.py)
            raise TypeError("status entries are allocated through a session bound to an engine")
        return status_entries(base_url, await allocate_status(bind, sig_id, sig_slug, credential_id))

    return allocate
