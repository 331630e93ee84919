"""Apply and inspect the Alembic migrations shipped inside the package."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

from dorsi.errors import InputError

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


def wait_for_schema(
    engine: Engine,
    *,
    timeout_s: float,
    on_wait: Callable[[str], None] | None = None,
    poll_s: float = 0.5,
) -> None:
    """Return once the schema is at the latest revision; InputError (exit 2) after ``timeout_s``.

    A service manager starts ``dorsi serve`` (which migrates) and ``dorsi worker`` at the same
    moment; the worker must not touch tables that do not exist yet. A database that cannot be
    reached yet counts as not ready (it may be starting too). A database at a revision this
    version does not know (a newer Dorsi migrated it) is refused at once.
    """
    head = head_revision()
    known = {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    deadline = time.monotonic() + timeout_s
    told = False
    while True:
        problem = None
        try:
            current = current_revision(engine)
        except OperationalError as exc:
            current, problem = None, f"it cannot be reached: {type(exc.orig).__name__}"
        if current == head:
            return
        if current is not None and current not in known:
            raise InputError(
                f"the database is at revision {current}, which this version of Dorsi does not "
                f"know (its latest is {head}); install the Dorsi version that migrated it"
            )
        left_s = deadline - time.monotonic()
        if left_s <= 0:
            state = problem or (
                f"it is at revision {current}" if current else "it has no Dorsi schema"
            )
            raise InputError(
                f"the database schema is not ready after waiting {timeout_s:g} s ({state}; "
                f"this version needs revision {head}); run 'dorsi db upgrade'"
            )
        if not told and on_wait is not None:
            on_wait(
                f"waiting up to {timeout_s:g} s for the database schema "
                "(another process may be migrating it)"
            )
            told = True
        time.sleep(min(poll_s, left_s))


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


__all__ = [
    "alembic_config",
    "current_revision",
    "downgrade",
    "head_revision",
    "upgrade",
    "wait_for_schema",
]
