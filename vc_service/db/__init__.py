"""The controller database: SQLAlchemy 2 (async) models, sessions and alembic migrations."""
