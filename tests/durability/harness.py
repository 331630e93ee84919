"""Crash durability: SIGKILL the real ``dorsi serve`` while clients write, then check the data.

One run on one backend:

1. a fresh database, ``dorsi demo`` (a clinician and three patients), ``dorsi serve`` on a
   loopback port (``DORSI_GAIT_WORKER=off``);
2. ``clients`` threads write through the real HTTP API as fast as answers come: session
   check-ins (the patients on their own record, the clinician on any record; some say
   "weakness worse", which pauses the program in the same transaction) and evaluations
   (the plan input plus two extra measures: one evaluation row, its measurements, and the
   suggested program with its exercises);
3. once at least one check-in and one evaluation have been acknowledged (so that every run has
   both kinds of acknowledged write to lose), the server is killed with SIGKILL at random
   moments (most while requests are in flight, some while it is still starting) and started
   again on the same port, ``kills`` times;
4. after a last clean start, the database is read directly and checked:

   - **lost**: every write whose 2xx answer a client received is there, unchanged (the check-in
     with its fields; the evaluation with exactly the measurement ids and the program and
     exercise count its answer showed);
   - **partial**: nothing is half-written anywhere, acknowledged or not: every evaluation has
     all the measurements its stored input implies plus the two extras, and exactly one
     suggested program; every program has all the exercises ``build_program`` gives for that
     input; a check-in saying "weakness worse" left the program paused;
   - SQLite ``PRAGMA integrity_check`` is ``ok`` (after every kill, and at the end);
   - ``dorsi audit verify`` finds the audit log's hash chain intact.

Requests whose answer never came (cut by the kill) are *unknown*: they may or may not be
stored, but if stored they must be whole.
"""

from __future__ import annotations

import random
import sqlite3
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from dorsi.clinical.contract import parse
from dorsi.clinical.program import PlanInput, build_program
from dorsi.store.db import Database
from dorsi.store.models import (
    Evaluation,
    Measurement,
    Patient,
    Program,
    ProgramExercise,
    SessionCheckin,
)
from tests.browser.server import dorsi_exe, fill_demo
from tests.durability.servers import Backend, ServerProcess

EXTRA_MEASURES = ("tug_s", "lefs")
PLAN_MEASURES = (
    "dorsiflexion_mmt",
    "single_leg_stance_s",
    "falls_past_month",
    "pain_nrs",
    "trips_per_week",
    "gait_speed_mps",
    "dorsiflexion_arom_deg",
)
GRADES = ("0", "1", "2-", "2", "2+", "3-", "3", "3+", "4-", "4", "4+", "5")


@dataclass
class Acked:
    """What the clients were told was stored."""

    checkins: dict[int, dict[str, Any]] = field(default_factory=dict)  # id -> fields sent
    evaluations: dict[int, tuple[frozenset[int], int, int]] = field(default_factory=dict)
    # evaluation id -> (measurement ids, program id, exercise count)


@dataclass
class Report:
    backend: str
    kills: int = 0
    kills_while_starting: int = 0
    acked_checkins: int = 0
    acked_evaluations: int = 0
    unknown: int = 0  # requests cut by a kill: outcome not known to the client
    lost: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    bad_answers: list[str] = field(default_factory=list)  # any answer that is not 2xx
    integrity: list[str] = field(default_factory=list)  # SQLite integrity_check results not "ok"
    audit_verify: str = ""
    restart_s: list[float] = field(default_factory=list)
    duration_s: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def acked(self) -> int:
        return self.acked_checkins + self.acked_evaluations

    @property
    def ok(self) -> bool:
        return (
            not self.lost
            and not self.partial
            and not self.bad_answers
            and not self.integrity
            and self.audit_verify.startswith("ok")
            and self.acked > 0
        )

    def problems(self) -> list[str]:
        out = [f"lost: {x}" for x in self.lost[:10]]
        out += [f"partial: {x}" for x in self.partial[:10]]
        out += [f"answer: {x}" for x in self.bad_answers[:10]]
        out += [f"integrity_check: {x}" for x in self.integrity[:5]]
        if not self.audit_verify.startswith("ok"):
            out.append(f"audit verify: {self.audit_verify}")
        if self.acked == 0:
            out.append("no write was acknowledged at all")
        return out


# --- the clients ---------------------------------------------------------------------------------


def _token(base_url: str, username: str, password: str) -> str:
    answer = httpx.post(
        base_url + "/api/v1/auth/token",
        data={"username": username, "password": password},
        timeout=60,
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def evaluation_body(rng: random.Random) -> dict[str, Any]:
    """A valid evaluation with every plan measure given, plus the extra measures."""
    return {
        "side": rng.choice(["left", "right"]),
        "cause": rng.choice(["peroneal", "lumbar", "neurological", "unknown"]),
        "weeks_since_onset": rng.randint(0, 200),
        "dorsiflexion_mmt": rng.choice(GRADES),
        "single_leg_stance_s": round(rng.uniform(0, 60), 1),
        "falls_past_month": rng.randint(0, 3),
        "pain_nrs": rng.randint(0, 6),
        "uses_afo": rng.random() < 0.5,
        "trips_per_week": rng.randint(0, 10),
        "gait_speed_mps": round(rng.uniform(0.2, 1.4), 2),
        "dorsiflexion_arom_deg": rng.randint(-20, 20),
        "measures": [
            {"measure": "tug_s", "value": round(rng.uniform(6, 40), 1)},
            {"measure": "lefs", "value": rng.randint(10, 80)},
        ],
    }


def checkin_body(rng: random.Random, weakness_worse: bool) -> dict[str, Any]:
    return {
        "completed": rng.random() < 0.8,
        "sets_done": rng.randint(0, 12),
        "pain_nrs": rng.randint(0, 4),
        "difficulty": rng.choice(["easy", "ok", "hard"]),
        "trips_since_last": rng.randint(0, 2),
        "weakness_worse": weakness_worse,
        "balance_worse": False,
        "notes": f"dur {uuid.uuid4().hex}",
    }


@dataclass
class Writer:
    """One client thread's identity: whose token, and which records it may write."""

    token: str
    patients: list[int]
    clinician: bool


class Clients:
    """Threads that write as fast as answers come, until stopped; they survive server deaths."""

    def __init__(self, base_url: str, writers: list[Writer], pause_patient: int, seed: int) -> None:
        self.base_url = base_url
        self.writers = writers
        self.pause_patient = pause_patient
        self.seed = seed
        self.acked = Acked()
        self.unknown = 0
        self.bad: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for index, writer in enumerate(self.writers):
            thread = threading.Thread(
                target=self._loop, args=(writer, self.seed * 1000 + index), daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(60)

    def _loop(self, writer: Writer, seed: int) -> None:
        rng = random.Random(seed)  # noqa: S311 - reproducible test traffic, not secrets
        headers = {"Authorization": f"Bearer {writer.token}"}
        with httpx.Client(base_url=self.base_url, headers=headers, timeout=30) as client:
            while not self._stop.is_set():
                patient = rng.choice(writer.patients)
                if writer.clinician and rng.random() < 0.35:
                    self._evaluate(client, patient, evaluation_body(rng))
                else:
                    worse = patient == self.pause_patient and rng.random() < 0.1
                    self._checkin(client, patient, checkin_body(rng, worse))

    def wait_for_both_kinds(self, timeout_s: float) -> None:
        """Until a check-in and an evaluation are acknowledged: on a loaded machine an
        evaluation can take longer than the gap between kills, and a run whose kills cut every
        evaluation would check nothing about them."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self._lock:
                if self.acked.checkins and self.acked.evaluations:
                    return
            time.sleep(0.1)

    def _send(self, client: httpx.Client, path: str, body: dict[str, Any]) -> Any | None:
        try:
            answer = client.post(path, json=body)
        except (httpx.ConnectError, httpx.ConnectTimeout):
            time.sleep(0.02)  # the server is down or restarting (nothing was sent): again soon
            return None
        except httpx.TransportError:
            with self._lock:
                self.unknown += 1  # sent, but the answer was cut: stored or not, unknown
            return None
        if answer.status_code != 201:
            with self._lock:
                self.bad.append(f"POST {path} -> {answer.status_code}: {answer.text[:200]}")
            time.sleep(0.05)
            return None
        return answer.json()

    def _checkin(self, client: httpx.Client, patient: int, body: dict[str, Any]) -> None:
        answer = self._send(client, f"/api/v1/patients/{patient}/sessions", body)
        if answer is not None:
            with self._lock:
                self.acked.checkins[int(answer["id"])] = {**body, "patient_id": patient}

    def _evaluate(self, client: httpx.Client, patient: int, body: dict[str, Any]) -> None:
        answer = self._send(client, f"/api/v1/patients/{patient}/evaluations", body)
        if answer is not None:
            evaluation, program = answer["evaluation"], answer["program"]
            ids = frozenset(int(m["id"]) for m in evaluation["measurements"])
            with self._lock:
                self.acked.evaluations[int(evaluation["id"])] = (
                    ids,
                    int(program["id"]),
                    len(program["exercises"]),
                )


# --- checking ---------------------------------------------------------------------------------


def sqlite_integrity(path: Path) -> str:
    """``PRAGMA integrity_check`` of a SQLite file (the server must be stopped)."""
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    finally:
        connection.close()
    return "; ".join(str(r[0]) for r in rows)


def _expected_measures(input_json: dict[str, Any]) -> int:
    return sum(1 for name in PLAN_MEASURES if input_json.get(name) is not None) + len(
        EXTRA_MEASURES
    )


def evaluation_baseline(url: str) -> dict[int, int]:
    """Measurement count of each evaluation stored before the run (the demo's own)."""
    database = Database.from_url(url)
    try:
        with database.transaction() as session:
            rows = session.execute(
                select(Measurement.evaluation_id, func.count())
                .where(Measurement.evaluation_id.is_not(None))
                .group_by(Measurement.evaluation_id)
            ).all()
            return {int(eid or 0): int(n) for eid, n in rows}
    finally:
        database.dispose()


def check_database(
    url: str, acked: Acked, pause_patient: int, report: Report, baseline: dict[int, int]
) -> None:
    """Fill ``report.lost`` and ``report.partial`` from what is stored (see the module docs).

    ``baseline``: the evaluations stored before the run, with their measurement counts.
    """
    database = Database.from_url(url)
    try:
        with database.transaction() as session:
            checkins = {c.id: c for c in session.scalars(select(SessionCheckin))}
            evaluations = {e.id: e for e in session.scalars(select(Evaluation))}
            by_eval: dict[int, set[int]] = {}
            for m in session.scalars(select(Measurement)):
                if m.evaluation_id is not None:
                    by_eval.setdefault(m.evaluation_id, set()).add(m.id)
            programs = {p.id: p for p in session.scalars(select(Program))}
            exercises = dict(
                session.execute(
                    select(ProgramExercise.program_id, func.count()).group_by(
                        ProgramExercise.program_id
                    )
                ).all()
            )
            paused = session.scalar(
                select(Patient.program_paused).where(Patient.id == pause_patient)
            )
            report.rows = {
                "session_checkins": len(checkins),
                "evaluations": len(evaluations),
                "measurements": sum(len(v) for v in by_eval.values()),
                "programs": len(programs),
                "program_exercises": sum(exercises.values()),
            }
    finally:
        database.dispose()

    for cid, sent in acked.checkins.items():
        row = checkins.get(cid)
        if row is None:
            report.lost.append(f"check-in {cid}")
        elif (row.notes, row.pain_nrs, row.patient_id) != (
            sent["notes"],
            sent["pain_nrs"],
            sent["patient_id"],
        ):
            report.lost.append(f"check-in {cid} differs from what was acknowledged")
    for eid, (mids, pid, count) in acked.evaluations.items():
        if eid not in evaluations:
            report.lost.append(f"evaluation {eid}")
            continue
        if by_eval.get(eid, set()) != mids:
            report.lost.append(f"evaluation {eid}: measurements differ from the answer")
        if pid not in programs or exercises.get(pid, 0) != count:
            report.lost.append(f"evaluation {eid}: program {pid} or its exercises differ")

    suggested: dict[int, list[int]] = {}
    for program in programs.values():
        if program.evaluation_id is not None and program.origin == "suggested":
            suggested.setdefault(program.evaluation_id, []).append(program.id)
    for eid, evaluation in evaluations.items():
        want = baseline.get(eid) or _expected_measures(evaluation.input_json)
        have = len(by_eval.get(eid, set()))
        if have != want:
            report.partial.append(f"evaluation {eid} has {have} of {want} measurements")
        progs = suggested.get(eid, [])
        if len(progs) != 1:
            report.partial.append(f"evaluation {eid} has {len(progs)} suggested programs")
            continue
        plan = build_program(parse(PlanInput, evaluation.input_json))
        if exercises.get(progs[0], 0) != len(plan.exercises):
            report.partial.append(
                f"program {progs[0]} has {exercises.get(progs[0], 0)} of "
                f"{len(plan.exercises)} exercises"
            )
    worse = [c.id for c in checkins.values() if c.patient_id == pause_patient and c.weakness_worse]
    if worse and not paused:
        report.partial.append(f"check-ins {worse[:5]} said weakness worse; program not paused")


def audit_verify(backend: Backend) -> str:
    proc = subprocess.run(
        [dorsi_exe(), "audit", "verify"],
        env=backend.env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = (proc.stdout + proc.stderr).strip().splitlines() or [""]
    if proc.returncode == 0:
        return "ok: " + next((x for x in lines if "intact" in x), lines[0])
    return f"exit {proc.returncode}: {lines[-1]}"


# --- the run ------------------------------------------------------------------------------------


def run(
    backend: Backend,
    *,
    kills: int,
    clients: int = 4,
    seed: int = 1,
    max_gap_s: float = 1.2,
    log: Any = None,
) -> Report:
    """One durability run on ``backend`` (see the module docs); the report."""
    rng = random.Random(seed)  # noqa: S311 - reproducible kill moments, not secrets
    report = Report(backend.name)
    started = time.monotonic()
    env = backend.env()
    logins = fill_demo(env)
    baseline = evaluation_baseline(backend.url)
    server = ServerProcess(env, backend.data_dir / "serve.log")
    server.start()
    base = server.base_url
    clinician = next(x for x in logins.values() if x.role == "clinician")
    patients_by_name = {x.username: x for x in logins.values() if x.role == "patient"}
    ctoken = _token(base, clinician.username, clinician.password)
    listed = httpx.get(
        base + "/api/v1/patients", headers={"Authorization": f"Bearer {ctoken}"}, timeout=60
    ).json()
    ids = {p["display_name"].split()[0].lower(): int(p["id"]) for p in listed}
    writers = [Writer(ctoken, sorted(ids.values()), clinician=True)]
    for name in ("rosa", "omar"):
        login = patients_by_name[name]
        writers.append(Writer(_token(base, login.username, login.password), [ids[name]], False))
    while len(writers) < clients:
        writers.append(Writer(ctoken, sorted(ids.values()), clinician=True))
    workers = Clients(base, writers[:clients], pause_patient=ids["omar"], seed=seed)
    workers.start()
    try:
        workers.wait_for_both_kinds(timeout_s=120)
        for number in range(1, kills + 1):
            if rng.random() < 0.1:  # now and then, kill it while it is still starting
                server.kill()
                server.spawn()
                time.sleep(rng.uniform(0.0, 1.5))
                report.kills_while_starting += 1
            else:
                time.sleep(rng.uniform(0.05, max_gap_s))
            server.kill()
            report.kills += 1
            path = backend.sqlite_path
            if path is not None:
                result = sqlite_integrity(path)
                if result != "ok":
                    report.integrity.append(f"after kill {number}: {result}")
            report.restart_s.append(server.start())
            if log is not None and number % 10 == 0:
                log(
                    f"  {backend.name}: {number}/{kills} kills, "
                    f"{len(workers.acked.checkins) + len(workers.acked.evaluations)} acknowledged"
                )
        time.sleep(rng.uniform(0.05, max_gap_s))
    finally:
        workers.stop()
        server.stop()
    report.acked_checkins = len(workers.acked.checkins)
    report.acked_evaluations = len(workers.acked.evaluations)
    report.unknown = workers.unknown
    report.bad_answers = workers.bad
    path = backend.sqlite_path
    if path is not None:
        result = sqlite_integrity(path)
        if result != "ok":
            report.integrity.append(f"at the end: {result}")
    check_database(backend.url, workers.acked, ids["omar"], report, baseline)
    report.audit_verify = audit_verify(backend)
    report.duration_s = time.monotonic() - started
    return report


def format_reports(reports: list[Report]) -> str:
    head = (
        "| backend | kills (while starting) | acknowledged writes (check-ins + evaluations) "
        "| unknown (cut by a kill) | lost | partial | integrity_check | audit chain "
        "| restart p50 / max s | run s |"
    )
    lines = [head, "|" + "---|" * 10]
    for r in reports:
        restarts = sorted(r.restart_s) or [0.0]
        integrity = (
            ("ok" if not r.integrity else f"{len(r.integrity)} bad")
            if r.backend == "sqlite"
            else "n/a"
        )
        lines.append(
            f"| {r.backend} | {r.kills} ({r.kills_while_starting}) | {r.acked} "
            f"({r.acked_checkins} + {r.acked_evaluations}) | {r.unknown} | {len(r.lost)} "
            f"| {len(r.partial)} | {integrity} | {r.audit_verify.split(':')[0]} "
            f"| {restarts[len(restarts) // 2]:.1f} / {restarts[-1]:.1f} | {r.duration_s:.0f} |"
        )
    return "\n".join(lines)


__all__ = ["Acked", "Report", "check_database", "format_reports", "run", "sqlite_integrity"]
