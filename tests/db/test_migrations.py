"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from vc_service.db.engine import create_engine
from vc_service.db.migrate import upgrade_to_head
from vc_service.tables import Base


async def test_migrations_match_the_models(database_url):
    engine = create_engine(database_url)
    await upgrade_to_head(engine)
    async with engine.connect() as connection:
        differences = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
        )
    await engine.dispose()
    assert differences == []
