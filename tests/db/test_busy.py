"""A database another writer keeps locked answers 503 with Retry-After, never 500, on both backends."""

import sqlite3
from contextlib import asynccontextmanager

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from ..support import POSTGRES_ADMIN_URL
from ..test_main import app_with_fake_agent, unreachable

MEETING = {
    "kind": "general",
    "title": "Locked out",
    "starts_at": "2026-11-20T17:00:00Z",
    "ends_at": "2026-11-20T18:00:00Z",
}


@asynccontextmanager
async def table_locked(database_url: str):
    """Another writer holding the meetings table: SQLite's one write lock, PostgreSQL's table lock."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        other = sqlite3.connect(url.database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    engine = create_async_engine(database_url)
    async with engine.connect() as other:
        await other.execute(text("LOCK TABLE meetings IN ACCESS EXCLUSIVE MODE"))
        try:
            yield
        finally:
            await other.rollback()
    await engine.dispose()


async def test_a_locked_database_is_503_with_retry_after(tmp_path, database_url):
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":  # an operator's lock_timeout: PostgreSQL waits forever by default
        admin = create_async_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        async with admin.connect() as connection:
            await connection.execute(text(f"ALTER DATABASE \"{url.database}\" SET lock_timeout = '300ms'"))
        await admin.dispose()
    app = await app_with_fake_agent(tmp_path, unreachable, database_url=database_url)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", headers={"X-API-Key": "k"}, timeout=30
    ) as client:
        async with table_locked(database_url):
            busy = await client.post("/meetings", json=MEETING)
        assert busy.status_code == 503, busy.text
        assert busy.headers["retry-after"].isdigit() and "busy" in busy.json()["detail"]
        again = await client.post("/meetings", json=MEETING)
        assert again.status_code == 201
        assert [m["title"] for m in (await client.get("/meetings")).json()] == ["Locked out"]
    await app.state.service.engine.dispose()
