"""Engine set-up and the one way to run a transaction.

SQLite (the default) is opened for durability and predictable locking:

- ``journal_mode=WAL`` (readers never block the writer), ``synchronous=FULL`` (a commit the
  API acknowledged survives power loss), ``foreign_keys=ON``, ``busy_timeout`` as a backstop;
- every transaction starts with ``BEGIN IMMEDIATE``: a request takes the write lock up front
  instead of upgrading a read lock later, which is what produces "database is locked";
- inside one process, writers queue on a lock rather than in SQLite's sleeping busy handler
  (one writer path: waiting is a cheap hand-off, not a poll).

PostgreSQL (``postgresql+psycopg://``) uses its own MVCC; no process lock is taken.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from dorsi.errors import InputError

SQLITE_BUSY_TIMEOUT_MS = 30_000


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from the driver; we issue BEGIN ourselves.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url`` with Dorsi's connection settings (see the module docstring)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InputError(
            "is not a database URL (use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB)",
            field="DORSI_DATABASE_URL",
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    if backend == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            raise InputError(
                "PostgreSQL needs the psycopg 3 driver: postgresql+psycopg://USER@HOST/DB",
                field="DORSI_DATABASE_URL",
            )
        return create_engine(parsed, pool_pre_ping=True, **kwargs)
    raise InputError(
        f"database '{backend}' is not supported; use SQLite or PostgreSQL",
        field="DORSI_DATABASE_URL",
    )


class Database:
    """An engine plus the transaction discipline every service call runs in."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._sessions = sessionmaker(engine, expire_on_commit=False, autoflush=True)
        self._write_lock: threading.Lock | None = threading.Lock() if self.is_sqlite else None

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(make_engine(url))

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit when the block ends normally, roll back otherwise."""
        lock = self._write_lock
        if lock is not None:
            lock.acquire()
        try:
            with self._sessions() as session, session.begin():
                yield session
        finally:
            if lock is not None:
                lock.release()

    def dispose(self) -> None:
        self.engine.dispose()


__all__ = ["Database", "make_engine"]
