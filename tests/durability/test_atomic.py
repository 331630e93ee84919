"""Writes that span several rows are atomic: a fault in the middle leaves nothing behind.

The fault is injected at the database layer, in the middle of the service's own write: an
SQLAlchemy ``after_insert`` (or ``before_update``) hook raises once the k-th row of the write
has reached the database. Every cut point of each multi-row write is tried, on SQLite and on
PostgreSQL, through the real API (one transaction per request, ``run_unit``):

- an evaluation: the evaluation row, its measurements, the suggested program, its exercises;
- a program assignment: the new program version and its exercises;
- a check-in that pauses the program: the check-in row and the patient's pause.

Each faulty request answers 500 ("nothing was changed") and leaves every clinical table as it
was; the failure itself is audited (outcome ``error``) in its own transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, func, select

from dorsi.store.db import Database
from dorsi.store.models import (
    AuditEntry,
    Evaluation,
    Measurement,
    Patient,
    Program,
    ProgramExercise,
    SessionCheckin,
)
from tests.web.conftest import (
    CHECKIN,
    PLAN,
    Clinic,
    TestClient,
    app,
    client,
    clinic,
    clock,
    settings,
    token_for,
)

__all__ = ["app", "client", "clinic", "clock", "settings"]

WRITTEN = (Evaluation, Measurement, Program, ProgramExercise, SessionCheckin)
EVALUATION = {
    **PLAN,
    "gait_speed_mps": 0.6,
    "measures": [{"measure": "tug_s", "value": 15.5}, {"measure": "lefs", "value": 42}],
}


class InjectedFault(RuntimeError):
    """The fault a test injects in the middle of a write."""


def snapshot(db: Database) -> dict[str, Any]:
    """Row counts of the clinical tables, and the patients' pause flags."""
    with db.transaction() as session:
        counts: dict[str, Any] = {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in WRITTEN
        }
        counts["paused"] = sorted(
            (int(pid), bool(paused))
            for pid, paused in session.execute(select(Patient.id, Patient.program_paused))
        )
        return counts


@contextmanager
def count_inserts() -> Iterator[list[str]]:
    """Record the table of every row inserted while the block runs."""
    seen: list[str] = []

    def note(_mapper: Any, _connection: Any, target: Any) -> None:
        seen.append(type(target).__tablename__)

    for model in WRITTEN:
        event.listen(model, "after_insert", note)
    try:
        yield seen
    finally:
        for model in WRITTEN:
            event.remove(model, "after_insert", note)


@contextmanager
def fault_at_insert(k: int) -> Iterator[None]:
    """Raise :class:`InjectedFault` right after the k-th row (1-based) reached the database."""
    count = [0]

    def maybe_fail(_mapper: Any, _connection: Any, _target: Any) -> None:
        count[0] += 1
        if count[0] == k:
            raise InjectedFault(f"fault after row {k}")

    for model in WRITTEN:
        event.listen(model, "after_insert", maybe_fail)
    try:
        yield
    finally:
        for model in WRITTEN:
            event.remove(model, "after_insert", maybe_fail)


@contextmanager
def fault_after_statement(db: Database, prefix: str) -> Iterator[None]:
    """Raise :class:`InjectedFault` right after a statement starting with ``prefix`` ran.

    At the cursor, so it also cuts writes made with prepared statements
    (:mod:`dorsi.store.prepared`), which no ORM mapper event sees.
    """

    def fail(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(prefix):
            raise InjectedFault(f"fault after {prefix}")

    event.listen(db.engine, "after_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(db.engine, "after_cursor_execute", fail)


@contextmanager
def fault_on_pause() -> Iterator[None]:
    """Raise when the patient's row is about to be updated (the pause), after the check-in."""

    def fail(_mapper: Any, _connection: Any, _target: Any) -> None:
        raise InjectedFault("fault while pausing the program")

    event.listen(Patient, "before_update", fail)
    try:
        yield
    finally:
        event.remove(Patient, "before_update", fail)


def errors_audited(db: Database) -> int:
    with db.transaction() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.outcome == "error")
            )
            or 0
        )


def assert_atomic(
    db: Database, send: Callable[[], Any], cut_points: int, fault: Callable[[int], Any]
) -> None:
    """For every cut point: a 500, no clinical row changed, the failure audited."""
    for k in range(1, cut_points + 1):
        before, errors = snapshot(db), errors_audited(db)
        with fault(k):
            answer = send()
        assert answer.status_code == 500, (k, answer.text)
        assert "nothing was changed" in answer.json()["detail"]
        assert snapshot(db) == before, f"rows left behind by a fault after row {k}"
        assert errors_audited(db) == errors + 1


def test_an_evaluation_is_whole_or_absent(client: TestClient, clinic: Clinic, db: Database) -> None:
    headers = token_for(client, "alice")
    path = f"/api/v1/patients/{clinic.patient_a}/evaluations"
    with count_inserts() as rows:
        first = client.post(path, headers=headers, json=EVALUATION)
    assert first.status_code == 201, first.text
    # the evaluation, 5 plan measures + 2 extras, the suggestion and its exercises
    assert rows[0] == "evaluations"
    assert rows.count("measurements") == 7
    assert rows.count("programs") == 1
    assert rows.count("program_exercises") == len(first.json()["program"]["exercises"]) > 0
    assert_atomic(
        db,
        lambda: client.post(path, headers=headers, json=EVALUATION),
        len(rows),
        fault_at_insert,
    )
    again = client.post(path, headers=headers, json=EVALUATION)
    assert again.status_code == 201  # nothing stuck: the next write goes through whole


def test_a_program_assignment_is_whole_or_absent(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    headers = token_for(client, "alice")
    base = f"/api/v1/patients/{clinic.patient_a}"
    suggested = client.post(base + "/evaluations", headers=headers, json=PLAN).json()["program"]
    exercises = [
        {k: e[k] for k in ("id", "sets", "reps", "hold_s", "rest_s", "days_per_week", "support")}
        for e in suggested["exercises"]
    ]
    body = {"exercises": exercises, "notes": "edited"}
    with count_inserts() as rows:
        first = client.put(base + "/program", headers=headers, json=body)
    assert first.status_code == 200, first.text
    assert rows == ["programs"] + ["program_exercises"] * len(exercises)
    assert len(exercises) > 1
    assert_atomic(
        db,
        lambda: client.put(base + "/program", headers=headers, json=body),
        len(rows),
        fault_at_insert,
    )
    versions = client.get(base + "/programs", headers=headers).json()
    assert [v["version"] for v in versions] == [2, 1]  # no version lost or half-made


def test_a_checkin_that_pauses_is_whole_or_absent(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    headers = token_for(client, "ann")
    path = f"/api/v1/patients/{clinic.patient_a}/sessions"
    worse = {**CHECKIN, "weakness_worse": True}
    assert_atomic(
        db,
        lambda: client.post(path, headers=headers, json=worse),
        1,
        lambda _k: fault_after_statement(db, "INSERT INTO SESSION_CHECKINS"),
    )
    before = snapshot(db)
    with fault_on_pause():
        answer = client.post(path, headers=headers, json=worse)
    assert answer.status_code == 500
    assert snapshot(db) == before  # the check-in row went with the failed pause
    stored = client.post(path, headers=headers, json=worse)
    assert stored.status_code == 201
    assert stored.json()["program_paused"] is True


@pytest.mark.parametrize("k", [1, 2])
def test_the_fault_hook_really_fires_mid_write(
    client: TestClient, clinic: Clinic, db: Database, k: int
) -> None:
    """The hook is not a no-op: without the transaction, rows before the cut would remain."""
    headers = token_for(client, "alice")
    fired: list[int] = []

    def spy(_mapper: Any, _connection: Any, _target: Any) -> None:
        fired.append(1)

    event.listen(Measurement, "after_insert", spy)
    try:
        with fault_at_insert(k):
            answer = client.post(
                f"/api/v1/patients/{clinic.patient_a}/evaluations", headers=headers, json=PLAN
            )
    finally:
        event.remove(Measurement, "after_insert", spy)
    assert answer.status_code == 500
    # k=1 cuts after the evaluation row, before any measurement; k=2 after the measurements
    assert (len(fired) > 0) == (k > 1)
