"""Database errors that mean "busy, try again": another writer held the lock too long."""

from sqlalchemy.exc import DBAPIError, OperationalError

# PostgreSQL: serialization failure, deadlock, lock not available (lock_timeout), query
# cancelled (statement_timeout).
BUSY_SQLSTATES = {"40001", "40P01", "55P03", "57014"}
RETRY_AFTER_SECONDS = 2


def database_busy(exc: DBAPIError) -> bool:
    """SQLite's "database is locked" (its busy timeout ran out), or a PostgreSQL lock or serialization timeout."""
    if isinstance(exc, OperationalError) and any(
        word in str(exc.orig) for word in ("database is locked", "database is busy")
    ):
        return True
    return getattr(exc.orig, "sqlstate", None) in BUSY_SQLSTATES
