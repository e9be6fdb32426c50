"""Migration 0017 marks claimed every block holding an index handed out before blocks, so a
block given out afterwards holds none of them. On SQLite and PostgreSQL."""

from sqlalchemy import text

from vc_service.db.engine import create_engine
from vc_service.db.migrate import upgrade_to, upgrade_to_head
from vc_service.status.models import INDEX_BLOCK_SIZE
from vc_service.status.service import allocate_status


async def test_blocks_of_the_indexes_handed_out_before_are_claimed(database_url):
    engine = create_engine(database_url)
    await upgrade_to(engine, "0012")
    used = [5, 130, 131, 9000]  # blocks 0, 1, 1, 70
    async with engine.begin() as connection:  # what the service stored before 0017
        await connection.execute(
            text(
                "INSERT INTO sigs (id, slug, name, description, created_at) VALUES (1, 'sig', 'SIG', '', CURRENT_TIMESTAMP)"
            )
        )
        for purpose in ("revocation", "suspension"):
            await connection.execute(
                text(
                    "INSERT INTO status_lists (sig_id, purpose, number, bits, unscoped_url, updated_at) "
                    "VALUES (1, :purpose, 1, :bits, false, CURRENT_TIMESTAMP)"
                ),
                {"purpose": purpose, "bits": bytes(131_072 // 8)},
            )
        for n, index in enumerate(used):
            await connection.execute(
                text(
                    "INSERT INTO credential_statuses (sig_id, credential_id, list_number, list_index, revoked, suspended, created_at) "
                    "VALUES (1, :id, 1, :index, false, false, CURRENT_TIMESTAMP)"
                ),
                {"id": f"urn:uuid:old-{n}", "index": index},
            )
    await upgrade_to_head(engine)
    async with engine.connect() as connection:
        blocks = (await connection.execute(text("SELECT list_number, block FROM status_index_blocks"))).all()
    assert sorted(tuple(row) for row in blocks) == [(1, 0), (1, 1), (1, 70)]
    new = [await allocate_status(engine, 1, "sig", f"urn:uuid:new-{n}") for n in range(INDEX_BLOCK_SIZE)]
    assert {(ref.list_number, ref.list_index // INDEX_BLOCK_SIZE) for ref in new}.isdisjoint(blocks)
    await engine.dispose()
