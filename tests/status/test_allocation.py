"""Status list entries: random, unique, stable per credential, per SIG; on SQLite and PostgreSQL."""

import asyncio

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError, OperationalError

from vc_service.audit.models import AuditEvent
from vc_service.audit.service import record
from vc_service.db.engine import create_engine, session_factory
from vc_service.db.migrate import upgrade_to_head
from vc_service.issuer.identity import ensure_issuers
from vc_service.settings import Settings
from vc_service.sig.service import create_sig
from vc_service.status import service as status_service
from vc_service.status.bitstring import MIN_LIST_SIZE, empty_bitstring, get_bit
from vc_service.status.models import (
    INDEX_BLOCK_SIZE,
    STATUS_PURPOSES,
    CredentialStatus,
    StatusIndexBlock,
    StatusList,
)
from vc_service.status.service import (
    LIST_FILL_LIMIT,
    GroupedWrites,
    StatusEntryRef,
    StatusError,
    allocate_status,
    change_status,
    commit_while_signing,
    reserve_status,
    status_entries,
)

from ..issuer.test_identity import FakeWallet
from ..support import create_database


async def first_issuer(sessions):
    return await (await ensure_issuers(sessions, FakeWallet(), Settings())).first()


async def test_entries_are_unique_random_and_stable(sessions):
    issuer = await first_issuer(sessions)
    async with sessions() as session:
        bind = session.bind
    refs = [await allocate_status(bind, issuer.sig_id, issuer.slug, f"urn:uuid:{n}") for n in range(40)]
    assert len({ref.list_index for ref in refs}) == 40
    assert sorted(ref.list_index for ref in refs) != [ref.list_index for ref in refs]  # not handed out in order
    assert await allocate_status(bind, issuer.sig_id, issuer.slug, "urn:uuid:7") == refs[7]


async def test_a_revocation_flips_its_bit_and_is_recorded(sessions):
    issuer = await first_issuer(sessions)
    async with sessions() as session:
        ref = await allocate_status(session.bind, issuer.sig_id, issuer.slug, "urn:uuid:r")
        await change_status(session, issuer.sig_id, "urn:uuid:r", "revoke", "issued by mistake", "organizer")
        lists = {
            row.purpose: row
            for row in await session.scalars(select(StatusList).where(StatusList.number == ref.list_number))
        }
    assert get_bit(lists["revocation"].bits, ref.list_index)
    assert not get_bit(lists["suspension"].bits, ref.list_index)


async def test_each_sig_numbers_its_own_lists_and_keeps_its_credential_ids(sessions):
    issuer = await first_issuer(sessions)
    async with sessions() as session:
        other = await create_sig(session, "Other SIG")
        bind = session.bind
    mine = await allocate_status(bind, issuer.sig_id, issuer.slug, "urn:uuid:mine")
    theirs = await allocate_status(bind, other.id, other.slug, "urn:uuid:theirs")
    assert (mine.list_number, mine.scope, theirs.list_number, theirs.scope) == (1, issuer.slug, 1, "other-sig")
    with pytest.raises(StatusError, match="urn:uuid:mine is another SIG's"):
        await allocate_status(bind, other.id, other.slug, "urn:uuid:mine")
    async with sessions() as session:
        with pytest.raises(LookupError):  # one SIG cannot revoke another's credential
            await change_status(session, other.id, "urn:uuid:mine", "revoke", "not mine", "organizer")


async def test_lists_published_before_sigs_had_urls_keep_them_and_take_no_new_entries(sessions):
    issuer = await first_issuer(sessions)
    async with sessions() as session:  # what migration 0008 leaves of a single-SIG database's list 1
        session.add_all(
            StatusList(
                sig_id=issuer.sig_id, purpose=purpose, number=1, bits=bytes(empty_bitstring()), unscoped_url=True
            )
            for purpose in STATUS_PURPOSES
        )
        await session.commit()
        bind = session.bind
    new = await allocate_status(bind, issuer.sig_id, issuer.slug, "urn:uuid:new")
    assert (new.list_number, new.scope) == (2, issuer.slug)  # numbers are never reused
    async with sessions() as session:
        sizes = {len(bits) * 8 for bits in await session.scalars(select(StatusList.bits))}
    assert sizes == {MIN_LIST_SIZE}


async def signature(value: str = "signed") -> str:
    return value


async def failed_signature() -> str:
    await asyncio.sleep(0.05)  # fails after the commit went through: the commit is undone
    raise RuntimeError("the agent could not sign")


async def test_a_reserved_entry_is_stored_with_its_signature_or_not_at_all(sessions):
    issuer = await first_issuer(sessions)
    async with sessions() as session:
        await reserve_status(session, issuer.sig_id, issuer.slug, "urn:uuid:signing-failed")
        record(session, issuer.sig_id, "organizer", "credential.issued", "urn:uuid:signing-failed")
        with pytest.raises(RuntimeError, match="could not sign"):
            await commit_while_signing(session, "urn:uuid:signing-failed", failed_signature())
        kept = await reserve_status(session, issuer.sig_id, issuer.slug, "urn:uuid:signed")
        assert await commit_while_signing(session, "urn:uuid:signed", signature()) == "signed"
    async with sessions() as session:
        stored = set(await session.scalars(select(CredentialStatus.credential_id)))
        assert stored == {"urn:uuid:signed"}
        assert "urn:uuid:signing-failed" not in set(await session.scalars(select(AuditEvent.subject)))  # undone too
        assert await reserve_status(session, issuer.sig_id, issuer.slug, "urn:uuid:signed") == kept  # stable
        made_up = await reserve_status(session, issuer.sig_id, issuer.slug, "urn:uuid:new", made_up_id=True)
        await commit_while_signing(session, "urn:uuid:new", signature())
        assert made_up != kept  # not looked for, a new entry all the same


async def test_a_failed_signature_stays_the_answer_when_the_commit_fails_too(sessions, monkeypatch):
    issuer = await first_issuer(sessions)
    async with sessions() as session:
        await reserve_status(session, issuer.sig_id, issuer.slug, "urn:uuid:neither")

        async def broken_commit() -> None:
            raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

        monkeypatch.setattr(session, "commit", broken_commit)
        with pytest.raises(RuntimeError, match="could not sign"):
            await commit_while_signing(session, "urn:uuid:neither", failed_signature())
    async with sessions() as session:
        assert list(await session.scalars(select(CredentialStatus.credential_id))) == []


async def test_the_second_of_two_concurrent_reservations_of_one_credential_id_is_a_conflict(sessions):
    issuer = await first_issuer(sessions)
    async with sessions() as first, sessions() as second:
        mine = await reserve_status(first, issuer.sig_id, issuer.slug, "urn:uuid:twice")
        theirs = await reserve_status(second, issuer.sig_id, issuer.slug, "urn:uuid:twice")
        assert mine != theirs  # neither saw the other's: both signed with their own entry
        await commit_while_signing(second, "urn:uuid:twice", signature())
        with pytest.raises(StatusError, match="concurrent request") as conflict:
            await commit_while_signing(first, "urn:uuid:twice", signature())
    assert conflict.value.status_code == 409
    async with sessions() as session:
        (stored,) = await session.scalars(
            select(CredentialStatus).where(CredentialStatus.credential_id == "urn:uuid:twice")
        )
    assert (stored.list_number, stored.list_index) == (theirs.list_number, theirs.list_index)


def test_entries_name_both_purposes_at_their_lists_url():
    entries = status_entries("https://sig.example.org", StatusEntryRef(1, 42, "health"))
    assert [(e["statusPurpose"], e["statusListIndex"], e["statusListCredential"]) for e in entries] == [
        ("revocation", "42", "https://sig.example.org/status/health/revocation/1"),
        ("suspension", "42", "https://sig.example.org/status/health/suspension/1"),
    ]
    unscoped = status_entries("https://sig.example.org", StatusEntryRef(1, 42, None), ("revocation",))
    assert unscoped[0]["id"] == "https://sig.example.org/status/revocation/1#42"


async def test_two_controllers_on_one_database_never_hand_out_an_index_twice(sessions, database_url, monkeypatch):
    """Two engines are two controllers: each claims blocks of its own and hands out from them.
    Both draw the lowest free block, so each claim races the other controller's."""
    issuer = await first_issuer(sessions)
    monkeypatch.setattr(status_service._RANDOM, "choice", lambda free: free[0])
    engines = [create_engine(database_url), create_engine(database_url)]
    in_flight = asyncio.Semaphore(8)  # within SQLite's busy timeout for the writers waiting their turn

    async def allocate(n: int) -> StatusEntryRef:
        async with in_flight:
            return await allocate_status(engines[n % 2], issuer.sig_id, issuer.slug, f"urn:uuid:both-{n}")

    try:
        refs = await asyncio.gather(*(allocate(n) for n in range(3 * INDEX_BLOCK_SIZE)))
    finally:
        for engine in engines:
            await engine.dispose()
    assert len({(ref.list_number, ref.list_index) for ref in refs}) == 3 * INDEX_BLOCK_SIZE
    async with sessions() as session:
        blocks = (await session.execute(select(StatusIndexBlock.list_number, StatusIndexBlock.block))).all()
    assert sorted(blocks) == [(1, block) for block in range(len(blocks))]  # none claimed twice
    assert len(blocks) >= 4  # at least two each
    assert {(ref.list_number, ref.list_index // INDEX_BLOCK_SIZE) for ref in refs} <= set(blocks)


async def test_a_list_takes_blocks_until_half_its_entries_are_claimed(sessions):
    issuer = await first_issuer(sessions)
    async with sessions() as session:
        bind = session.bind
        session.add_all(  # list 1 full but for one block
            StatusIndexBlock(sig_id=issuer.sig_id, list_number=1, block=block)
            for block in range(LIST_FILL_LIMIT // INDEX_BLOCK_SIZE - 1)
        )
        session.add_all(
            StatusList(sig_id=issuer.sig_id, purpose=purpose, number=1, bits=bytes(empty_bitstring()))
            for purpose in STATUS_PURPOSES
        )
        await session.commit()
    refs = [
        await allocate_status(bind, issuer.sig_id, issuer.slug, f"urn:uuid:fill-{n}")
        for n in range(INDEX_BLOCK_SIZE + 1)
    ]
    assert [ref.list_number for ref in refs] == [1] * INDEX_BLOCK_SIZE + [2]
    assert refs[0].list_index // INDEX_BLOCK_SIZE >= LIST_FILL_LIMIT // INDEX_BLOCK_SIZE - 1  # the free one


async def test_grouped_writes_share_a_transaction_and_a_clash_fails_only_its_own_request(tmp_path):
    engine = create_engine(create_database("sqlite", tmp_path))
    await upgrade_to_head(engine)
    sessions = session_factory(engine)
    issuer = await first_issuer(sessions)
    writes = GroupedWrites(engine)
    assert writes.writer is not None  # an SQLite file
    commits = []
    event.listen(writes.writer, "commit", lambda connection: commits.append(1))

    def rows(credential_id: str, index: int) -> list:
        return [
            CredentialStatus(sig_id=issuer.sig_id, credential_id=credential_id, list_number=1, list_index=index),
            AuditEvent(sig_id=issuer.sig_id, actor="a", action="credential.issued", subject=credential_id, detail={}),
        ]

    written = [rows(f"urn:uuid:{n}", n) for n in range(10)]
    await asyncio.gather(*(writes.store(group) for group in written))
    assert 1 <= len(commits) < 10  # those that came while one was written went in the next, together
    outcomes = await asyncio.gather(
        writes.store(rows("urn:uuid:a", 100)), writes.store(rows("urn:uuid:3", 101)), return_exceptions=True
    )
    assert outcomes[0] is None and isinstance(outcomes[1], IntegrityError)  # urn:uuid:3 has its entry
    with pytest.raises(IntegrityError):  # the writer's own connection enforces foreign keys too
        await writes.store([CredentialStatus(sig_id=999999, credential_id="urn:uuid:x", list_number=1, list_index=7)])
    async with sessions() as session:
        stored = set(await session.scalars(select(CredentialStatus.credential_id)))
        audited = list(await session.scalars(select(AuditEvent).where(AuditEvent.actor == "a")))
    assert stored == {f"urn:uuid:{n}" for n in range(10)} | {"urn:uuid:a"}
    assert {event.subject for event in audited} == stored and all(event.at is not None for event in audited)
    # Each row was given the id it was stored under, so a failed signature's rows can be deleted.
    by_id = {event.id: event.subject for event in audited}
    assert all(by_id[group[1].id] == group[0].credential_id for group in written)
    await writes.delete(written[0])
    async with sessions() as session:
        assert "urn:uuid:0" not in set(await session.scalars(select(CredentialStatus.credential_id)))
        assert "urn:uuid:0" not in set(await session.scalars(select(AuditEvent.subject).where(AuditEvent.actor == "a")))
    await engine.dispose()


async def test_grouped_writes_are_for_sqlite_files_only(database_url):
    """PostgreSQL (or an SQLite database in memory) commits the request's own session instead."""
    engine = create_engine(database_url)
    assert (GroupedWrites(engine).writer is not None) == database_url.startswith("sqlite")
    assert GroupedWrites(create_engine("sqlite+aiosqlite:///:memory:")).writer is None
    await engine.dispose()
