"""`dorsi users`, `dorsi demo` and `dorsi serve` as an operator runs them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.conftest import run_dorsi


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DORSI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DORSI_SECRET_KEY", "cli-test-secret-" + "q" * 32)
    monkeypatch.delenv("DORSI_DATABASE_URL", raising=False)
    return tmp_path


def test_users_create_reads_the_password_from_stdin(env: Path) -> None:
    result = run_dorsi(
        "users",
        "create",
        "--role",
        "admin",
        "--username",
        "Head",
        stdin="a long admin passphrase\n",
    )
    assert result.code == 0, result.stderr
    assert "created admin 'head'" in result.stdout
    listed = run_dorsi("users", "list")
    assert "head" in listed.stdout
    assert "admin" in listed.stdout


def test_users_create_has_no_password_argument(env: Path) -> None:
    result = run_dorsi(
        "users", "create", "--role", "admin", "--username", "x", "--password", "secret123"
    )
    assert result.code == 2
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("short", "at least 15"),
        ("password123456789", "common or leaked"),
        ("", "no password"),
        ("letmein!", "at least 15"),
        ("Clinic Clinic 2026", "name of the app or the clinic"),
        ("dorsi-clinic-2026", "name of the app or the clinic"),
    ],
)
def test_users_create_refuses_weak_passwords(env: Path, password: str, words: str) -> None:
    result = run_dorsi(
        "users", "create", "--role", "clinician", "--username", "cl", stdin=password + "\n"
    )
    assert result.code == 2
    assert words in result.stderr
    assert result.stderr.count("\n") == 1


def test_users_create_refuses_a_name_of_spaces(env: Path) -> None:
    result = run_dorsi(
        "users",
        "create",
        "--role",
        "clinician",
        "--username",
        "cl",
        "--display-name",
        "   ",
        stdin="a long clinic passphrase\n",
    )
    assert result.code == 2
    assert "display_name: must contain a letter or digit" in result.stderr
    assert result.stderr.count("\n") == 1
    assert "cl" not in run_dorsi("users", "list").stdout


def test_users_create_twice_is_a_conflict(env: Path) -> None:
    args = ("users", "create", "--role", "clinician", "--username", "dup")
    assert run_dorsi(*args, stdin="a long clinic passphrase\n").code == 0
    again = run_dorsi(*args, stdin="a long clinic passphrase\n")
    assert again.code == 2
    assert "taken" in again.stderr


def test_demo_fills_only_an_empty_database(env: Path) -> None:
    first = run_dorsi("demo")
    assert first.code == 0, first.stderr
    for name in ("demo-clinician", "rosa", "omar", "grace"):
        assert name in first.stdout
    assert "password: demo-" in first.stdout
    kept = env / "demo-logins.txt"
    assert oct(kept.stat().st_mode & 0o777) == "0o600"
    second = run_dorsi("demo")
    assert second.code == 2
    assert "empty database" in second.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_serve_demo_answers_and_signs_in(env: Path) -> None:
    port = _free_port()
    exe = Path(sys.executable).with_name("dorsi")
    with subprocess.Popen(
        [str(exe), "serve", "--demo", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    ) as proc:
        _check_server(proc, port, env)


def _check_server(proc: subprocess.Popen[str], port: int, env: Path) -> None:
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "dorsi serve did not start"
                time.sleep(0.2)
        assert health.status_code == 200
        # The probe's cookie (CVE-2024-7592): the server stops buffering a header block
        # long past its cap (400); the app refuses any cookie over 8 KiB (431) before it is
        # parsed. (h11 checks its cap only while a block is incomplete: 64 KiB sent at once
        # may reach the app.) healthz answers meanwhile.
        sizes = ((262_144, {"400", "reset"}), (65_536, {"400", "reset", "431"}), (12_000, {"431"}))
        for size_bytes, answers in sizes:
            cookie = 'a="' + '\\"' * (size_bytes // 2)
            try:
                got = str(httpx.get(f"{base}/healthz", headers={"Cookie": cookie}).status_code)
            except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError):
                got = "reset"  # the server answered 400 and closed while the client sent
            assert got in answers, size_bytes
            assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200
        logins = (env / "demo-logins.txt").read_text("utf-8").split()
        password = logins[logins.index("demo-clinician") + 2]
        token = httpx.post(
            f"{base}/api/v1/auth/token",
            data={"username": "demo-clinician", "password": password},
        )
        assert token.status_code == 200
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        patients = httpx.get(f"{base}/api/v1/patients", headers=headers).json()
        assert {p["display_name"] for p in patients} == {"Rosa Demo", "Omar Demo", "Grace Demo"}
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serve_rejects_a_bad_port(env: Path) -> None:
    result = run_dorsi("serve", "--port", "70000")
    assert result.code == 2
    assert "--port" in result.stderr


def test_serve_rejects_a_bad_worker_count(env: Path) -> None:
    result = run_dorsi("serve", "--workers", "0")
    assert result.code == 2
    assert "--workers" in result.stderr
    assert "1 to 64" in result.stderr


@pytest.mark.parametrize(
    ("requested", "configured", "url", "cores", "expected"),
    [
        (3, 0, "sqlite:////tmp/x.sqlite3", 2, 3),  # asked for
        (None, 5, "sqlite:////tmp/x.sqlite3", 2, 5),  # DORSI_WORKERS
        (None, 0, "sqlite:////tmp/x.sqlite3", 2, 2),  # one per core
        (None, 0, "postgresql+psycopg://u@h/db", 16, 4),  # at most 4 by default
        (8, 0, "sqlite:///:memory:", 2, 1),  # one in-memory database: one process
    ],
)
def test_worker_count(
    requested: int | None,
    configured: int,
    url: str,
    cores: int,
    expected: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dorsi.cli.serve import worker_count

    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert worker_count(requested, configured, url) == expected


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="checks Linux process trees")
def test_serve_workers_share_the_database_and_die_with_the_parent(env: Path) -> None:
    """Two app processes answer on one port and write one audit chain; a SIGKILLed
    ``dorsi serve`` leaves none of them behind (so a restart can bind the port again)."""
    port = _free_port()
    exe = Path(sys.executable).with_name("dorsi")
    log = env / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(exe), "serve", "--demo", "--workers", "2", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "dorsi serve did not start"
            time.sleep(0.2)
        assert "2 app processes" in log.read_text()
        children = _children(proc.pid)
        assert len(children) >= 2, children
        logins = (env / "demo-logins.txt").read_text("utf-8").split()
        password = logins[logins.index("demo-clinician") + 2]
        with httpx.Client(base_url=base, timeout=30) as client:
            token = client.post(
                "/api/v1/auth/token", data={"username": "demo-clinician", "password": password}
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            for _ in range(40):  # new connections: the kernel spreads them over the processes
                with httpx.Client(base_url=base, timeout=30) as one:
                    assert one.get("/api/v1/patients", headers=headers).status_code == 200
        verified = run_dorsi("audit", "verify")
        assert verified.code == 0, verified.stderr
        _kill_and_expect_gone(
            proc, lambda: [pid for pid in children if Path(f"/proc/{pid}").exists()], 10
        )
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def _kill_and_expect_gone(
    proc: subprocess.Popen[bytes], left: Callable[[], list[int]], timeout_s: float
) -> None:
    """SIGKILL ``dorsi serve``; then ``left()`` (its app processes) must empty in time."""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    deadline = time.monotonic() + timeout_s
    while alive := left():
        assert time.monotonic() < deadline, f"app processes outlived dorsi serve: {alive}"
        time.sleep(0.1)


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _processes_with(marker: str) -> list[int]:
    """Pids whose environment holds ``marker`` (e.g. a test's own data folder)."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker.encode() in environ.read_bytes():
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return [pid for pid in found if pid != os.getpid()]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="checks Linux process trees")
@pytest.mark.parametrize("after_s", [0.0, 0.4])
def test_serve_killed_while_its_app_processes_start_leaves_none(env: Path, after_s: float) -> None:
    """SIGKILL just after ``dorsi serve`` started its app processes, before they could ask the
    kernel to end them with it: they notice on their own and end."""
    port = _free_port()
    exe = Path(sys.executable).with_name("dorsi")
    log = env / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(exe), "serve", "--workers", "2", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
    try:
        deadline = time.monotonic() + 60
        while "app processes" not in log.read_text():
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "dorsi serve did not start"
            time.sleep(0.01)
        time.sleep(after_s)
        _kill_and_expect_gone(proc, lambda: _processes_with(str(env)), 20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
