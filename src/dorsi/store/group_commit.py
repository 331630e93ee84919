"""Group commit for SQLite: units of work that queue for the write lock share one commit.

SQLite has one writer at a time, and every durable commit (WAL, ``synchronous=FULL``) waits
for the disk. When requests queue for the writer, each paying its own ``COMMIT`` is the
bottleneck. Here the writer's turn is handed from unit to unit *inside one open transaction*:

1. a unit takes the turn (a lock; units queue on it in this process), opens the batch's
   transaction if none is open (``BEGIN IMMEDIATE``, :mod:`dorsi.store.db`), and runs in a
   ``SAVEPOINT`` of its own, with a session of its own;
2. when it ends, its savepoint is released (kept) or rolled back (its failure undoes only its
   own writes); then, if other units are waiting for the turn and the batch is not full, it
   hands the turn over with the transaction still open and **waits until the batch commits**;
   otherwise it commits the batch itself and wakes every unit of it;
3. a unit returns only after the ``COMMIT`` that holds its writes is on disk; if that commit
   fails, every unit of the batch raises the error (nothing is acknowledged that was not
   stored).

A lone unit (nobody waiting) commits at once, exactly as a plain transaction: group commit
only changes anything under load. Batches hold at most :data:`MAX_BATCH` units, so a unit
waits for at most that many others.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

#: most units of work sharing one commit (bounds how long the first of them waits)
MAX_BATCH = 32


class _Batch:
    """One open write transaction shared by the units of a batch."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.transaction = connection.begin()
        self.kept = 0  # units whose writes are in this batch
        self.committed = threading.Event()
        self.error: BaseException | None = None


class GroupCommitter:
    """The writer's turn, and the batch transaction it hands over (see the module docs)."""

    def __init__(
        self, engine: Engine, *, max_batch: int = MAX_BATCH, lock_path: Path | None = None
    ) -> None:
        self._engine = engine
        self._lock = _ProcessLock(lock_path) if lock_path is not None else None
        self._max_batch = max_batch
        self._turn = threading.Lock()
        self._count_lock = threading.Lock()
        self._waiting = 0
        self._batch: _Batch | None = None
        #: commits done and units they held (for benchmarks and tests)
        self.commits = 0
        self.units = 0

    def close(self) -> None:
        """Close the lock file (the database is being disposed of)."""
        if self._lock is not None:
            self._lock.close()

    @contextlib.contextmanager
    def unit(self) -> Iterator[Session]:
        """A session whose writes are durable once the block has ended without error."""
        with self._count_lock:
            self._waiting += 1
        self._turn.acquire()
        with self._count_lock:
            self._waiting -= 1
        try:
            batch = self._batch
            if batch is None:
                if self._lock is not None:
                    self._lock.acquire()
                try:
                    batch = self._batch = _Batch(self._engine.connect())
                except BaseException:
                    if self._lock is not None:
                        self._lock.release()
                    raise
        except BaseException:
            self._turn.release()
            raise
        kept = False
        try:
            session = Session(
                bind=batch.connection,
                join_transaction_mode="create_savepoint",
                expire_on_commit=False,
                autoflush=True,
            )
            with session:
                with session.begin():
                    yield session
                kept = True
        finally:
            self._end_turn(batch, kept)
        if batch.error is not None:
            raise batch.error

    def _end_turn(self, batch: _Batch, kept: bool) -> None:
        """Hand the open batch to the next unit, or commit it (see the module docs)."""
        if kept:
            batch.kept += 1
        with self._count_lock:
            others = self._waiting
        if others and batch.kept < self._max_batch and batch.error is None:
            self._turn.release()
            if kept:
                batch.committed.wait()
            return
        self._batch = None
        try:
            if batch.kept:
                batch.transaction.commit()
            else:
                batch.transaction.rollback()
        except BaseException as error:
            batch.error = error
        finally:
            self.commits += 1 if batch.kept else 0
            self.units += batch.kept
            try:
                batch.connection.close()
            finally:
                if self._lock is not None:
                    self._lock.release()
                batch.committed.set()
                self._turn.release()


class _ProcessLock:
    """The writer's turn across processes: ``flock`` on a file beside the database.

    App processes that share one SQLite file (``dorsi serve --workers``) take turns here, in
    the kernel, instead of in SQLite's busy handler (which sleeps and polls); each process's
    batch holds the lock from ``BEGIN IMMEDIATE`` to its ``COMMIT``. The file is opened once
    per process (a forked child opens its own: a shared open file would share the lock).
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd = -1
        self._pid = -1

    def _descriptor(self) -> int:
        if self._pid != os.getpid():
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd

    def acquire(self) -> None:
        import fcntl

        fcntl.flock(self._descriptor(), fcntl.LOCK_EX)

    def release(self) -> None:
        import fcntl

        fcntl.flock(self._descriptor(), fcntl.LOCK_UN)

    def close(self) -> None:
        if self._pid == os.getpid() and self._fd >= 0:
            os.close(self._fd)
        self._fd = self._pid = -1
