"""Alembic environment: migrations run on a connection the service passes in, or from the URL."""

import asyncio

from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine

from vc_service.db.base import UtcDateTime
from vc_service.tables import Base

target_metadata = Base.metadata


def render_item(kind: str, item, autogen_context):
    """Autogenerate writes the plain DateTime the UtcDateTime decorator stands on."""
    if kind == "type" and isinstance(item, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_on(connection) -> None:
    context.configure(
        connection=connection, target_metadata=target_metadata, render_as_batch=True, render_item=render_item
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_from_url(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(run_on)
    await engine.dispose()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_on(connection)
else:
    url = context.config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("alembic: no connection passed in and no sqlalchemy.url configured")
    asyncio.run(run_from_url(url))
