"""Migration 0010 keeps the claim and door links made before it working: the stored plain tokens
become their SHA-256, which the service looks them up by. On SQLite and PostgreSQL."""

import hashlib
from datetime import UTC, datetime

from sqlalchemy import select, text

from vc_service.claims.door import open_meeting_at_door
from vc_service.db.engine import create_engine, session_factory
from vc_service.db.migrate import upgrade_to, upgrade_to_head
from vc_service.members.models import Member
from vc_service.members.tokens import token_hash


async def test_links_made_before_the_migration_keep_working(database_url):
    engine = create_engine(database_url)
    await upgrade_to(engine, "0009")
    async with engine.begin() as connection:  # what the service stored before 0010
        await connection.execute(
            text(
                "INSERT INTO sigs (id, slug, name, description, created_at) VALUES (1, 'sig', 'SIG', '', CURRENT_TIMESTAMP)"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO members (id, sig_id, name, email, claim_token, created_at) "
                "VALUES (1, 1, 'Old Member', 'old@example.org', 'oldClaimTok1', CURRENT_TIMESTAMP)"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO meetings (id, sig_id, kind, title, description, starts_at, ends_at, door_token, door_expires_at, created_at) "
                "VALUES (1, 1, 'general', 'Old', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'oldDoorTok12', :until, CURRENT_TIMESTAMP)"
            ),
            {"until": datetime(2999, 1, 1, tzinfo=UTC)},
        )
    await upgrade_to_head(engine)
    async with engine.connect() as connection:
        stored = (await connection.execute(text("SELECT claim_token_hash FROM members"))).scalar_one()
    assert stored == hashlib.sha256(b"oldClaimTok1").hexdigest()
    async with session_factory(engine)() as session:
        member = await session.scalar(select(Member).where(Member.claim_token_hash == token_hash("oldClaimTok1")))
        assert member.name == "Old Member"
        assert (await open_meeting_at_door(session, "oldDoorTok12")).title == "Old"
    await engine.dispose()
