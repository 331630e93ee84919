"""Concurrent writes to one patient's record: every one succeeds or is refused cleanly.

Found by the SIGKILL harness on PostgreSQL: two evaluations of one patient at the same moment
both took ``max(version) + 1`` for the suggested program, and the second hit the unique
(patient, version) constraint: a 500. (SQLite was safe: it has one writer at a time.)
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dorsi.clinical.contract import parse
from dorsi.services.context import Actor, Ctx, run_unit
from dorsi.services.programs import assign_program
from dorsi.services.records import record_evaluation
from dorsi.services.schemas import EvaluationIn, ProgramUpdate
from dorsi.settings import load_settings
from dorsi.store.db import Database
from dorsi.store.models import Program
from tests.web.conftest import PLAN, Clinic, clinic

__all__ = ["clinic"]

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WRITERS = 6


def _in_threads(db: Database, tmp_path: Path, clinic: Clinic, work: Any) -> list[BaseException]:
    settings = load_settings(data_dir=tmp_path, secret_key="s" * 32)
    alice = Actor(clinic.alice, "alice", "clinician", "Alice")
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def make(session: Session) -> Ctx:
        return Ctx(db=session, now=NOW, settings=settings, secret=b"s" * 32, actor=alice)

    def one() -> None:
        start.wait()
        try:
            run_unit(db, make, work)
        except BaseException as exc:  # collected and asserted by the caller
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return errors


def _versions(db: Database, patient_id: int) -> list[int]:
    with db.transaction() as session:
        return sorted(
            session.scalars(select(Program.version).where(Program.patient_id == patient_id))
        )


def test_simultaneous_evaluations_of_one_patient_all_succeed(
    db: Database, clinic: Clinic, tmp_path: Path
) -> None:
    errors = _in_threads(
        db,
        tmp_path,
        clinic,
        lambda ctx: record_evaluation(ctx, clinic.patient_a, parse(EvaluationIn, dict(PLAN))),
    )
    assert errors == []
    assert _versions(db, clinic.patient_a) == list(range(1, WRITERS + 1))


def test_simultaneous_program_edits_all_succeed(
    db: Database, clinic: Clinic, tmp_path: Path
) -> None:
    first = _in_threads(
        db,
        tmp_path,
        clinic,
        lambda ctx: record_evaluation(ctx, clinic.patient_a, parse(EvaluationIn, dict(PLAN))),
    )
    assert first == []
    body = {
        "exercises": [
            {
                "id": "seated_dorsiflexion",
                "sets": 2,
                "reps": 10,
                "rest_s": 30,
                "days_per_week": 5,
                "support": "none",
            }
        ]
    }
    errors = _in_threads(
        db,
        tmp_path,
        clinic,
        lambda ctx: assign_program(ctx, clinic.patient_a, parse(ProgramUpdate, body)),
    )
    assert errors == []
    assert _versions(db, clinic.patient_a) == list(range(1, 2 * WRITERS + 1))
