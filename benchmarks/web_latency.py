"""Latency and throughput of the patient's Today page and the session check-in (issue 3).

Starts the real ``dorsi serve`` (one uvicorn process, as a clinic laptop runs it) on a fresh
SQLite file and on a fresh PostgreSQL database, fills it with ``dorsi demo``, signs the demo
patients in (each simulated user has its own browser session or API token) and measures, at
1, 10 and 50 concurrent users:

- ``GET /me`` (Today: the assigned exercises, built from the stored record), signed in with
  the session cookie;
- ``POST /api/v1/patients/{id}/sessions`` (one check-in), with a bearer token.

Each user is a thread with its own keep-alive connection that sends its next request as soon
as the last one answered (a closed loop), for ``--duration`` seconds per cell after a short
warm-up. All Today cells run before the check-in cells, so every Today cell sees the same
stored history. Loopback only; the client threads share the machine with the server, so the
numbers are a floor for what one process serves, not a capacity plan.

Usage: ``.venv/bin/python benchmarks/web_latency.py [--duration 10] [--users 1,10,50]
[--backends sqlite,postgres] [--postgres-url postgresql://postgres@127.0.0.1:5432/test]``.
The PostgreSQL database is created for the run and dropped at the end.
"""

from __future__ import annotations

import argparse
import re
import secrets
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.server import (  # noqa: E402 - the repo root is on the path only now
    Login,
    fill_demo,
    running_server,
    server_env,
)

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CHECKIN = {
    "completed": True,
    "sets_done": 3,
    "pain_nrs": 1,
    "difficulty": "ok",
    "trips_since_last": 0,
    "weakness_worse": False,
    "balance_worse": False,
}


@dataclass
class Cell:
    backend: str
    endpoint: str
    users: int
    latencies_s: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""
    elapsed_s: float = 0.0

    def percentile_ms(self, q: int) -> float:
        if not self.latencies_s:
            return float("nan")
        if len(self.latencies_s) == 1:
            return self.latencies_s[0] * 1000
        return statistics.quantiles(self.latencies_s, n=100, method="inclusive")[q - 1] * 1000

    @property
    def throughput(self) -> float:
        return len(self.latencies_s) / self.elapsed_s if self.elapsed_s else 0.0


# --- signing in ------------------------------------------------------------------------------


def page_client(base_url: str, login: Login) -> httpx.Client:
    """A client signed in through the real sign-in form (pre-session cookie + CSRF token)."""
    client = httpx.Client(base_url=base_url, timeout=60)
    form = client.get("/login")
    token = CSRF.search(form.text)
    if token is None:
        raise RuntimeError("no CSRF token on /login")
    answer = client.post(
        "/login",
        data={"username": login.username, "password": login.password, "csrf_token": token[1]},
    )
    if answer.status_code != 303:
        raise RuntimeError(f"sign-in of {login.username} answered {answer.status_code}")
    return client


def api_client(base_url: str, login: Login) -> tuple[httpx.Client, int]:
    """A client with a bearer token, and the patient's own record id."""
    client = httpx.Client(base_url=base_url, timeout=60)
    answer = client.post(
        "/api/v1/auth/token", data={"username": login.username, "password": login.password}
    )
    answer.raise_for_status()
    client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    own = client.get("/api/v1/patients")
    own.raise_for_status()
    return client, int(own.json()[0]["id"])


# --- load ------------------------------------------------------------------------------------

Request = Callable[[], httpx.Response]


def run_cell(cell: Cell, requests: list[Request], expected: int, duration_s: float) -> None:
    """Each request function in its own thread, in a closed loop, for ``duration_s``."""
    lock = threading.Lock()
    warmed = threading.Barrier(len(requests) + 1)
    go = threading.Barrier(len(requests) + 1)
    stop_at = [0.0]

    def worker(send: Request) -> None:
        mine: list[float] = []
        errors = 0
        first = ""
        # Warm-up: one request each, not counted (connections, caches).
        send()
        warmed.wait()
        go.wait()
        while time.perf_counter() < stop_at[0]:
            t0 = time.perf_counter()
            try:
                answer = send()
                ok = answer.status_code == expected
                problem = f"{answer.status_code}: {answer.text[:120]}"
            except httpx.HTTPError as exc:
                ok, problem = False, repr(exc)
            if ok:
                mine.append(time.perf_counter() - t0)
            else:
                errors += 1
                first = first or problem
        with lock:
            cell.latencies_s.extend(mine)
            cell.errors += errors
            cell.first_error = cell.first_error or first

    threads = [threading.Thread(target=worker, args=(r,), daemon=True) for r in requests]
    for t in threads:
        t.start()
    warmed.wait()
    began = time.perf_counter()
    stop_at[0] = began + duration_s
    go.wait()
    for t in threads:
        t.join()
    cell.elapsed_s = time.perf_counter() - began


def users_for(logins: list[Login], count: int) -> list[Login]:
    return [logins[i % len(logins)] for i in range(count)]


def bench_backend(
    backend: str, database_url: str | None, levels: list[int], duration_s: float
) -> list[Cell]:
    cells: list[Cell] = []
    with tempfile.TemporaryDirectory(prefix=f"dorsi-bench-{backend}-") as tmp:
        env = server_env(Path(tmp), database_url)
        logins = fill_demo(env)
        # Rosa and Omar have active programs (Grace's is paused: a much shorter page).
        patients = [x for x in logins.values() if x.username in {"rosa", "omar"}]
        with running_server(env, Path(tmp) / "serve.log") as (base_url, _proc):
            clients: list[httpx.Client] = []
            try:
                for users in levels:
                    signed = [page_client(base_url, x) for x in users_for(patients, users)]
                    clients += signed
                    cell = Cell(backend, "GET /me (Today)", users)
                    run_cell(cell, [_get(c, "/me") for c in signed], 200, duration_s)
                    cells.append(report(cell))
                for users in levels:
                    api = [api_client(base_url, x) for x in users_for(patients, users)]
                    clients += [c for c, _ in api]
                    cell = Cell(backend, "POST .../sessions (check-in)", users)
                    run_cell(
                        cell,
                        [_post(c, f"/api/v1/patients/{pid}/sessions", CHECKIN) for c, pid in api],
                        201,
                        duration_s,
                    )
                    cells.append(report(cell))
            finally:
                for c in clients:
                    c.close()
    return cells


def _get(client: httpx.Client, path: str) -> Request:
    return lambda: client.get(path)


def _post(client: httpx.Client, path: str, body: dict[str, object]) -> Request:
    return lambda: client.post(path, json=body)


# --- PostgreSQL: a database of its own ------------------------------------------------------


@contextmanager
def fresh_postgres(admin_url: str) -> Iterator[str]:
    """Create ``dorsi_bench_<random>`` on the server of ``admin_url``; drop it afterwards."""
    import psycopg

    name = f"dorsi_bench_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        base = admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- output ----------------------------------------------------------------------------------

HEADER = (
    f"{'database':<9} {'endpoint':<29} {'users':>5} {'requests':>8} {'errors':>6} "
    f"{'p50 ms':>8} {'p95 ms':>8} {'req/s':>8}"
)


def row(cell: Cell) -> str:
    return (
        f"{cell.backend:<9} {cell.endpoint:<29} {cell.users:>5} {len(cell.latencies_s):>8} "
        f"{cell.errors:>6} {cell.percentile_ms(50):>8.1f} {cell.percentile_ms(95):>8.1f} "
        f"{cell.throughput:>8.1f}"
    )


def report(cell: Cell) -> Cell:
    print(row(cell), flush=True)
    if cell.first_error:
        print(f"          first error: {cell.first_error}", flush=True)
    return cell


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per cell")
    parser.add_argument("--users", default="1,10,50", help="concurrency levels (comma list)")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.users.split(",")]
    backends = args.backends.split(",")
    print(f"dorsi serve, one process; closed loop, {args.duration:g} s per cell\n")
    print(HEADER, flush=True)
    cells: list[Cell] = []
    for backend in backends:
        if backend == "sqlite":
            cells += bench_backend("sqlite", None, levels, args.duration)
        elif backend == "postgres":
            with fresh_postgres(args.postgres_url) as url:
                cells += bench_backend("postgres", url, levels, args.duration)
        else:
            parser.error(f"--backends: unknown backend {backend!r} (sqlite, postgres)")
    print("\n" + HEADER)
    for cell in cells:
        print(row(cell))
    return 1 if any(c.errors for c in cells) else 0


if __name__ == "__main__":
    sys.exit(main())
