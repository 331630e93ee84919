"""Writers in several processes on one SQLite file take turns on a ``flock`` (SQLite only)."""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from dorsi.store import audit_chain
from dorsi.store.db import Database, make_engine, writer_lock_path
from dorsi.store.migrate import upgrade
from dorsi.store.models import AuditEntry, Patient

PROCESSES = 3
UNITS = 200
# SQLite's own busy handler gets a tenth of a second only: writers must wait for each other on
# the lock file, not in SQLite (without the lock this run fails with "database is locked").
BUSY_TIMEOUT_MS = 100

WORKER = r"""
import json, sys, time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from dorsi.services import audit
from dorsi.services.context import Actor, Ctx, run_unit
from dorsi.settings import load_settings
from dorsi.store.db import Database
from dorsi.store.models import Patient

url, name, count, busy_ms, folder = sys.argv[1:6]
folder_path = Path(folder)
database = Database.from_url(url)
event.listen(
    database.engine, "connect", lambda c, _r: c.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
)
settings = load_settings(data_dir=folder_path / name, secret_key="s" * 32)
actor = Actor(1, "alice", "clinician", "Alice")


def make(session: Session) -> Ctx:
    return Ctx(
        db=session, now=datetime.now(UTC), settings=settings, secret=b"s" * 32,
        request_id=name, actor=actor,
    )


def patient(label: str) -> Patient:
    return Patient(
        display_name=label, side="left", cause="lumbar", created_at=datetime.now(UTC),
        program_paused=False,
    )


(folder_path / f"ready-{name}").touch()
deadline = time.monotonic() + 60
while not (folder_path / "go").exists() and time.monotonic() < deadline:
    time.sleep(0.002)
errors = []
for i in range(int(count)):
    label = f"{name}-{i}"
    try:
        def work(ctx: Ctx, label: str = label) -> None:
            ctx.db.scalar(select(func.count()).select_from(Patient))
            ctx.db.add(patient(label))
            audit.note(ctx, "patient.create", None, label)

        run_unit(database, make, work)
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}"[:300])
database.dispose()
print(json.dumps({"errors": errors}))
"""


def test_processes_sharing_a_file_take_turns_without_locked_errors(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    url = f"sqlite:///{path}"
    database = Database.from_url(url)
    upgrade(database.engine)
    names = [f"w{n}" for n in range(PROCESSES)]
    args = [str(UNITS), str(BUSY_TIMEOUT_MS), str(tmp_path)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, url, name, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    try:
        deadline = time.monotonic() + 60
        while len(list(tmp_path.glob("ready-*"))) < PROCESSES and time.monotonic() < deadline:
            time.sleep(0.01)
        (tmp_path / "go").touch()
        results = [proc.communicate(timeout=300) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:  # pragma: no cover - only after a timeout
                proc.kill()
                proc.wait()
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert json.loads(out) == {"errors": []}
        assert "locked" not in err

    expected = {f"{name}-{i}" for name in names for i in range(UNITS)}
    with database.transaction() as session:
        stored = session.scalars(select(Patient.display_name)).all()
        entries = session.execute(
            select(
                AuditEntry.id, AuditEntry.request_id, AuditEntry.detail, AuditEntry.outcome
            ).order_by(AuditEntry.id)
        ).all()
        verdict = audit_chain.verify(session)
    assert len(stored) == len(expected)
    assert set(stored) == expected
    assert verdict.intact, verdict.broken
    assert verdict.entries == PROCESSES * UNITS
    assert [e.id for e in entries] == list(range(1, PROCESSES * UNITS + 1))  # no gaps
    assert {e.detail for e in entries} == expected
    assert {e.outcome for e in entries} == {"ok"}
    # the processes really wrote side by side (their entries interleave)
    switches = sum(1 for a, b in itertools.pairwise(entries) if a.request_id != b.request_id)
    assert switches > PROCESSES
    assert writer_lock_path(database.engine) == Path(f"{path}-writer.lock")
    assert Path(f"{path}-writer.lock").exists()
    database.dispose()


@contextlib.contextmanager
def _other_open(lock: Path) -> Iterator[int]:
    """The lock file opened a second time: its own ``flock`` conflicts with the database's."""
    fd = os.open(lock, os.O_RDWR)
    try:
        yield fd
    finally:
        os.close(fd)


def _is_held(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    fcntl.flock(fd, fcntl.LOCK_UN)
    return False


def _failing_unit(database: Database) -> None:
    with database.transaction() as session:
        session.scalar(select(Patient.id))
        raise RuntimeError("boom")


def test_a_write_transaction_holds_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite3"
    database = Database.from_url(f"sqlite:///{path}")
    upgrade(database.engine)
    lock = writer_lock_path(database.engine)
    assert lock is not None
    with database.transaction() as session:  # the lock file is opened at the first write
        session.scalar(select(Patient.id))
    assert lock.exists()
    with _other_open(lock) as fd:
        assert not _is_held(fd)
        with database.transaction() as session:
            session.scalar(select(Patient.id))
            assert _is_held(fd)
        assert not _is_held(fd)
        # a unit that fails releases the lock too
        with pytest.raises(RuntimeError, match="boom"):
            _failing_unit(database)
        assert not _is_held(fd)
    database.dispose()


def test_writer_lock_path(tmp_path: Path) -> None:
    for url in ("sqlite://", "sqlite:///:memory:"):
        engine = make_engine(url)
        assert writer_lock_path(engine) is None
        engine.dispose()
    path = tmp_path / "sub" / "dorsi.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    lock = writer_lock_path(engine)
    assert lock == tmp_path / "sub" / "dorsi.sqlite3-writer.lock"
    assert lock is not None
    assert lock.parent == path.parent
    engine.dispose()
