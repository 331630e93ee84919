"""Start the REAL ``dorsi serve`` (a subprocess on a free loopback port, a fresh SQLite file)."""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

LOGIN_LINE = re.compile(r"^\s+(clinician|patient|admin)\s+(\S+)\s+password: (\S+)\s+\((.*)\)$")


@dataclass(frozen=True)
class Login:
    role: str
    username: str
    password: str
    who: str


@dataclass(frozen=True)
class Server:
    base_url: str
    logins: dict[str, Login]  # by username
    log_path: Path

    def url(self, path: str) -> str:
        return self.base_url + path


def dorsi_exe() -> str:
    return str(Path(sys.executable).with_name("dorsi"))


def server_env(data_dir: Path, database_url: str | None = None) -> dict[str, str]:
    """This environment without any DORSI_* setting, plus a private data dir and database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DORSI_")}
    env["DORSI_DATA_DIR"] = str(data_dir)
    env["DORSI_DATABASE_URL"] = database_url or f"sqlite:///{data_dir / 'dorsi.sqlite3'}"
    env["PYTHONWARNINGS"] = "ignore"
    return env


def parse_logins(text: str) -> dict[str, Login]:
    logins = {}
    for line in text.splitlines():
        match = LOGIN_LINE.match(line)
        if match:
            login = Login(*match.groups())
            logins[login.username] = login
    return logins


def fill_demo(env: dict[str, str]) -> dict[str, Login]:
    """``dorsi demo`` on the empty database; the demo logins it printed."""
    proc = subprocess.run(
        [dorsi_exe(), "demo"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    logins = parse_logins(proc.stdout)
    if proc.returncode != 0 or not logins:
        raise RuntimeError(f"dorsi demo failed ({proc.returncode}): {proc.stderr or proc.stdout}")
    return logins


def create_user(env: dict[str, str], role: str, username: str) -> Login:
    """``dorsi users create`` with a random password given on stdin (never in argv)."""
    password = f"pw-{secrets.token_urlsafe(12)}"
    proc = subprocess.run(
        [dorsi_exe(), "users", "create", "--role", role, "--username", username],
        env=env,
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"dorsi users create failed ({proc.returncode}): {proc.stderr}")
    return Login(role, username, password, username)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(base_url: str, proc: subprocess.Popen[bytes], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            answer = httpx.get(base_url + "/healthz", timeout=2)
            if answer.status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    return False


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextmanager
def running_server(
    env: dict[str, str], log_path: Path, *, timeout_s: float = 60
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``dorsi serve`` on a free port of 127.0.0.1, until /healthz answers 200; stopped after.

    The port is found free and then handed over, so another process may take it in between:
    a server that dies at start-up is tried again on a new port (three tries).
    """
    for _ in range(3):
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        with log_path.open("ab") as log:
            proc = subprocess.Popen(
                [dorsi_exe(), "serve", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            if wait_healthy(base_url, proc, timeout_s):
                yield base_url, proc
                return
        finally:
            stop(proc)
    output = log_path.read_text("utf-8", errors="replace")[-3000:]
    raise RuntimeError(f"dorsi serve did not answer /healthz; its output:\n{output}")
