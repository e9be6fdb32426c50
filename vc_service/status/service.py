"""Status entries for issued credentials, status changes, and the signed status list credentials."""

import asyncio
import secrets
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from sqlalchemy import delete, func, insert, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from ..audit.service import record
from ..db.base import utcnow
from ..db.engine import sqlite_file_engine
from ..errors import Conflict, NotFound
from ..issuer.models import IssuerDid
from .bitstring import MIN_LIST_SIZE, empty_bitstring, encode_list, set_bit
from .models import INDEX_BLOCK_SIZE, STATUS_PURPOSES, CredentialStatus, StatusChange, StatusIndexBlock, StatusList

# A list takes new blocks until half its entries are claimed, so random picks of a block stay
# cheap and every list keeps plenty of unused entries around the used ones.
LIST_FILL_LIMIT = MIN_LIST_SIZE // 2
_RANDOM = secrets.SystemRandom()
ACTIONS = {"revoke": ("revoked", True), "suspend": ("suspended", True), "unsuspend": ("suspended", False)}


_status_changes = 0  # made by this process: what a cache of our own lists compares


def status_changes_made() -> int:
    """How many status changes this process has committed: a cache of our own lists' bits is
    stale once this moved on."""
    return _status_changes


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


class StatusNotFound(NotFound, LookupError):
    """A credential this SIG did not issue (or, for a credential it did, its missing status list)."""


async def _entry_ref(session: AsyncSession, status: CredentialStatus, sig_slug: str) -> StatusEntryRef:
    status_list = await session.scalar(
        select(StatusList).where(StatusList.sig_id == status.sig_id, StatusList.number == status.list_number).limit(1)
    )
    if status_list is None:  # the lists are created with the first entry in them
        raise StatusNotFound(f"no status list {status.list_number} of SIG {status.sig_id}")
    return StatusEntryRef(status.list_number, status.list_index, list_scope(status_list, sig_slug))


@dataclass
class HeldBlock:
    list_number: int
    indexes: list[int]  # the block's indexes not handed out yet, in random order


class StatusIndexBlocks:
    """The status indexes one controller hands out: from a block of the SIG's current list held
    in memory, a new block claimed when it runs out. A block is claimed in one transaction (and
    the list with it, when the last is full), so controllers sharing a database never hand out
    an index twice; what a stopped controller had left of its block stays unused."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._held: dict[int, HeldBlock] = {}  # by SIG id
        self._claiming: dict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def take(self, sig_id: int) -> tuple[int, int]:
        """An index no one was given: its list's number and the index."""
        async with self._claiming[sig_id]:
            held = self._held.get(sig_id)
            if held is None or not held.indexes:
                held = self._held[sig_id] = await self._claim(sig_id)
            return held.list_number, held.indexes.pop()

    def give_back(self, sig_id: int, list_number: int, index: int) -> None:
        """An index taken but not stored (its credential had an entry already): for the next one."""
        held = self._held.get(sig_id)
        if held is not None and held.list_number == list_number:
            held.indexes.append(index)

    async def _claim(self, sig_id: int) -> HeldBlock:
        """A free block, drawn at random, of the SIG's current list: never one at an unscoped URL;
        a new list, numbered after every list the SIG ever had, once the last is full."""
        of_sig = StatusList.sig_id == sig_id
        for _attempt in range(20):
            async with AsyncSession(self._engine) as session:
                # Both in one statement, one snapshot: read apart, a list another controller made
                # in between would make this one start the list after it.
                number, last = (
                    await session.execute(
                        select(
                            func.max(StatusList.number).filter(StatusList.unscoped_url.is_(False)),
                            func.max(StatusList.number),
                        ).where(of_sig)
                    )
                ).one()
                claimed: set[int] = set()
                if number is not None:
                    claimed = set(
                        await session.scalars(
                            select(StatusIndexBlock.block).where(
                                StatusIndexBlock.sig_id == sig_id, StatusIndexBlock.list_number == number
                            )
                        )
                    )
                if number is None or len(claimed) >= LIST_FILL_LIMIT // INDEX_BLOCK_SIZE:
                    number = (last or 0) + 1
                    claimed = set()
                    session.add_all(
                        StatusList(sig_id=sig_id, purpose=purpose, number=number, bits=bytes(empty_bitstring()))
                        for purpose in STATUS_PURPOSES
                    )
                block = _RANDOM.choice([b for b in range(MIN_LIST_SIZE // INDEX_BLOCK_SIZE) if b not in claimed])
                session.add(StatusIndexBlock(sig_id=sig_id, list_number=number, block=block))
                try:
                    await session.commit()
                except IntegrityError:
                    continue  # another controller claimed that block, or made that list, meanwhile: draw again
            indexes = list(range(block * INDEX_BLOCK_SIZE, (block + 1) * INDEX_BLOCK_SIZE))
            _RANDOM.shuffle(indexes)
            return HeldBlock(number, indexes)
        raise StatusError("could not claim a block of status list entries")


class PerEngine[Held]:
    """One ``Held`` for each engine: a controller's own (it has one engine)."""

    def __init__(self, make: Callable[[AsyncEngine], Held]) -> None:
        self._make = make
        self._held: WeakKeyDictionary[AsyncEngine, Held] = WeakKeyDictionary()

    def __call__(self, engine: AsyncEngine) -> Held:
        held = self._held.get(engine)
        if held is None:
            held = self._held[engine] = self._make(engine)
        return held


index_blocks = PerEngine(StatusIndexBlocks)  # the blocks held through an engine


async def _entry_of(session: AsyncSession, sig_id: int, sig_slug: str, credential_id: str) -> StatusEntryRef | None:
    """The entry the credential id was given already, if any (a re-offered badge keeps its entry)."""
    existing = await session.scalar(select(CredentialStatus).where(CredentialStatus.credential_id == credential_id))
    if existing is None:
        return None
    if existing.sig_id != sig_id:
        raise StatusError(f"the credential id {credential_id} is another SIG's: give the credential an id of its own")
    return await _entry_ref(session, existing, sig_slug)


async def allocate_status(bind: AsyncEngine, sig_id: int, sig_slug: str, credential_id: str) -> StatusEntryRef:
    """The credential's place in the SIG's status lists: drawn at random, never given out twice.

    Idempotent per credential id, so a re-offered badge keeps its entry. Runs in a session
    of its own, so a collision's rollback (a retry) touches nothing of the caller's.
    """
    blocks = index_blocks(bind)
    async with AsyncSession(bind, expire_on_commit=False) as session:
        for _attempt in range(20):
            existing = await _entry_of(session, sig_id, sig_slug, credential_id)
            if existing is not None:
                return existing
            number, index = await blocks.take(sig_id)
            session.add(
                CredentialStatus(sig_id=sig_id, credential_id=credential_id, list_number=number, list_index=index)
            )
            try:
                await session.commit()
            except IntegrityError:
                await session.rollback()  # the credential id was given an entry meanwhile: that one is its
                blocks.give_back(sig_id, number, index)
                continue
            return StatusEntryRef(number, index, sig_slug)
    raise StatusError("could not find a free status list entry")


async def reserve_status(
    session: AsyncSession, sig_id: int, sig_slug: str, credential_id: str, made_up_id: bool = False
) -> StatusEntryRef:
    """As ``allocate_status``, in the caller's transaction: stored by the caller's commit, with
    whatever else the request writes (one commit for a signature and its audit row; nothing if
    the signing fails). A concurrent request that stores the same credential id first makes that
    commit fail (``commit_while_signing``). An id this service just made up (a random UUID) has no
    entry yet: not looked for."""
    bind = session.bind
    if not isinstance(bind, AsyncEngine):  # the service's sessions are all bound to its engine (db/engine.py)
        raise TypeError("status entries are allocated through a session bound to an engine")
    existing = None if made_up_id else await _entry_of(session, sig_id, sig_slug, credential_id)
    if existing is not None:
        return existing
    number, index = await index_blocks(bind).take(sig_id)
    session.add(CredentialStatus(sig_id=sig_id, credential_id=credential_id, list_number=number, list_index=index))
    return StatusEntryRef(number, index, sig_slug)


async def commit_while_signing[T](session: AsyncSession, credential_id: str, signing: Awaitable[T]) -> T:
    """Store what the session added (the credential's status entry from ``reserve_status``, its
    audit row) while the agent signs, and give the signature.

    The durable write (on SQLite an fsync, most of the controller's own time on a signature,
    bench/MEASURED.md) then costs nothing the caller waits for. A signature that fails undoes
    the write (the rows are deleted), so nothing stays for a credential never signed; a write
    that fails on the credential id (a concurrent request stored its entry first) voids the
    signature: 409.
    """
    rows = list(session.new)
    bind = session.bind
    grouped = grouped_writes(bind) if isinstance(bind, AsyncEngine) else None
    if grouped is not None and grouped.writer is not None and not (session.dirty or session.deleted):
        for row in rows:  # the rows go to the SQLite file's grouped writes: the session keeps nothing
            session.expunge(row)
        write = asyncio.ensure_future(grouped.store(rows))
    else:  # PostgreSQL groups commits itself
        grouped = None
        write = asyncio.ensure_future(session.commit())
    try:
        signed = await signing
    except Exception:
        try:
            stored = await _stored(session, write)
        except SQLAlchemyError:
            await session.rollback()  # nothing was stored: the signature's failure is the answer
            stored = False
        if stored and grouped is not None:
            await grouped.delete(rows)
        elif stored:
            for row in rows:
                await session.delete(row)
            await session.commit()
        raise
    if not await _stored(session, write):
        raise StatusError(
            f"credential {credential_id} was issued by a concurrent request meanwhile: ask again for it with its entry"
        )
    return signed


async def _stored(session: AsyncSession, write: "asyncio.Future[None]") -> bool:
    """Whether the write went through; False (rolled back) when it broke a uniqueness rule."""
    try:
        await write
    except IntegrityError:
        await session.rollback()
        return False
    return True


class GroupedWrites:
    """One SQLite file's writes of new rows, one transaction (one fsync) for all that arrive
    while the one before is being written. SQLite has one writer at a time: rows that each
    committed on their own queued in its busy handler, which sleeps up to 100 ms between tries
    (16 clients signing: p95 0.6-0.9 s, at most 50-80 signatures a second, bench/MEASURED.md).
    A group that breaks a uniqueness rule is written again one request at a time, so only the
    request whose row clashes fails.

    A group is written by a blocking connection of its own in a worker thread, as plain
    INSERTs: aiosqlite sends each statement to its thread and back and the ORM's flush works
    out what a row needs, 2.0 ms of the controller's CPU for a signature's two rows against
    0.5 ms this way (bench/MEASURED.md). ``writer`` is None where that cannot be (not an
    SQLite file): the caller commits its own session."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.writer = sqlite_file_engine(engine)
        self._waiting: list[tuple[list, asyncio.Future[None]]] = []
        self._writing: asyncio.Task[None] | None = None

    async def store(self, rows: list) -> None:
        done = asyncio.get_running_loop().create_future()
        self._waiting.append((rows, done))
        if self._writing is None or self._writing.done():
            self._writing = asyncio.create_task(self._write_while_waiting())
        await done

    async def _write_while_waiting(self) -> None:
        while self._waiting:
            group, self._waiting = self._waiting, []
            try:
                await self._write([row for rows, _ in group for row in rows])
            except IntegrityError:
                for rows, done in group:  # each on its own: the clash is one request's
                    await self._settle(done, self._write(rows))
            except Exception as exc:  # the database failed all of them
                for _, done in group:
                    done.set_exception(exc)
            else:
                for _, done in group:
                    done.set_result(None)

    async def _write(self, rows: list) -> None:
        await asyncio.to_thread(self._insert, rows)

    def _insert(self, rows: list) -> None:
        """The rows in one transaction, one statement for the rows of a table that set the same
        columns; their ids set from it."""
        alike: dict[tuple, list] = defaultdict(list)
        for row in rows:
            values = _values(row)
            alike[(sa_inspect(row).mapper.local_table, *sorted(values))].append((row, values))
        assert self.writer is not None
        with self.writer.begin() as connection:
            for (table, *_columns), same in alike.items():
                ids = connection.execute(
                    insert(table).returning(table.c.id, sort_by_parameter_order=True), [values for _, values in same]
                ).scalars()
                for (row, _), row_id in zip(same, ids, strict=True):
                    row.id = row_id

    async def delete(self, rows: list) -> None:
        """Delete rows this stored (a signature failed): rare, so on their own."""
        await asyncio.to_thread(self._delete, rows)

    def _delete(self, rows: list) -> None:
        assert self.writer is not None
        with self.writer.begin() as connection:
            for row in rows:
                table = sa_inspect(row).mapper.local_table
                connection.execute(delete(table).where(table.c.id == row.id))

    @staticmethod
    async def _settle(done: "asyncio.Future[None]", write: Awaitable[None]) -> None:
        try:
            await write
        except Exception as exc:
            done.set_exception(exc)
        else:
            done.set_result(None)


def _values(row: object) -> dict:
    """A new ORM row's column values as set (the columns' defaults fill in the rest)."""
    state = sa_inspect(row)
    return {
        attribute.columns[0].key: state.dict[attribute.key]
        for attribute in state.mapper.column_attrs
        if attribute.key in state.dict
    }


grouped_writes = PerEngine(GroupedWrites)


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
    global _status_changes
    _status_changes += 1
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
    """For signing: a credential id in, its ``credentialStatus`` entries out, reserved in ``session``
    (``reserve_status``: stored when the caller commits)."""

    async def allocate(credential_id: str, made_up_id: bool) -> list[dict]:
        return status_entries(base_url, await reserve_status(session, sig_id, sig_slug, credential_id, made_up_id))

    return allocate
