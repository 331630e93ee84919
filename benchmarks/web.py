"""Dorsi beside a well-known peer: an authenticated write and a read, one machine, one load.

The peer is the FastAPI full-stack template's backend (``benchmarks/peer.py``: FastAPI,
SQLModel, PostgreSQL, JWT), whose authenticated write does less than Dorsi's:

==========  =========================================  ==========================================
cell        peer (template)                            Dorsi
==========  =========================================  ==========================================
write       ``POST /api/v1/items/``: JWT decode, user  ``POST /api/v1/patients/{id}/sessions``
            lookup, insert, commit                     (check-in): token lookup, access check,
                                                       insert, audit chain append, commit
read        ``GET /api/v1/items/``: JWT, user lookup,  ``GET /api/v1/patients/{id}/progress``:
            count and list of the user's items         token, access check, the stored history
                                                       reviewed, audit chain append, commit
==========  =========================================  ==========================================

For each number of app processes (``--processes``, default 1 and 2) the peer (on PostgreSQL)
and Dorsi (``dorsi serve`` on PostgreSQL, and on SQLite) are started side by side, each on a
database of its own made for the run. Writers and readers use different accounts, so what a
read returns does not grow during the run: Dorsi's writers are the demo patients Rosa and Omar,
its reader Grace (23 check-ins and her measurements); the peer's writers are two new users,
its reader a user with ``--peer-items`` items (default 25, about Grace's history).

One load generator drives every cell: ``--clients`` closed-loop clients (default 50), each on a
keep-alive loopback socket sending its next request when the last one is answered, for
``--seconds`` after a warm-up. A round runs every cell once, the peer's cell beside Dorsi's;
odd rounds run them in reverse order, so drift in the machine's load falls on both; each
figure is the median over ``--rounds`` rounds. The generator is one asyncio loop writing
pre-built HTTP/1.1 requests (no HTTP library) and shares the machine with the servers.

Targets, for every number of processes, on PostgreSQL: Dorsi's check-in at least as many per
second as the peer's item create, with a p95 no worse; Dorsi's read at least as many per
second as the peer's list; and no errors. Exits 1 when one is missed. The SQLite cells and
the disk's raw durable commit rate (SQLite, WAL, ``synchronous=FULL``, one row per
transaction) are printed for reference only.

Usage: ``.venv/bin/python benchmarks/web.py [--seconds 10] [--rounds 5] [--processes 1,2]
[--clients 50] [--postgres-url postgresql://postgres@127.0.0.1:5432/test]``; a quick look:
``--seconds 3 --rounds 1``. The first run makes the peer's environment (see peer.py).
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
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.web_latency import CHECKIN, fresh_postgres  # noqa: E402
from tests.browser.server import (  # noqa: E402
    Login,
    fill_demo,
    free_port,
    running_server,
    server_env,
)

from benchmarks import peer  # noqa: E402 - the repo root is on the path only now

WARM_UP_S = 1.5
WRITERS = ("rosa", "omar")
READER = "grace"

# --- the load ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One kind of request against one server: what a round runs."""

    system: str  # "peer" or "dorsi"
    backend: str  # "postgres" or "sqlite"
    kind: str  # "write" or "read"
    port: int
    requests: tuple[bytes, ...]  # one per client
    expected: int  # the status code of a success

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.system, self.backend, self.kind)


@dataclass
class Sample:
    """The answers of one run of a cell."""

    latencies_s: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""
    elapsed_s: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies_s) / self.elapsed_s if self.elapsed_s else 0.0

    def percentile_ms(self, q: int) -> float:
        if len(self.latencies_s) < 2:
            return self.latencies_s[0] * 1000 if self.latencies_s else float("nan")
        return statistics.quantiles(self.latencies_s, n=100, method="inclusive")[q - 1] * 1000


def request_bytes(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
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


async def drive(cell: Cell, seconds: float) -> Sample:
    """One closed-loop client per request of ``cell``, for a warm-up and then ``seconds``."""
    sample = Sample()
    measure_from = time.perf_counter() + WARM_UP_S
    stop_at = measure_from + seconds

    def failed(problem: str) -> None:
        sample.errors += 1
        sample.first_error = sample.first_error or problem

    async def client(request: bytes) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", cell.port)
        try:
            while (sent := time.perf_counter()) < stop_at:
                try:
                    status, body = await exchange(reader, writer, request)
                except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                    failed(repr(exc))
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", cell.port)
                    continue
                if sent < measure_from:
                    continue
                if status == cell.expected:
                    sample.latencies_s.append(time.perf_counter() - sent)
                else:
                    failed(f"{status}: {body[:160]!r}")
        finally:
            writer.close()

    await asyncio.gather(*(client(r) for r in cell.requests))
    sample.elapsed_s = time.perf_counter() - measure_from
    return sample


def round_order(cells: Sequence[Cell], number: int) -> list[Cell]:
    """The cells of round ``number`` (from 0): as given, reversed in odd rounds."""
    return list(cells) if number % 2 == 0 else list(reversed(cells))


# --- summaries and targets -----------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """A cell's medians over the rounds."""

    rate: float
    p50_ms: float
    p95_ms: float
    errors: int
    first_error: str


def summarize(samples: Sequence[Sample]) -> Summary:
    return Summary(
        rate=statistics.median(s.rate for s in samples),
        p50_ms=statistics.median(s.percentile_ms(50) for s in samples),
        p95_ms=statistics.median(s.percentile_ms(95) for s in samples),
        errors=sum(s.errors for s in samples),
        first_error=next((s.first_error for s in samples if s.first_error), ""),
    )


Key = tuple[str, str, str]


def misses(results: dict[Key, Summary], processes: int) -> list[str]:
    """The targets missed by the results of one number of processes (see the docstring)."""
    found: list[str] = []
    where = f"{processes} process{'es' if processes > 1 else ''}"
    for key, summary in results.items():
        if summary.errors:
            found.append(f"{where}, {' '.join(key)}: {summary.errors} errors")
    write = results.get(("dorsi", "postgres", "write")), results.get(("peer", "postgres", "write"))
    read = results.get(("dorsi", "postgres", "read")), results.get(("peer", "postgres", "read"))
    match write:
        case (Summary() as dorsi, Summary() as other):
            if dorsi.rate < other.rate:
                found.append(
                    f"{where}: check-ins {dorsi.rate:.0f}/s below the peer's item create "
                    f"{other.rate:.0f}/s ({dorsi.rate / other.rate:.2f}x, target >= 1.00x)"
                )
            if dorsi.p95_ms > other.p95_ms:
                found.append(
                    f"{where}: check-in p95 {dorsi.p95_ms:.0f} ms above the peer's "
                    f"{other.p95_ms:.0f} ms"
                )
    match read:
        case (Summary() as dorsi, Summary() as other) if dorsi.rate < other.rate:
            found.append(
                f"{where}: reads {dorsi.rate:.0f}/s below the peer's list {other.rate:.0f}/s "
                f"({dorsi.rate / other.rate:.2f}x, target >= 1.00x)"
            )
    return found


LABELS = {
    ("peer", "write"): "peer: item create",
    ("peer", "read"): "peer: item list",
    ("dorsi", "write"): "Dorsi: check-in",
    ("dorsi", "read"): "Dorsi: progress (audited)",
}
HEADER = (
    f"{'procs':>5}  {'database':<10}{'cell':<27}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}"
    f"{'errors':>7}{'vs peer':>9}{'p95 vs':>8}"
)


def table(results: dict[Key, Summary], processes: int) -> list[str]:
    """The rows of one number of processes: each Dorsi cell with its ratios to the peer's
    (rate: Dorsi / peer, higher is better; p95: Dorsi / peer, lower is better)."""
    rows: list[str] = []
    for kind in ("write", "read"):
        other = results.get(("peer", "postgres", kind))
        for system, backend in (("peer", "postgres"), ("dorsi", "postgres"), ("dorsi", "sqlite")):
            mine = results.get((system, backend, kind))
            if mine is None:
                continue
            ratio = p95 = ""
            if system == "dorsi" and other is not None and other.rate and other.p95_ms:
                ratio = f"{mine.rate / other.rate:.2f}x"
                p95 = f"{mine.p95_ms / other.p95_ms:.2f}x"
            rows.append(
                f"{processes:>5}  {backend:<10}{LABELS[system, kind]:<27}{mine.rate:>8.0f}"
                f"{mine.p50_ms:>8.0f}{mine.p95_ms:>8.0f}{mine.errors:>7}{ratio:>9}{p95:>8}"
            )
            if mine.first_error:
                rows.append(f"{'':>7}first error: {mine.first_error}")
    return rows


# --- the servers ---------------------------------------------------------------------------


def raw_commit_rate(folder: Path, seconds: float) -> float:
    """Durable commits per second: one small row per transaction, WAL, synchronous=FULL."""
    path = folder / "reference.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, at REAL NOT NULL)")
        done = 0
        start = time.perf_counter()
        while (now := time.perf_counter()) - start < seconds:
            db.execute("BEGIN")
            db.execute("INSERT INTO t (at) VALUES (?)", (now,))
            db.execute("COMMIT")
            done += 1
        return done / (time.perf_counter() - start)
    finally:
        db.close()


def bearer(base_url: str, login: Login) -> tuple[str, int]:
    """A Dorsi API token for ``login``, and the id of the patient's own record."""
    with httpx.Client(base_url=base_url, timeout=60) as client:
        answer = client.post(
            "/api/v1/auth/token", data={"username": login.username, "password": login.password}
        )
        answer.raise_for_status()
        token = str(answer.json()["access_token"])
        own = client.get("/api/v1/patients", headers={"Authorization": f"Bearer {token}"})
        own.raise_for_status()
        return token, int(own.json()[0]["id"])


def spread(items: Sequence[bytes], clients: int) -> tuple[bytes, ...]:
    """``clients`` requests taking ``items`` in turn."""
    return tuple(items[i % len(items)] for i in range(clients))


@contextmanager
def dorsi_cells(
    backend: str, database_url: str | None, processes: int, clients: int, folder: Path
) -> Iterator[list[Cell]]:
    """``dorsi serve`` with the demo clinic on ``backend``; its write and read cells."""
    env = server_env(folder, database_url)
    env["DORSI_WORKERS"] = str(processes)
    logins = fill_demo(env)
    with running_server(env, folder / "serve.log") as (base_url, _proc):
        port = int(base_url.rsplit(":", 1)[1])
        body = json.dumps(CHECKIN).encode()
        posts = []
        for name in WRITERS:
            token, pid = bearer(base_url, logins[name])
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            posts.append(request_bytes("POST", f"/api/v1/patients/{pid}/sessions", headers, body))
        token, pid = bearer(base_url, logins[READER])
        read = request_bytes(
            "GET", f"/api/v1/patients/{pid}/progress", {"Authorization": f"Bearer {token}"}
        )
        yield [
            Cell("dorsi", backend, "write", port, spread(posts, clients), 201),
            Cell("dorsi", backend, "read", port, spread([read], clients), 200),
        ]


@contextmanager
def peer_cells(
    python: Path, args: argparse.Namespace, database_url: str, processes: int, folder: Path
) -> Iterator[list[Cell]]:
    """The template's backend on PostgreSQL; its write and read cells."""
    log = folder / "peer.log"
    with peer.running_peer(
        python, args.peer_dir, database_url, processes, log, free_port()
    ) as server:
        body = json.dumps({"title": "check-in", "description": "one more"}).encode()
        posts = []
        for number in range(len(WRITERS)):
            token = peer.new_user(server, f"writer{number}@example.com", 0)
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            posts.append(request_bytes("POST", "/api/v1/items/", headers, body))
        token = peer.new_user(server, "reader@example.com", args.peer_items)
        read = request_bytes("GET", "/api/v1/items/", {"Authorization": f"Bearer {token}"})
        yield [
            Cell("peer", "postgres", "write", server.port, spread(posts, args.clients), 200),
            Cell("peer", "postgres", "read", server.port, spread([read], args.clients), 200),
        ]


def interleave(groups: Sequence[Sequence[Cell]]) -> list[Cell]:
    """Every write cell, then every read cell, each kind in the order of ``groups``."""
    return [c for kind in ("write", "read") for g in groups for c in g if c.kind == kind]


def run_processes(
    args: argparse.Namespace, python: Path, processes: int, log: Callable[[str], None]
) -> dict[Key, Summary]:
    """Start the servers with ``processes`` app processes each, run the rounds, summarize."""
    samples: dict[Key, list[Sample]] = {}
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="dorsi-web-")))

        def folder(name: str) -> Path:
            (tmp / name).mkdir()
            return tmp / name

        peer_db = stack.enter_context(fresh_postgres(args.postgres_url))
        groups = [stack.enter_context(peer_cells(python, args, peer_db, processes, folder("peer")))]
        for backend in args.backends:
            url = (
                stack.enter_context(fresh_postgres(args.postgres_url))
                if backend == "postgres"
                else None
            )
            groups.append(
                stack.enter_context(
                    dorsi_cells(backend, url, processes, args.clients, folder(f"dorsi-{backend}"))
                )
            )
        cells = interleave(groups)
        for number in range(args.rounds):
            for cell in round_order(cells, number):
                sample = asyncio.run(drive(cell, args.seconds))
                samples.setdefault(cell.key, []).append(sample)
                log(
                    f"  {processes} proc, round {number + 1}: {' '.join(cell.key):<22}"
                    f"{sample.rate:>7.0f}/s  p95 {sample.percentile_ms(95):>6.0f} ms"
                    + (f"  {sample.errors} errors" if sample.errors else "")
                )
    return {key: summarize(runs) for key, runs in samples.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per cell")
    parser.add_argument("--rounds", type=int, default=5, help="rounds (median is reported)")
    parser.add_argument("--processes", default="1,2", help="app processes per server, a list")
    parser.add_argument("--clients", type=int, default=50, help="closed-loop clients")
    parser.add_argument("--backends", default="postgres,sqlite", help="Dorsi's databases")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--peer-dir", type=Path, default=peer.PEER_DIR)
    parser.add_argument("--peer-items", type=int, default=25, help="items the peer's reader has")
    parser.add_argument("--reference-s", type=float, default=2.0, help="seconds of raw commits")
    args = parser.parse_args(argv)
    args.backends = args.backends.split(",")
    if unknown := set(args.backends) - {"postgres", "sqlite"}:
        parser.error(f"--backends: unknown {sorted(unknown)} (postgres, sqlite)")
    if not (args.peer_dir / "backend" / "app").is_dir():
        parser.error(f"--peer-dir: no template backend in {args.peer_dir} (see peer.py)")
    python = peer.peer_python(peer.cache_dir())
    with tempfile.TemporaryDirectory(prefix="dorsi-web-ref-") as tmp:
        reference = raw_commit_rate(Path(tmp), args.reference_s)
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
        f"{args.clients} closed-loop clients, {args.seconds:g} s per cell, "
        f"{args.rounds} round(s), median reported",
        flush=True,
    )
    lines: list[str] = []
    missed: list[str] = []
    for processes in (int(p) for p in args.processes.split(",")):
        results = run_processes(args, python, processes, lambda text: print(text, flush=True))
        lines += table(results, processes)
        missed += misses(results, processes)
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")
    print(HEADER)
    print("-" * len(HEADER))
    print("\n".join(lines))
    print(
        f"reference: raw durable SQLite commits on this disk (WAL, synchronous=FULL, one row "
        f"per transaction): {reference:.0f}/s"
    )
    if missed:
        print("targets missed:\n  " + "\n  ".join(missed))
        return 1
    print("targets met: Dorsi at least as fast as the peer on PostgreSQL, p95 no worse")
    return 0


if __name__ == "__main__":
    sys.exit(main())
