"""Several real ``dorsi serve`` (and ``dorsi worker``) processes on one PostgreSQL database.

The processes share what a multi-machine deployment shares: the database, the secret key and
the data directory (videos and results), and the broker. Nothing else.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.browser.server import dorsi_exe
from tests.durability.servers import Backend, ServerProcess, ServiceMissing, backend

BROKER_URL = os.environ.get("DORSI_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")


@dataclass
class WorkerProcess:
    """One ``dorsi worker`` in its own process group (its analysis child processes too)."""

    env: dict[str, str]
    log_path: Path
    args: list[str] = field(default_factory=list)
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [dorsi_exe(), "worker", *self.args],
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def kill_all(self) -> None:
        """SIGKILL the worker and its analysis child: the machine or container died."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.kill_all()

    def output(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace") if self.log_path.exists() else ""


def postgres_backend(folder: Path) -> contextlib.AbstractContextManager[Backend]:
    """A fresh PostgreSQL database; a clear failure (or skip with DORSI_SKIP_POSTGRES=1)."""
    try:
        from tests.durability.servers import postgres_reachable

        postgres_reachable()
    except ServiceMissing as exc:
        if os.environ.get("DORSI_SKIP_POSTGRES") == "1":
            pytest.skip(f"{exc}; skipped because DORSI_SKIP_POSTGRES=1")
        pytest.fail(str(exc))
    return backend("postgres", folder)


@contextlib.contextmanager
def app_processes(db: Backend, count: int, **env: str) -> Iterator[list[ServerProcess]]:
    """``count`` app processes started at the same moment (as a deployment does)."""
    servers = [ServerProcess(db.env(**env), db.data_dir / f"serve-{n}.log") for n in range(count)]
    try:
        for server in servers:
            server.spawn()
        for server in servers:
            server.wait_healthy()
        yield servers
    finally:
        for server in servers:
            server.stop()


__all__ = ["BROKER_URL", "WorkerProcess", "app_processes", "postgres_backend"]
