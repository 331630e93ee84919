"""Apply and inspect the Alembic migrations shipped inside the package."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    """An Alembic config pointing at the packaged migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest revision shipped with this version of Dorsi."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise RuntimeError("no migrations found in the package")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


# Several app processes start at once against one PostgreSQL database and each applies the
# migrations: they take this transaction-scoped advisory lock first, so one migrates and the
# others then find the schema at head. (SQLite: BEGIN IMMEDIATE already serialises them.)
MIGRATION_LOCK_ID = 0x646F7273  # "dors"


def _serialise(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to ``revision`` (idempotent; safe to run concurrently)."""
    config = alembic_config()
    with engine.begin() as connection:
        _serialise(connection)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to ``revision`` (``base`` empties it)."""
    config = alembic_config()
    with engine.begin() as connection:
        _serialise(connection)
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


__all__ = ["alembic_config", "current_revision", "downgrade", "head_revision", "upgrade"]
