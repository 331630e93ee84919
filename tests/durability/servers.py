"""Real ``dorsi serve`` processes for the durability, load and queue tests.

A :class:`Backend` is a fresh, private database (a SQLite file in a temporary folder, or a new
PostgreSQL database created for the run and dropped after it). A :class:`ServerProcess` is one
``dorsi serve`` on a fixed loopback port that can be killed with SIGKILL and started again on
the same port, so clients keep their base URL across crashes.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tests.browser.server import dorsi_exe, free_port

POSTGRES_ADMIN_URL = os.environ.get(
    "DORSI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SECRET_KEY = "durability-" + "k" * 40


class ServiceMissing(RuntimeError):
    """A service the run needs (PostgreSQL, a broker) is not reachable."""


@dataclass
class Backend:
    """A private database for one run, and the environment of the processes that use it."""

    name: str  # "sqlite" | "postgres"
    url: str
    data_dir: Path
    _drop: str | None = None

    def env(self, **extra: str) -> dict[str, str]:
        """This environment without any DORSI_* setting, plus the run's own."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("DORSI_")}
        env.update(
            DORSI_DATA_DIR=str(self.data_dir),
            DORSI_DATABASE_URL=self.url,
            DORSI_SECRET_KEY=SECRET_KEY,
            DORSI_GAIT_WORKER="off",
            PYTHONWARNINGS="ignore",
        )
        env.update(extra)
        return env

    @property
    def sqlite_path(self) -> Path | None:
        if not self.url.startswith("sqlite"):
            return None
        return Path(str(make_url(self.url).database))


def postgres_reachable(admin_url: str = POSTGRES_ADMIN_URL) -> None:
    """Raise :class:`ServiceMissing` with a clear message when PostgreSQL does not answer."""
    engine = create_engine(admin_url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        raise ServiceMissing(
            f"PostgreSQL is not reachable at {admin_url} ({type(exc.orig).__name__}); "
            "start it (or set DORSI_TEST_POSTGRES_URL)"
        ) from None
    finally:
        engine.dispose()


@contextlib.contextmanager
def backend(name: str, folder: Path, admin_url: str = POSTGRES_ADMIN_URL) -> Iterator[Backend]:
    """A fresh database of kind ``name`` ("sqlite" or "postgres"), removed afterwards."""
    data_dir = folder / f"data-{name}"
    data_dir.mkdir(parents=True, exist_ok=True)
    if name == "sqlite":
        yield Backend(name, f"sqlite:///{data_dir / 'dorsi.sqlite3'}", data_dir)
        return
    if name != "postgres":
        raise ValueError(f"unknown backend {name!r}; use sqlite or postgres")
    postgres_reachable(admin_url)
    database = f"dorsi_run_{secrets.token_hex(5)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    url = make_url(admin_url).set(database=database).render_as_string(hide_password=False)
    try:
        yield Backend(name, url, data_dir)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class ServerProcess:
    """One ``dorsi serve`` on a fixed loopback port; kill it and start it again at will."""

    env: dict[str, str]
    log_path: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def spawn(self) -> None:
        """Start the process (do not wait for it)."""
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [dorsi_exe(), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.starts += 1

    def wait_healthy(self, timeout_s: float = 120.0) -> float:
        """Seconds until ``/healthz`` answered 200; RuntimeError with the log otherwise."""
        assert self.proc is not None
        started = time.monotonic()
        while time.monotonic() - started < timeout_s:
            if self.proc.poll() is not None:
                break
            try:
                if httpx.get(self.base_url + "/healthz", timeout=2).status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        tail = self.log_path.read_text("utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"dorsi serve did not become healthy; its output:\n{tail}")

    def start(self, timeout_s: float = 120.0) -> float:
        self.spawn()
        return self.wait_healthy(timeout_s)

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, exactly like a crash or a power cut of the app."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        """A graceful stop (SIGTERM), then SIGKILL if it does not end in 20 s."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()

    def output(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace") if self.log_path.exists() else ""


@contextlib.contextmanager
def serving(env: dict[str, str], log_path: Path) -> Iterator[ServerProcess]:
    """A started server, stopped at the end."""
    server = ServerProcess(env, log_path)
    try:
        server.start()
        yield server
    finally:
        server.stop()


__all__ = [
    "POSTGRES_ADMIN_URL",
    "SECRET_KEY",
    "Backend",
    "ServerProcess",
    "ServiceMissing",
    "backend",
    "postgres_reachable",
    "serving",
]
