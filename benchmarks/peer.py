"""The peer of ``benchmarks/web.py``: the FastAPI full-stack template's backend, run as its
README says (``../shared/peers/full-stack-fastapi-template/``: upstream commit 68adb40d, MIT,
patched to run on Python 3.11).

The template needs packages Dorsi does not (sqlmodel, pwdlib, ...), so it runs from a virtual
environment of its own: made from PyPI with pip on first use under the cache folder
(``$DORSI_BENCH_CACHE``, default ``~/.cache/dorsi-bench``) and reused after. Its name carries
a digest of the package list and the Python version, so changing either makes a new one.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PEER_DIR = ROOT.parent / "shared" / "peers" / "full-stack-fastapi-template"

#: What the template's backend imports (its pyproject, without the dev tools and the
#: ``fastapi[standard]`` CLI extras the server does not use).
PACKAGES = (
    "fastapi",
    "sqlmodel",
    "psycopg[binary]",
    "pyjwt",
    "pwdlib[argon2,bcrypt]",
    "pydantic-settings",
    "email-validator",
    "jinja2",
    "alembic",
    "tenacity",
    "emails",
    "sentry-sdk",
    "uvicorn",
    "python-multipart",
)

ADMIN_EMAIL = "admin@example.com"


def cache_dir() -> Path:
    configured = os.environ.get("DORSI_BENCH_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "dorsi-bench"


def venv_name(packages: tuple[str, ...], version: tuple[int, int]) -> str:
    """The folder name of the peer's environment for these packages and this Python."""
    digest = hashlib.sha256("\n".join(packages).encode()).hexdigest()[:10]
    return f"peer-venv-py{version[0]}{version[1]}-{digest}"


def peer_python(cache: Path) -> Path:
    """The peer environment's interpreter; the environment is made first when missing.

    A marker file is written last, so an install that failed half-way is made again.
    """
    venv = cache / venv_name(PACKAGES, sys.version_info[:2])
    python = venv / "bin" / "python"
    marker = venv / ".complete"
    if marker.exists():
        return python
    shutil.rmtree(venv, ignore_errors=True)
    print(f"making the peer's environment from PyPI in {venv} (once)", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *PACKAGES],
        check=True,
    )
    marker.write_text("\n".join(PACKAGES) + "\n")
    return python


@dataclass(frozen=True)
class PeerServer:
    base_url: str
    admin_password: str

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])


def _env(backend: Path, database_url: str, admin_password: str) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_hex(32),
            "PROJECT_NAME": "peer",
            "FIRST_SUPERUSER": ADMIN_EMAIL,
            "FIRST_SUPERUSER_PASSWORD": admin_password,
            "PYTHONPATH": str(backend),
            "PYTHONDONTWRITEBYTECODE": "1",  # the shared copy stays as it is
        }
    )
    return env


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    return False


@contextmanager
def running_peer(
    python: Path, peer_dir: Path, database_url: str, workers: int, log_path: Path, port: int
) -> Iterator[PeerServer]:
    """The template's backend on an empty database: migrated, its first superuser created,
    served by uvicorn with ``workers`` processes on ``port``; stopped afterwards."""
    backend = peer_dir / "backend"
    admin_password = "pw-" + secrets.token_urlsafe(12)
    env = _env(backend, database_url, admin_password)
    with log_path.open("ab") as log:
        for step in (["-m", "alembic", "upgrade", "head"], ["-m", "app.initial_data"]):
            subprocess.run(
                [str(python), *step], cwd=backend, env=env, stdout=log, stderr=log, check=True
            )
        proc = subprocess.Popen(
            [
                *(str(python), "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1"),
                *("--port", str(port), "--workers", str(workers), "--no-access-log"),
            ],
            cwd=backend,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        if not _wait_healthy(f"{base_url}/api/v1/utils/health-check/", proc, 60):
            tail = log_path.read_text("utf-8", errors="replace")[-3000:]
            raise RuntimeError(f"the peer did not start; its output:\n{tail}")
        yield PeerServer(base_url, admin_password)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def token(base_url: str, email: str, password: str) -> str:
    """A bearer token from the template's OAuth2 password sign-in."""
    answer = httpx.post(
        f"{base_url}/api/v1/login/access-token",
        data={"username": email, "password": password},
        timeout=60,
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def new_user(server: PeerServer, email: str, items: int) -> str:
    """A plain (not superuser) account with ``items`` items of its own; its bearer token."""
    admin = {
        "Authorization": f"Bearer {token(server.base_url, ADMIN_EMAIL, server.admin_password)}"
    }
    password = "pw-" + secrets.token_urlsafe(12)
    with httpx.Client(base_url=server.base_url, timeout=60) as client:
        client.post(
            "/api/v1/users/", headers=admin, json={"email": email, "password": password}
        ).raise_for_status()
        mine = {"Authorization": f"Bearer {token(server.base_url, email, password)}"}
        for number in range(items):
            client.post(
                "/api/v1/items/", headers=mine, json={"title": f"item {number}"}
            ).raise_for_status()
    return mine["Authorization"].removeprefix("Bearer ")
