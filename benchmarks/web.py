"""Check-ins near the disk's limit, and the patient's Today page under load (issue 9, "Web").

For each database (a fresh SQLite file, then a fresh PostgreSQL database):

1. **Reference** (SQLite only): the raw durable commit rate of the file system the server's
   SQLite file lives on, measured first: one small row per transaction, WAL,
   ``synchronous=FULL``, one connection, for ``--reference-s`` seconds.
2. Starts the real ``dorsi serve`` (as a clinic runs it: one app process per core, at most 4,
   unless ``--workers`` says otherwise) on that database, fills it with
   ``dorsi demo`` and signs the demo patients in (a bearer token per API client, a browser
   session per page client).
3. Drives it with ``--clients`` concurrent clients (default 50), each a keep-alive connection
   that sends its next request as soon as the last one answered (a closed loop), for
   ``--duration`` seconds after a warm-up:

   - ``check-in``: ``POST /api/v1/patients/{id}/sessions`` (one end-of-session check-in);
   - ``today``: ``GET /me`` (the patient's Today page, signed in with the session cookie).

The load generator is one asyncio loop writing pre-built HTTP/1.1 requests on raw sockets
(no HTTP library), so nearly all of the machine's CPU is left to the server; it shares the
machine all the same, so the figures are a floor. Server log lines saying "database is locked"
are counted.

Targets: check-ins at ``--clients`` reach 25 % or more of the reference rate, with p95 at or
under 50 ms, 0 errors and 0 "database is locked"; Today's p95 at or under 50 ms. PostgreSQL has
no reference of its own: its check-in rate is shown against the SQLite reference too.
Exits 1 when a target is missed.

Usage: ``.venv/bin/python benchmarks/web.py [--duration 10] [--clients 50] [--workers N]
[--backends sqlite,postgres] [--postgres-url postgresql://postgres@127.0.0.1:5432/test]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.web_latency import (  # noqa: E402 - the repo root is on the path only now
    CHECKIN,
    CSRF,
    fresh_postgres,
)
from tests.browser.server import (  # noqa: E402
    Login,
    fill_demo,
    running_server,
    server_env,
)

SHARE_TARGET = 0.25
P95_TARGET_MS = 50.0
LOCKED = "database is locked"
WARM_UP_S = 1.5


# --- the reference -------------------------------------------------------------------------


def raw_commit_rate(folder: Path, seconds: float) -> float:
    """Durable commits per second: one small row per transaction, WAL, synchronous=FULL."""
    path = folder / "reference.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, at REAL NOT NULL, note TEXT)")
        done = 0
        start = time.perf_counter()
        while (now := time.perf_counter()) - start < seconds:
            db.execute("BEGIN")
            db.execute("INSERT INTO t (at, note) VALUES (?, 'check-in')", (now,))
            db.execute("COMMIT")
            done += 1
        return done / (time.perf_counter() - start)
    finally:
        db.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


# --- the load ------------------------------------------------------------------------------


@dataclass
class Cell:
    backend: str
    endpoint: str
    clients: int
    latencies_s: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""
    elapsed_s: float = 0.0
    locked: int = 0

    def percentile_ms(self, q: int) -> float:
        if len(self.latencies_s) < 2:
            return self.latencies_s[0] * 1000 if self.latencies_s else float("nan")
        return statistics.quantiles(self.latencies_s, n=100, method="inclusive")[q - 1] * 1000

    @property
    def rate(self) -> float:
        return len(self.latencies_s) / self.elapsed_s if self.elapsed_s else 0.0


def request_bytes(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [
        f"{method} {path} HTTP/1.1",
        "Host: 127.0.0.1",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bytes]:
    """Send one request on a keep-alive connection; the status and the body."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if not chunked:
        return status, await reader.readexactly(length)
    body = bytearray()
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        chunk = await reader.readexactly(size + 2)
        if size == 0:
            return status, bytes(body)
        body += chunk[:-2]


async def drive(
    port: int, requests: list[bytes], expected: int, duration_s: float, cell: Cell
) -> None:
    """One closed-loop client per request, for a warm-up and then ``duration_s``."""
    measure_from = time.perf_counter() + WARM_UP_S
    stop_at = measure_from + duration_s

    async def client(request: bytes) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while (sent := time.perf_counter()) < stop_at:
                try:
                    status, body = await exchange(reader, writer, request)
                except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                    cell.errors += 1
                    cell.first_error = cell.first_error or repr(exc)
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                if sent < measure_from:
                    continue
                if status == expected:
                    cell.latencies_s.append(time.perf_counter() - sent)
                else:
                    cell.errors += 1
                    cell.first_error = cell.first_error or f"{status}: {body[:160]!r}"
        finally:
            writer.close()

    await asyncio.gather(*(client(r) for r in requests))
    cell.elapsed_s = time.perf_counter() - measure_from


# --- signing in ----------------------------------------------------------------------------


def session_cookie(base_url: str, login: Login) -> str:
    """``name=value`` of a browser session, signed in through the real sign-in form."""
    with httpx.Client(base_url=base_url, timeout=60) as client:
        token = CSRF.search(client.get("/login").text)
        if token is None:
            raise RuntimeError("no CSRF token on /login")
        answer = client.post(
            "/login",
            data={"username": login.username, "password": login.password, "csrf_token": token[1]},
        )
        if answer.status_code != 303:
            raise RuntimeError(f"sign-in of {login.username} answered {answer.status_code}")
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def bearer(base_url: str, login: Login) -> tuple[str, int]:
    """An API token for ``login``, and the id of the patient's own record."""
    with httpx.Client(base_url=base_url, timeout=60) as client:
        answer = client.post(
            "/api/v1/auth/token", data={"username": login.username, "password": login.password}
        )
        answer.raise_for_status()
        token = answer.json()["access_token"]
        own = client.get("/api/v1/patients", headers={"Authorization": f"Bearer {token}"})
        own.raise_for_status()
        return token, int(own.json()[0]["id"])


# --- one database --------------------------------------------------------------------------


def bench(backend: str, database_url: str | None, args: argparse.Namespace) -> list[Cell]:
    with tempfile.TemporaryDirectory(prefix=f"dorsi-web-{backend}-") as tmp:
        env = server_env(Path(tmp), database_url)
        if args.workers:
            env["DORSI_WORKERS"] = str(args.workers)
        logins = fill_demo(env)
        patients = [x for x in logins.values() if x.username in {"rosa", "omar"}]
        log = Path(tmp) / "serve.log"
        with running_server(env, log) as (base_url, _proc):
            port = int(base_url.rsplit(":", 1)[1])
            people = [patients[i % len(patients)] for i in range(args.clients)]
            cookies = {p.username: session_cookie(base_url, p) for p in patients}
            tokens = {p.username: bearer(base_url, p) for p in patients}
            today = Cell(backend, "GET /me (Today)", args.clients)
            pages = [request_bytes("GET", "/me", {"Cookie": cookies[p.username]}) for p in people]
            asyncio.run(drive(port, pages, 200, args.duration, today))
            checkin = Cell(backend, "POST sessions (check-in)", args.clients)
            body = json.dumps(CHECKIN).encode()
            posts = [
                request_bytes(
                    "POST",
                    f"/api/v1/patients/{tokens[p.username][1]}/sessions",
                    {
                        "Authorization": f"Bearer {tokens[p.username][0]}",
                        "Content-Type": "application/json",
                    },
                    body,
                )
                for p in people
            ]
            asyncio.run(drive(port, posts, 201, args.duration, checkin))
        locked = log.read_text(errors="replace").count(LOCKED)
        checkin.locked = today.locked = locked
    return [today, checkin]


def fmt_row(cell: Cell, reference: float | None) -> str:
    share = (
        f"{cell.rate / reference:>7.0%}" if reference and "check-in" in cell.endpoint else "      -"
    )
    return (
        f"{cell.backend:<9}{cell.endpoint:<26}{cell.clients:>8}{len(cell.latencies_s):>9}"
        f"{cell.errors:>7}{cell.locked:>7}{cell.percentile_ms(50):>8.1f}{cell.percentile_ms(95):>8.1f}"
        f"{cell.rate:>8.0f}{share}"
    )


HEADER = (
    f"{'database':<9}{'endpoint':<26}{'clients':>8}{'requests':>9}{'errors':>7}{'locked':>7}"
    f"{'p50 ms':>8}{'p95 ms':>8}{'req/s':>8}{'of raw':>7}"
)


def misses(cell: Cell, reference: float | None) -> list[str]:
    found: list[str] = []
    where = f"{cell.backend} {cell.endpoint}"
    if cell.percentile_ms(95) > P95_TARGET_MS:
        found.append(f"{where}: p95 {cell.percentile_ms(95):.1f} ms (target <= {P95_TARGET_MS:g})")
    if cell.errors or cell.locked:
        found.append(f"{where}: {cell.errors} errors, {cell.locked} 'database is locked'")
    if "check-in" in cell.endpoint and reference and cell.rate < SHARE_TARGET * reference:
        found.append(
            f"{where}: {cell.rate:.0f}/s is {cell.rate / reference:.0%} of the raw commit rate "
            f"{reference:.0f}/s (target >= {SHARE_TARGET:.0%})"
        )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per cell")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument(
        "--workers", type=int, default=0, help="app processes (default: dorsi serve's own)"
    )
    parser.add_argument("--reference-s", type=float, default=3.0, help="seconds of reference")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args(argv)
    cells: list[Cell] = []
    with tempfile.TemporaryDirectory(prefix="dorsi-web-ref-") as tmp:
        reference = raw_commit_rate(Path(tmp), args.reference_s)
    load = os.getloadavg()[0]
    print(
        f"machine: {os.cpu_count()} cores, load average {load:.1f}; raw durable SQLite commit "
        f"rate (WAL, synchronous=FULL, one row per transaction): {reference:.0f}/s"
    )
    workers = args.workers or "one per core, at most 4"
    print(
        f"dorsi serve ({workers} app processes); {args.clients} closed-loop clients, "
        f"{args.duration:g} s per cell\n"
    )
    for backend in args.backends.split(","):
        if backend == "sqlite":
            cells += bench("sqlite", None, args)
        elif backend == "postgres":
            with fresh_postgres(args.postgres_url) as url:
                cells += bench("postgres", url, args)
        else:
            parser.error(f"--backends: unknown backend {backend!r} (sqlite, postgres)")
    print(HEADER)
    print("-" * len(HEADER))
    missed: list[str] = []
    for cell in cells:
        print(fmt_row(cell, reference))
        if cell.first_error:
            print(f"    first error: {cell.first_error}")
        missed += misses(cell, reference)
    if missed:
        print("issue 9 targets missed:\n  " + "\n  ".join(missed))
        return 1
    print("issue 9 targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
