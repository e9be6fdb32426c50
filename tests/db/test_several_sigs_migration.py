"""Migration 0008 upgrades a single-SIG database: a slug for its SIG, its DIDs assigned to it, and
its status lists kept at the URLs its credentials carry. On SQLite and PostgreSQL."""

from sqlalchemy import text

from vc_service.db.engine import create_engine, session_factory
from vc_service.db.migrate import upgrade_to, upgrade_to_head
from vc_service.issuer.identity import ensure_issuers
from vc_service.settings import Settings
from vc_service.status.service import allocate_status
from vc_service.status.signing import published_status_list

from ..issuer.test_identity import FakeWallet

OLD_DID = "did:key:z6MkFake0"


async def test_a_single_sig_database_keeps_its_did_and_status_list_urls(database_url):
    engine = create_engine(database_url)
    await upgrade_to(engine, "0007")
    async with engine.begin() as connection:  # what a single-SIG service wrote before 0008
        await connection.execute(
            text(
                "INSERT INTO sigs (id, name, description, created_at) VALUES (1, 'Health Informatics SIG', '', CURRENT_TIMESTAMP)"
            )
        )
        await connection.execute(
            text("INSERT INTO issuer_dids (did, method, created_at) VALUES (:did, 'key', CURRENT_TIMESTAMP)"),
            {"did": OLD_DID},
        )
        for purpose in ("revocation", "suspension"):
            await connection.execute(
                text(
                    "INSERT INTO status_lists (sig_id, purpose, number, bits, updated_at) VALUES (1, :purpose, 1, :bits, CURRENT_TIMESTAMP)"
                ),
                {"purpose": purpose, "bits": bytes(16384)},
            )
        await connection.execute(
            text(
                "INSERT INTO credential_statuses (sig_id, credential_id, list_number, list_index, revoked, suspended, created_at) "
                "VALUES (1, 'urn:uuid:old', 1, 7, false, false, CURRENT_TIMESTAMP)"
            )
        )
    await upgrade_to_head(engine)
    sessions = session_factory(engine)

    wallet = FakeWallet()
    wallet.dids.append(OLD_DID)  # the agent's wallet, which holds the DID already
    issuer = await (await ensure_issuers(sessions, wallet, Settings(sig_name="Another name"))).first()
    assert (issuer.sig_id, issuer.slug, issuer.did, issuer.name) == (
        1,
        "health-informatics-sig",
        OLD_DID,
        "Health Informatics SIG",
    )
    assert wallet.dids == [OLD_DID]  # no new DID made

    async with sessions() as session:
        kept = await published_status_list(session, "revocation", 1, None)  # still at /status/revocation/1
        bind = session.bind
    assert kept.sig_id == 1
    old = await allocate_status(bind, 1, issuer.slug, "urn:uuid:old")
    new = await allocate_status(bind, 1, issuer.slug, "urn:uuid:new")
    assert (old.list_number, old.list_index, old.scope) == (1, 7, None)  # re-offered: the URL it had
    assert (new.list_number, new.scope) == (2, issuer.slug)  # new credentials: the SIG's own lists
    await engine.dispose()
