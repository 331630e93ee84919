"""The bookkeeping of benchmarks/web.py: order of the cells, medians, ratios and targets, and
the HTTP reading of its load generator. No timing is asserted (the benchmark measures that)."""

from __future__ import annotations

import asyncio

from benchmarks.peer import venv_name
from benchmarks.web import (
    Cell,
    Sample,
    Summary,
    exchange,
    interleave,
    misses,
    request_bytes,
    round_order,
    summarize,
    table,
)


def _cell(system: str, backend: str, kind: str) -> Cell:
    return Cell(system, backend, kind, 1, (b"",), 200)


def _summary(rate: float, p95_ms: float, errors: int = 0) -> Summary:
    return Summary(rate=rate, p50_ms=p95_ms / 2, p95_ms=p95_ms, errors=errors, first_error="")


PEER = [_cell("peer", "postgres", "write"), _cell("peer", "postgres", "read")]
DORSI_PG = [_cell("dorsi", "postgres", "write"), _cell("dorsi", "postgres", "read")]
DORSI_LITE = [_cell("dorsi", "sqlite", "write"), _cell("dorsi", "sqlite", "read")]


def test_cells_alternate_peer_and_dorsi_and_odd_rounds_run_in_reverse() -> None:
    cells = interleave([PEER, DORSI_PG, DORSI_LITE])
    assert [c.key for c in cells] == [
        ("peer", "postgres", "write"),
        ("dorsi", "postgres", "write"),
        ("dorsi", "sqlite", "write"),
        ("peer", "postgres", "read"),
        ("dorsi", "postgres", "read"),
        ("dorsi", "sqlite", "read"),
    ]
    assert round_order(cells, 0) == cells
    assert round_order(cells, 1) == cells[::-1]
    assert round_order(cells, 2) == cells


def test_the_summary_is_the_median_of_the_rounds() -> None:
    rounds = [
        Sample(latencies_s=[0.010] * 100, elapsed_s=1.0),
        Sample(latencies_s=[0.030] * 300, elapsed_s=1.0, errors=2, first_error="500: boom"),
        Sample(latencies_s=[0.020] * 200, elapsed_s=1.0),
    ]
    summary = summarize(rounds)
    assert summary.rate == 200
    assert round(summary.p95_ms, 6) == 20.0
    assert summary.errors == 2
    assert summary.first_error == "500: boom"


def test_dorsi_ahead_of_the_peer_meets_every_target() -> None:
    results = {
        ("peer", "postgres", "write"): _summary(190, 582),
        ("dorsi", "postgres", "write"): _summary(297, 255),
        ("peer", "postgres", "read"): _summary(300, 200),
        ("dorsi", "postgres", "read"): _summary(300, 190),
        ("dorsi", "sqlite", "write"): _summary(10, 5000),  # reference only: no target
    }
    assert misses(results, 1) == []
    rows = table(results, 1)
    assert any("Dorsi: check-in" in r and "1.56x" in r and "0.44x" in r for r in rows)


def test_each_target_missed_is_named() -> None:
    results = {
        ("peer", "postgres", "write"): _summary(200, 100),
        ("dorsi", "postgres", "write"): _summary(150, 120),
        ("peer", "postgres", "read"): _summary(300, 100),
        ("dorsi", "postgres", "read"): _summary(299, 90, errors=3),
    }
    found = misses(results, 2)
    assert len(found) == 4
    assert any("2 processes, dorsi postgres read: 3 errors" in m for m in found)
    assert any("check-ins 150/s below the peer's item create 200/s (0.75x" in m for m in found)
    assert any("check-in p95 120 ms above the peer's 100 ms" in m for m in found)
    assert any("reads 299/s below the peer's list 300/s" in m for m in found)


def test_requests_carry_their_length() -> None:
    post = request_bytes("POST", "/x", {"Authorization": "Bearer t"}, b'{"a": 1}')
    assert post == (
        b"POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer t\r\n"
        b'Content-Length: 8\r\n\r\n{"a": 1}'
    )
    assert b"Content-Length" not in request_bytes("GET", "/x", {})


def test_answers_are_read_by_length_and_in_chunks() -> None:
    answers = [
        b"HTTP/1.1 201 Created\r\ncontent-length: 5\r\n\r\nhello",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
    ]

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for answer in answers:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(answer)
            await writer.drain()
        writer.close()

    async def run() -> list[tuple[int, bytes]]:
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        got = [await exchange(reader, writer, request_bytes("GET", "/", {})) for _ in answers]
        writer.close()
        server.close()
        await server.wait_closed()
        return got

    assert asyncio.run(run()) == [(201, b"hello"), (200, b"abcde")]


def test_the_peer_environment_is_named_by_its_packages_and_python() -> None:
    first = venv_name(("fastapi", "sqlmodel"), (3, 11))
    assert first == venv_name(("fastapi", "sqlmodel"), (3, 11))
    assert first != venv_name(("fastapi", "sqlmodel", "uvicorn"), (3, 11))
    assert first != venv_name(("fastapi", "sqlmodel"), (3, 12))
