"""Database fixtures shared by the store, services and web tests.

Every test that takes ``db`` runs twice: on a SQLite file and on PostgreSQL
(127.0.0.1:5432, user postgres, database ``test``; override with DORSI_TEST_POSTGRES_URL).
Each test session gets its own PostgreSQL schema, dropped at the end; tables are emptied
between tests. When PostgreSQL is not reachable the PostgreSQL cases FAIL with a message
saying so, unless DORSI_SKIP_POSTGRES=1, which reports them as skipped with the reason.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from dorsi.store.db import Database
from dorsi.store.migrate import upgrade
from dorsi.store.models import Base

POSTGRES_URL = os.environ.get(
    "DORSI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_schema_url() -> Iterator[str]:
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        admin.dispose()
        reason = f"PostgreSQL is not reachable at {POSTGRES_URL} ({type(exc.orig).__name__})"
        if os.environ.get("DORSI_SKIP_POSTGRES") == "1":
            pytest.skip(f"{reason}; skipped because DORSI_SKIP_POSTGRES=1")
        pytest.fail(f"{reason}. Start it, or set DORSI_SKIP_POSTGRES=1 to skip these cases.")
    schema = f"dorsi_test_{secrets.token_hex(6)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()  # no idle connection kept for the whole session
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(
    scope="session",
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ],
)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A URL for an empty database of each kind (not migrated)."""
    if request.param == "sqlite":
        folder: Path = tmp_path_factory.mktemp("sqlite")
        yield f"sqlite:///{folder / 'dorsi.sqlite3'}"
    else:
        yield from _postgres_schema_url()


@pytest.fixture(scope="session")
def migrated(database_url: str) -> Iterator[Database]:
    """A migrated database, shared by the tests of one backend."""
    database = Database.from_url(database_url)
    upgrade(database.engine)
    yield database
    database.dispose()


def empty_tables(database: Database) -> None:
    tables = list(reversed(Base.metadata.sorted_tables))
    with database.transaction() as session:
        if database.is_sqlite:
            for table in tables:
                session.execute(table.delete())
        else:
            names = ", ".join(f'"{t.name}"' for t in tables)
            session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def db(migrated: Database) -> Database:
    """The migrated database with every table empty."""
    empty_tables(migrated)
    return migrated


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of the test's own, not migrated: a migration test moves it up and
    down, which the shared, migrated one must never be."""
    if request.param == "sqlite":
        database = Database.from_url(f"sqlite:///{tmp_path / 'migrate.sqlite3'}")
        yield database.engine
        database.dispose()
    else:
        for url in _postgres_schema_url():
            database = Database.from_url(url)
            yield database.engine
            database.dispose()
