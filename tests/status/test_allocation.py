"""Status list entries: random, unique, stable per credential; on SQLite and PostgreSQL."""

from sqlalchemy import select

from vc_service.status.models import StatusList
from vc_service.status.service import allocate_status, change_status, status_entries
from vc_service.status.bitstring import get_bit

from ..issuer.test_identity import FakeWallet
from vc_service.issuer.identity import ensure_issuer
from vc_service.settings import Settings


async def test_entries_are_unique_random_and_stable(sessions):
    async with sessions() as session:
        issuer = await ensure_issuer(sessions, FakeWallet(), Settings())
        bind = session.bind
    refs = [await allocate_status(bind, issuer.sig_id, f"urn:uuid:{n}") for n in range(40)]
    assert len({ref.list_index for ref in refs}) == 40
    assert sorted(ref.list_index for ref in refs) != [ref.list_index for ref in refs]  # not handed out in order
    assert await allocate_status(bind, issuer.sig_id, "urn:uuid:7") == refs[7]


async def test_a_revocation_flips_its_bit_and_is_recorded(sessions):
    issuer = await ensure_issuer(sessions, FakeWallet(), Settings())
    async with sessions() as session:
        ref = await allocate_status(session.bind, issuer.sig_id, "urn:uuid:r")
        await change_status(session, issuer.sig_id, "urn:uuid:r", "revoke", "issued by mistake", "organizer")
        lists = {
            row.purpose: row for row in await session.scalars(select(StatusList).where(StatusList.number == ref.list_number))
        }
    assert get_bit(lists["revocation"].bits, ref.list_index)
    assert not get_bit(lists["suspension"].bits, ref.list_index)


def test_entries_name_both_purposes():
    from vc_service.status.service import StatusEntryRef

    entries = status_entries("https://sig.example.org", StatusEntryRef(1, 42))
    assert [(e["statusPurpose"], e["statusListIndex"], e["statusListCredential"]) for e in entries] == [
        ("revocation", "42", "https://sig.example.org/status/revocation/1"),
        ("suspension", "42", "https://sig.example.org/status/suspension/1"),
    ]
