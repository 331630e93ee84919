"""Processes started beside a new database wait for its schema (issue 14): ``dorsi worker``
started with ``dorsi serve`` on a fresh database waits while it migrates, and gives up with
one line and exit 2 (never a traceback) when nobody migrates."""

from __future__ import annotations

import contextlib
import subprocess
import time
from pathlib import Path

import pytest

from dorsi.store.migrate import head_revision
from tests.browser.server import dorsi_exe
from tests.durability.servers import Backend, backend
from tests.queue.cluster import BROKER_URL, WorkerProcess, postgres_backend

pytestmark = pytest.mark.slow


def _empty(name: str, folder: Path) -> contextlib.AbstractContextManager[Backend]:
    return postgres_backend(folder) if name == "postgres" else backend("sqlite", folder)


def _run(db: Backend, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [dorsi_exe(), *args],
        env=db.env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _worker_env() -> dict[str, str]:
    return {"DORSI_GAIT_WORKER": "dramatiq", "DORSI_GAIT_BROKER_URL": BROKER_URL}


def _gives_up(stderr: str, command: str) -> None:
    lines = stderr.strip().splitlines()
    assert "Traceback" not in stderr
    assert lines[-1] == (
        f"dorsi {command}: error: the database schema is not ready after waiting 1 s (it has no "
        f"Dorsi schema; this version needs revision {head_revision()}); run 'dorsi db upgrade'"
    )
    assert lines[:-1] == [
        f"dorsi {command}: waiting up to 1 s for the database schema "
        "(another process may be migrating it)"
    ]


@pytest.mark.parametrize("name", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_worker_on_an_empty_database_exits_2_saying_to_migrate(name: str, tmp_path: Path) -> None:
    with _empty(name, tmp_path) as db:
        result = _run(db, "worker", DORSI_SCHEMA_WAIT_S="1", **_worker_env())
    assert result.returncode == 2, result.stderr
    _gives_up(result.stderr, "worker")


def test_audit_and_backup_on_an_empty_database_exit_2_saying_to_migrate(tmp_path: Path) -> None:
    with backend("sqlite", tmp_path) as db:
        verify = _run(db, "audit", "verify", DORSI_SCHEMA_WAIT_S="1")
        assert verify.returncode == 2, verify.stderr
        _gives_up(verify.stderr, "audit")
        copy = _run(db, "backup", str(tmp_path / "copy.db"), DORSI_SCHEMA_WAIT_S="1")
        assert copy.returncode == 2, copy.stderr
        _gives_up(copy.stderr, "backup")


def _wait_for(worker: WorkerProcess, text: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while text not in worker.output():
        assert worker.proc is not None
        if worker.proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"the worker never said {text!r}:\n{worker.output()}")
        time.sleep(0.2)


@pytest.mark.postgres
def test_a_worker_started_with_the_app_waits_while_it_migrates(tmp_path: Path) -> None:
    with postgres_backend(tmp_path) as db:
        worker = WorkerProcess(
            db.env(DORSI_SCHEMA_WAIT_S="60", **_worker_env()), tmp_path / "worker.log"
        )
        worker.start()
        try:
            _wait_for(worker, "waiting up to 60 s for the database schema", 60)
            migrate = _run(db, "db", "upgrade")  # what `dorsi serve` does first
            assert migrate.returncode == 0, migrate.stderr
            _wait_for(worker, "dorsi worker: waiting for gait jobs", 60)
        finally:
            worker.stop()
        assert worker.proc is not None
        assert worker.proc.returncode == 0, worker.output()
        assert "Traceback" not in worker.output()
