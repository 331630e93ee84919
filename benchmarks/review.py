"""Scale of the clinic-wide progress review (issue 9, "Scale of the progress review").

For each scale (default 1,000 and 10,000 patients) and each database (a temporary SQLite file
and a fresh PostgreSQL schema), generates patients with a year of daily check-ins (day by day,
as a clinic would store them, so one patient's rows are spread over the whole table), monthly
measurements of the muscle grade and gait speed, one assigned program and one screening each;
then times:

- ``batch``: :func:`dorsi.services.review.review_all`, the review of every patient (a batch job);
- ``page``: :func:`dorsi.services.progress.clinic_overview` for a clinician who has every
  patient: the patient list's service with its policy check and audit (no HTML rendering).

Each review is run twice and the faster run is reported (the first one warms the caches).
Each row also shows the load average just after its runs and, on Linux, how much the peak
resident memory of the process rose above its size before the runs (``+MiB``; the batch holds
one chunk of patients at a time, the page returns every row, by design). That size can include
memory freed by earlier rows and kept by the allocator, so later rows may show less.
Targets: ``batch`` and ``page`` under 10 s at 10,000 patients, and linear growth: between two
scales, time grows at most 1.1 x the number of patients (100,000 patients in at most 11 x the
time of 10,000). Exits 1 when a target is missed.

Usage::

    .venv/bin/python benchmarks/review.py [--scale 1000,10000] [--backend sqlite,postgresql]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import secrets
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, text

from dorsi.catalog.mmt import GRADES
from dorsi.services import progress
from dorsi.services.context import Actor, Ctx, run_unit
from dorsi.services.review import review_all
from dorsi.settings import load_settings
from dorsi.store.db import Database
from dorsi.store.migrate import upgrade

TODAY = dt.date(2026, 1, 1)
NOW = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
DAYS = 365
MONTHS = 12
TARGET_S = 10.0
TARGET_AT = 10_000
LINEAR_SLACK = 1.1
POSTGRES_URL = os.environ.get(
    "DORSI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
EXERCISES = ("seated_dorsiflexion", "band_dorsiflexion", "wall_toe_raises")
DIFFICULTY = ("easy", "ok", "ok", "ok", "hard")


# --- data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tables:
    """Rows per table, as tuples in the column order of ``COLUMNS``."""

    rows: dict[str, Callable[[], Iterator[tuple[Any, ...]]]]


COLUMNS = {
    "users": ("id, username, role, display_name, password_hash, patient_id, is_active, created_at"),
    "patients": (
        "id, display_name, side, cause, notes, preferred_language, created_at, program_paused, "
        "paused_reason, paused_at"
    ),
    "patient_clinicians": "patient_id, clinician_id, assigned_at",
    "screenings": (
        "id, patient_id, created_by_id, created_by_role, created_at, level, input_json, output_json"
    ),
    "programs": (
        "id, patient_id, version, origin, evaluation_id, created_by_id, created_at, assigned, "
        "assigned_at, phase, phase_name, plan_json, notes"
    ),
    "program_exercises": (
        "id, program_id, position, exercise_id, sets, reps, hold_s, rest_s, days_per_week, "
        "support, cues, notes"
    ),
    "measurements": (
        "id, patient_id, evaluation_id, measure_id, value_num, value_grade, measured_on, source, "
        "created_at, created_by_id"
    ),
    "session_checkins": (
        "id, patient_id, program_id, session_date, created_at, created_by_id, completed, "
        "sets_done, pain_nrs, difficulty, trips_since_last, weakness_worse, balance_worse, notes"
    ),
}


def clinic(patients: int, stamp: Callable[[dt.date, int], str], seed: int = 9) -> Tables:
    """A clinic of ``patients`` with one clinician (id 1) who has them all.

    ``stamp(day, hour)`` writes a UTC timestamp the way the backend stores it.
    """
    rng = random.Random(seed)
    start = TODAY - dt.timedelta(days=DAYS)
    adherence = [rng.uniform(0.45, 1.0) for _ in range(patients)]
    trend = [rng.choice(("better", "flat", "flat", "worse")) for _ in range(patients)]
    first_grade = [rng.randrange(2, 7) for _ in range(patients)]
    days_per_week = [rng.choice((5, 6, 7)) for _ in range(patients)]
    levels = ["proceed"] * 90 + ["see_clinician"] * 7 + ["urgent"] * 2 + ["emergency"]
    began = stamp(start, 9)

    def users() -> Iterator[tuple[Any, ...]]:
        yield (1, "bench-clinician", "clinician", "Dr Bench", None, None, True, began)

    def patient_rows() -> Iterator[tuple[Any, ...]]:
        for i in range(patients):
            side = "left" if i % 2 else "right"
            cause = ("peroneal", "lumbar", "neurological", "unknown")[i % 4]
            yield (i + 1, f"Patient {i + 1:06d}", side, cause, "", "en", began, False, None, None)

    def assignments() -> Iterator[tuple[Any, ...]]:
        for i in range(patients):
            yield (i + 1, 1, began)

    def screenings() -> Iterator[tuple[Any, ...]]:
        pick = random.Random(seed + 1)
        for i in range(patients):
            level = pick.choice(levels)
            yield (i + 1, i + 1, 1, "clinician", began, level, "{}", "{}")

    def programs() -> Iterator[tuple[Any, ...]]:
        plan = '{"review_in_days": 28}'
        for i in range(patients):
            yield (
                i + 1,
                i + 1,
                1,
                "suggested",
                None,
                1,
                began,
                True,
                began,
                1,
                "Phase 1",
                plan,
                "",
            )

    def exercises() -> Iterator[tuple[Any, ...]]:
        for i in range(patients):
            for k, exercise in enumerate(EXERCISES):
                days = days_per_week[i] if k == 0 else 5
                row = (3 * i + k + 1, i + 1, k, exercise, 2, 10, None, 30, days, "none", "[]", "")
                yield row

    def measurements() -> Iterator[tuple[Any, ...]]:
        ident = 0
        for i in range(patients):
            # The last one 10 days ago; one patient in ten stopped coming after month 9.
            for month in range(MONTHS if i % 10 else 9):
                day = start + dt.timedelta(days=30 * month + 25)
                at, day_text = stamp(day, 10), day.isoformat()
                step = {"better": month // 3, "flat": 0, "worse": -(month // 4)}[trend[i]]
                grade = GRADES[max(0, min(len(GRADES) - 1, first_grade[i] + step))]
                speed = round(max(0.1, 0.6 + 0.04 * step), 2)
                ident += 1
                yield (
                    ident,
                    i + 1,
                    None,
                    "dorsiflexion_mmt",
                    None,
                    grade,
                    day_text,
                    "evaluation",
                    at,
                    1,
                )
                ident += 1
                yield (
                    ident,
                    i + 1,
                    None,
                    "gait_speed_mps",
                    speed,
                    None,
                    day_text,
                    "evaluation",
                    at,
                    1,
                )

    def checkins() -> Iterator[tuple[Any, ...]]:
        pick = random.Random(seed + 2)
        ident = 0
        for d in range(DAYS):
            day = start + dt.timedelta(days=d)
            at, day_text = stamp(day, 18), day.isoformat()
            for i in range(patients):
                u = pick.random()
                ident += 1
                yield (
                    ident,
                    i + 1,
                    i + 1,
                    day_text,
                    at,
                    None,
                    u < adherence[i],
                    None,
                    int(u * 7919) % 6,
                    DIFFICULTY[int(u * 104729) % 5],
                    None,
                    u < 0.0002,
                    u > 0.9999,
                    "",
                )

    return Tables(
        {
            "users": users,
            "patients": patient_rows,
            "patient_clinicians": assignments,
            "screenings": screenings,
            "programs": programs,
            "program_exercises": exercises,
            "measurements": measurements,
            "session_checkins": checkins,
        }
    )


def sqlite_stamp(day: dt.date, hour: int) -> str:
    return f"{day.isoformat()} {hour:02d}:00:00.000000"  # SQLAlchemy's SQLite DATETIME form


def postgres_stamp(day: dt.date, hour: int) -> str:
    return f"{day.isoformat()} {hour:02d}:00:00+00"


def fill_sqlite(path: Path, tables: Tables) -> int:
    """executemany in one large transaction per table; returns the number of rows.

    Secondary indexes are dropped first and built again from their stored SQL afterwards
    (one sort instead of millions of random inserts), so the schema ends exactly as migrated.
    """
    count = 0
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        # A bulk load, not clinical writes: no journal, no fsync, a large cache; WAL after.
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-1000000")
        indexes = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ).fetchall()
        for name, _ in indexes:
            connection.execute(f'DROP INDEX "{name}"')
        for table, rows in tables.rows.items():
            columns = COLUMNS[table]
            marks = ", ".join("?" for _ in columns.split(","))
            before = connection.total_changes
            connection.execute("BEGIN")
            insert = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (fixed names)
            connection.executemany(insert, rows())
            connection.execute("COMMIT")
            count += connection.total_changes - before
        for _, sql in indexes:
            connection.execute(sql)
        connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()
    return count


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


def fill_postgres(database: Database, tables: Tables) -> int:
    """COPY FROM STDIN in large text blocks, then sequences and statistics."""
    count = 0
    raw = database.engine.raw_connection()
    try:
        connection: Any = raw.driver_connection
        with connection.cursor() as cursor:
            # Secondary indexes (not those of primary keys or unique constraints) are built
            # after the load, from their own definitions.
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = "
                "current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                "WHERE c.conname = i.indexname)"
            )
            indexes = cursor.fetchall()
            for name, _ in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            for table, rows in tables.rows.items():
                with cursor.copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy:
                    block: list[str] = []
                    for row in rows():
                        block.append("\t".join(map(_copy_text, row)))
                        if len(block) >= 50_000:
                            copy.write("\n".join(block) + "\n")
                            count += len(block)
                            block.clear()
                    if block:
                        copy.write("\n".join(block) + "\n")
                        count += len(block)
                if "id" in [c.strip() for c in COLUMNS[table].split(",")]:
                    sequence = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    cursor.execute(sequence + f"(SELECT max(id) FROM {table}))")  # noqa: S608
            for _, definition in indexes:
                cursor.execute(definition)
        connection.commit()
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")  # what autovacuum does soon after a bulk load
        finally:
            connection.autocommit = False
    finally:
        raw.close()
    return count


# --- timing -------------------------------------------------------------------------------


@dataclass
class Result:
    backend: str
    patients: int
    rows: int
    generate_s: float
    batch: Timing
    page: Timing
    badges: dict[str, int]
    load_1m: float  # load average just after the timed runs
    batch_mib: int | None  # rise of the peak resident memory during the batch runs
    page_mib: int | None  # the same, page runs


@dataclass(frozen=True)
class Timing:
    """Wall time, and the CPU time of this process plus its PostgreSQL backend (if any)."""

    wall_s: float
    cpu_s: float


def _backend_cpu_s(pid: int | None) -> float:
    """CPU time of the PostgreSQL backend serving this benchmark (same machine), else 0."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


R = TypeVar("R")


def _status_kib(field: str) -> int | None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return None


def _peak_rise_mib(run: Callable[[], R]) -> tuple[R, int | None]:
    """``run()``, and how far the peak resident memory rose above the size before (Linux:
    writing 5 to /proc/self/clear_refs resets the peak to the current size); None elsewhere."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        before = _status_kib("VmRSS")
    except OSError:
        return run(), None
    result = run()
    peak = _status_kib("VmHWM")
    if before is None or peak is None:
        return result, None
    return result, (peak - before) // 1024


def _best_of_two(run: Callable[[], object], backend_pid: int | None) -> Timing:
    best: Timing | None = None
    for _ in range(2):
        cpu, server, start = time.process_time(), _backend_cpu_s(backend_pid), time.perf_counter()
        run()
        wall = time.perf_counter() - start
        spent = time.process_time() - cpu + _backend_cpu_s(backend_pid) - server
        if best is None or wall < best.wall_s:
            best = Timing(wall, spent)
    assert best is not None
    return best


def measure(database: Database, backend: str, patients: int, rows: int, gen_s: float) -> Result:
    counted: dict[str, int] = {}

    def batch() -> None:
        counted.clear()
        with database.transaction() as session:
            for item in review_all(session, today=TODAY):
                for badge in item.badges:
                    counted[badge] = counted.get(badge, 0) + 1

    settings = load_settings(data_dir=Path(tempfile.gettempdir()), secret_key="b" * 32)
    clinician = Actor(1, "bench-clinician", "clinician", "Dr Bench")

    def page() -> None:
        def make(session: Any) -> Ctx:
            return Ctx(db=session, now=NOW, settings=settings, secret=b"b" * 32, actor=clinician)

        shown = run_unit(database, make, progress.clinic_overview)
        assert len(shown) == patients

    backend_pid = None
    if not database.is_sqlite:  # one thread: the pool hands out the same connection each time
        with database.engine.connect() as connection:
            backend_pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    batch_t, batch_mib = _peak_rise_mib(lambda: _best_of_two(batch, backend_pid))
    page_t, page_mib = _peak_rise_mib(lambda: _best_of_two(page, backend_pid))
    load = os.getloadavg()[0]
    return Result(
        backend, patients, rows, gen_s, batch_t, page_t, dict(counted), load, batch_mib, page_mib
    )


def run_sqlite(patients: int) -> Result:
    with tempfile.TemporaryDirectory(prefix="dorsi-review-") as folder:
        path = Path(folder) / "bench.sqlite3"
        database = Database.from_url(f"sqlite:///{path}")
        try:
            upgrade(database.engine)
            database.dispose()  # the bulk load needs the file to itself
            start = time.perf_counter()
            rows = fill_sqlite(path, clinic(patients, sqlite_stamp))
            gen_s = time.perf_counter() - start
            return measure(database, "sqlite", patients, rows, gen_s)
        finally:
            database.dispose()


def run_postgres(patients: int, url: str) -> Result:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    schema = f"dorsi_bench_{secrets.token_hex(4)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        database = Database.from_url(f"{url}?options=-csearch_path%3D{schema}")
        try:
            upgrade(database.engine)
            start = time.perf_counter()
            rows = fill_postgres(database, clinic(patients, postgres_stamp))
            gen_s = time.perf_counter() - start
            return measure(database, "postgresql", patients, rows, gen_s)
        finally:
            database.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# --- report -------------------------------------------------------------------------------


def report(results: list[Result], judge: str) -> list[str]:
    """Print the table; return the missed targets (judged on wall or on CPU time)."""
    missed: list[str] = []
    head = (
        f"{'backend':<11} {'patients':>8} {'rows':>10} {'gen s':>6} {'batch s':>8} "
        f"{'cpu s':>6} {'ms/pt':>6} {'page s':>7} {'cpu s':>6} {'batch x':>8} {'page x':>7} "
        f"{'n x':>4} {'load':>5} {'+MiB':>5} {'+MiB':>5}"
    )
    print(head)
    print("-" * len(head))
    previous: dict[str, Result] = {}
    for r in results:
        timings = {"batch": r.batch, "page": r.page}
        ratios = ["", "", ""]
        before = previous.get(r.backend)
        if before is not None:
            grow = r.patients / before.patients
            old = {"batch": before.batch, "page": before.page}
            for k, name in enumerate(("batch", "page")):
                ratio = _pick(timings[name], judge) / _pick(old[name], judge)
                ratios[k] = f"{ratio:.2f}"
                if ratio > LINEAR_SLACK * grow:
                    missed.append(
                        f"{r.backend} {name}: {before.patients}->{r.patients} patients took "
                        f"{ratio:.2f}x the {judge} time (limit {LINEAR_SLACK * grow:.1f}x)"
                    )
            ratios[2] = f"{grow:.0f}"
        previous[r.backend] = r
        print(
            f"{r.backend:<11} {r.patients:>8} {r.rows:>10} {r.generate_s:>6.1f} "
            f"{r.batch.wall_s:>8.2f} {r.batch.cpu_s:>6.2f} "
            f"{1000 * r.batch.wall_s / r.patients:>6.3f} {r.page.wall_s:>7.2f} "
            f"{r.page.cpu_s:>6.2f} {ratios[0]:>8} {ratios[1]:>7} {ratios[2]:>4} "
            f"{r.load_1m:>5.1f} {_mib(r.batch_mib):>5} {_mib(r.page_mib):>5}"
        )
        if r.patients == TARGET_AT:
            for name, timing in timings.items():
                seconds = _pick(timing, judge)
                if seconds >= TARGET_S:
                    missed.append(
                        f"{r.backend} {name}: {seconds:.2f} s {judge} >= {TARGET_S:.0f} s"
                    )
    print(
        f"(ratios and targets judged on {judge} time; cpu = this process + its PG backend; "
        "load = 1-minute load average after the runs; +MiB = rise of the peak resident "
        "memory during the batch, then the page runs)"
    )
    print()
    for r in results:
        shown = ", ".join(f"{k} {v}" for k, v in sorted(r.badges.items()))
        print(f"badges ({r.backend}, {r.patients}): {shown}")
    return missed


def _mib(value: int | None) -> str:
    return "-" if value is None else str(value)


def _pick(timing: Timing, judge: str) -> float:
    return timing.wall_s if judge == "wall" else timing.cpu_s


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="1000,10000", help="patient counts, comma-separated")
    parser.add_argument("--backend", default="sqlite,postgresql", help="sqlite and/or postgresql")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument(
        "--judge",
        choices=("wall", "cpu"),
        default="wall",
        help="judge targets on wall time (default) or on CPU time (a machine shared with "
        "other work: CPU time is what the review itself costs)",
    )
    args = parser.parse_args(argv)
    scales = sorted(int(s) for s in args.scale.split(","))
    backends = [b.strip() for b in args.backend.split(",")]
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
        f"{DAYS} daily check-ins and {MONTHS} monthly x 2 measurements per patient"
    )
    results = []
    for backend in backends:
        for patients in scales:
            if backend == "sqlite":
                results.append(run_sqlite(patients))
            elif backend == "postgresql":
                results.append(run_postgres(patients, args.postgres_url))
            else:
                parser.error(f"unknown backend '{backend}'")
            print(f"  done: {backend} {patients}", file=sys.stderr, flush=True)
    missed = report(results, args.judge)
    for line in missed:
        print(f"MISSED: {line}")
    if not missed:
        print("all targets met")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
