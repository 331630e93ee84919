"""`dorsi users`, `dorsi demo` and `dorsi serve` as an operator runs them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
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
    [("short", "at least 8"), ("password123", "most common"), ("", "no password")],
)
def test_users_create_refuses_weak_passwords(env: Path, password: str, words: str) -> None:
    result = run_dorsi(
        "users", "create", "--role", "clinician", "--username", "cl", stdin=password + "\n"
    )
    assert result.code == 2
    assert words in result.stderr
    assert result.stderr.count("\n") == 1


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
