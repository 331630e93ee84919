"""Engine set-up and the one way to run a transaction.

SQLite (the default) is opened for durability and predictable locking:

- ``journal_mode=WAL`` (readers never block the writer), ``synchronous=FULL`` (a commit the
  API acknowledged survives power loss), ``foreign_keys=ON``, ``busy_timeout`` as a backstop,
  a 64 MiB page cache (:data:`SQLITE_CACHE_KIB`, used only as pages are read);
- every transaction starts with ``BEGIN IMMEDIATE``: a request takes the write lock up front
  instead of upgrading a read lock later, which is what produces "database is locked";
- inside one process, writers queue on a lock rather than in SQLite's sleeping busy handler
  (waiting is a hand-off, not a poll); across processes they queue on ``flock`` of a file
  beside the database (:func:`writer_lock_path`). Both live inside
  :meth:`Database.transaction`: no caller sees them.

PostgreSQL (``postgresql+psycopg://``) uses its own MVCC; no process lock is taken. Every
connection sets ``synchronous_commit = on`` (a commit is acknowledged only once it is on disk),
and :func:`require_durable` refuses a server that runs with ``fsync = off``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session, sessionmaker

from dorsi.errors import DorsiError, InputError, UnavailableError
from dorsi.store.audit_chain import link_hash

SQLITE_BUSY_TIMEOUT_MS = 30_000
POOL_SIZE = 10
POOL_OVERFLOW = 30
POSTGRES_POOL_OVERFLOW = 10
# Page cache per connection (SQLite's default is 2 MiB). The clinic-wide review reads a year of
# check-ins of 1,000 patients per query; stored day by day, those rows sit on tens of MiB of
# pages, which a 2 MiB cache would read from disk again and again.
SQLITE_CACHE_KIB = 64 * 1024


def _set_wal(cursor: Any) -> None:
    """``PRAGMA journal_mode=WAL``, waiting for the lock it needs: SQLite answers "database is
    locked" at once (its busy handler does not apply) while another connection is switching a
    new file to WAL, e.g. app processes that start together on a fresh database."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    pause_s = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(pause_s)
            pause_s = min(pause_s * 2, 0.1)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from the driver; we issue BEGIN ourselves.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        _set_wal(cursor)
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    finally:
        cursor.close()
    # The audit chain links entries in SQL (dorsi.store.audit_chain); SQLite has no SHA-256.
    dbapi_connection.create_function("dorsi_link_hash", 4, link_hash, deterministic=True)


def _sqlite_on_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _postgres_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # A role or database default of synchronous_commit=off would acknowledge commits that a
    # crash can still lose; Dorsi's own sessions never run that way.
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    try:
        dbapi_connection.execute("SET synchronous_commit TO on")
    finally:
        dbapi_connection.autocommit = autocommit


class NotDurableError(DorsiError):
    """The database would not keep acknowledged writes through a crash."""


def durability_settings(engine: Engine) -> dict[str, str]:
    """The settings :func:`require_durable` checks, as the server reports them."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            return {
                "journal_mode": str(connection.exec_driver_sql("PRAGMA journal_mode").scalar()),
                "synchronous": str(connection.exec_driver_sql("PRAGMA synchronous").scalar()),
            }
        return {
            name: str(connection.exec_driver_sql(f"SHOW {name}").scalar())
            for name in ("fsync", "synchronous_commit")
        }


def require_durable(engine: Engine) -> None:
    """Refuse to run on a database that may lose acknowledged writes (one clear line).

    PostgreSQL: ``fsync`` must be on (``synchronous_commit`` is set on by every connection).
    SQLite: WAL with ``synchronous=FULL`` (2), as every connection sets it.
    """
    found = durability_settings(engine)
    if engine.dialect.name == "sqlite":
        if found != {"journal_mode": "wal", "synchronous": "2"}:
            raise NotDurableError(
                f"SQLite is not in WAL mode with synchronous=FULL ({found}); "
                "refusing to store clinical data"
            )
        return
    if found["fsync"] != "on":
        raise NotDurableError(
            "PostgreSQL runs with fsync=off, so a crash can lose or corrupt patient records; "
            "set fsync = on in postgresql.conf and reload the server before starting Dorsi"
        )
    if found["synchronous_commit"] == "off":  # pragma: no cover - every connection sets it on
        raise NotDurableError("PostgreSQL runs with synchronous_commit=off; refusing to start")


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
            # one connection per request thread (connections opened beyond pool_size are
            # closed again after each use, and an SQLite connection is cheap to keep but not
            # to open)
            kwargs.setdefault("pool_size", POOL_SIZE + POOL_OVERFLOW)
            kwargs.setdefault("max_overflow", POOL_OVERFLOW)
        engine = create_engine(
            parsed,
            connect_args={"check_same_thread": False, "timeout": 30},
            hide_parameters=True,  # errors (and so logs) never carry patient data or secrets
            **kwargs,
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
        # At most 20 connections per process: `dorsi serve` runs up to 4 app processes, and
        # PostgreSQL's default limit is 100 connections for everything on the server. Past
        # that limit PostgreSQL refuses the connection and the request fails (a 500); past the
        # pool's, a request waits its turn (up to 30 s). The JSON API runs at most
        # UNITS_AT_ONCE units at once anyway (web/deps.py).
        kwargs.setdefault("pool_size", POOL_SIZE)
        kwargs.setdefault("max_overflow", POSTGRES_POOL_OVERFLOW)
        engine = create_engine(parsed, pool_pre_ping=True, hide_parameters=True, **kwargs)
        event.listen(engine, "connect", _postgres_on_connect)
        return engine
    raise InputError(
        f"database '{backend}' is not supported; use SQLite or PostgreSQL",
        field="DORSI_DATABASE_URL",
    )


def writer_lock_path(engine: Engine) -> Path | None:
    """The file whose ``flock`` orders writers across processes (none for ``:memory:`` or
    where ``fcntl`` is missing, e.g. Windows: one process only there)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite":
        return None
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    try:
        import fcntl  # noqa: F401
    except ImportError:
        return None
    return Path(f"{Path(database).expanduser()}-writer.lock")


class _WriterTurn:
    """SQLite's one writer, as a queue: a lock per process, ``flock`` across processes.

    Held from ``BEGIN IMMEDIATE`` to ``COMMIT``, the span SQLite holds its write lock anyway;
    queueing here hands the turn over at once, where SQLite's busy handler would sleep and
    poll. The lock file is opened once per process (a forked child opens its own: a shared
    open file would share the lock).
    """

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._threads = threading.Lock()
        self._fd = -1
        self._pid = -1

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        with self._threads:
            if self._path is None:
                yield
                return
            import fcntl

            if self._pid != os.getpid():
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
                self._pid = os.getpid()
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._pid == os.getpid() and self._fd >= 0:
            os.close(self._fd)
        self._fd = self._pid = -1


class Database:
    """An engine plus the transaction discipline every service call runs in."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._sessions = sessionmaker(engine, expire_on_commit=False, autoflush=True)
        self._writer = _WriterTurn(writer_lock_path(engine)) if self.is_sqlite else None

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(make_engine(url))

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit when the block ends normally, roll back otherwise.

        The commit has happened (and is durable) when the block returns; a failing commit
        raises here, so nothing is acknowledged that was not stored. A database that cannot
        be reached, or has no connection to spare, raises :class:`UnavailableError` (503).
        """
        turn = self._writer.held() if self._writer is not None else contextlib.nullcontext()
        try:
            with turn, self._sessions() as session, session.begin():
                yield session
        except PoolTimeoutError:
            raise UnavailableError(
                "the server is busy: no database connection came free in time; try again"
            ) from None
        except OperationalError as exc:
            # no statement: the connection itself failed (server down or at its connection
            # limit); invalidated: the server went away mid-request. Nothing was committed.
            if exc.statement is None or exc.connection_invalidated:
                raise UnavailableError(
                    f"the database cannot be reached ({type(exc.orig).__name__}); try again"
                ) from None
            raise

    def dispose(self) -> None:
        self.engine.dispose()
        if self._writer is not None:
            self._writer.close()


__all__ = [
    "Database",
    "NotDurableError",
    "durability_settings",
    "make_engine",
    "require_durable",
    "writer_lock_path",
]
