"""Engine and session factory for the configured database URL."""

from sqlalchemy import Engine, event
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine


def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets readers run beside the one writer; the busy timeout waits for it instead of failing.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_engine(url: str) -> AsyncEngine:
    engine = create_async_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def sqlite_file_engine(engine: AsyncEngine) -> Engine | None:
    """A blocking engine on the same SQLite file as ``engine`` (its own connections, the same
    pragmas), for a worker thread that writes a whole transaction at once; None for a database
    that is not an SQLite file (another connection to ``:memory:`` is another database)."""
    url = engine.url
    if engine.dialect.name != "sqlite" or url.database in (None, "", ":memory:") or "mode=memory" in str(url):
        return None
    twin = create_sync_engine(url.set(drivername="sqlite"))
    event.listen(twin, "connect", _sqlite_pragmas)
    return twin


def session_factory(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)
