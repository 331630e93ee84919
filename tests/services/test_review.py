"""The clinic-wide review gives exactly what the contract's path gives, on SQLite and PostgreSQL.

The reference is written out here, apart from the one history reader
(:func:`dorsi.services.history.read_histories`): each patient's stored rows, read one patient
at a time through the ORM, are given to the ``dorsi progress`` contract as API input, parsed
and reviewed. The batch review (the reader, called per chunk) must agree with it on the whole
review, the badges, the newest screening and the last session, for the demo clinic and for
generated histories (same-day check-ins, rows stored out of date order, programs with and
without exercises, unassigned suggestions, patients with nothing stored); and the reader must
give a patient the same history alone as in a batch.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from dorsi.catalog.mmt import GRADES
from dorsi.clinical.contract import parse
from dorsi.clinical.progress import ProgressInput, ProgressOutput, review_history
from dorsi.services import progress, review
from dorsi.services.context import Actor, Ctx, run_unit
from dorsi.services.demo import fill_demo
from dorsi.services.history import read_histories
from dorsi.services.list_audit import listed_patients
from dorsi.services.records import latest_screenings
from dorsi.services.stop_days import resolved_through
from dorsi.settings import load_settings
from dorsi.store.db import Database
from dorsi.store.models import (
    AuditEntry,
    Measurement,
    Patient,
    PatientClinician,
    Program,
    ProgramExercise,
    Screening,
    SessionCheckin,
    User,
)
from tests.store.fixtures import empty_tables

NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
CLINICIAN = Actor(1, "demo-clinician", "clinician", "Dr Demo")


def _expected_badges(output: ProgressOutput, level: str | None, paused: bool) -> tuple[str, ...]:
    """The badge rule of docs/web.md, written out independently of the service."""
    kinds: set[str] = {a.kind for a in output.alerts}
    if level in ("emergency", "urgent"):
        kinds.add(level)
    if paused:
        kinds.add("paused")
    return tuple(b for b in review.BADGE_ORDER if b in kinds)


def _contract_review(session: Session, pid: int, today: dt.date) -> tuple[ProgressOutput, Any]:
    """One patient's stored rows as ``dorsi progress`` input, parsed and reviewed; and the
    day of the last check-in."""
    measured = session.scalars(
        select(Measurement)
        .where(Measurement.patient_id == pid)
        .order_by(Measurement.measured_on, Measurement.id)
    )
    checkins = list(
        session.scalars(
            select(SessionCheckin)
            .where(SessionCheckin.patient_id == pid)
            .order_by(SessionCheckin.session_date, SessionCheckin.id)
        )
    )
    assigned = list(
        session.scalars(select(Program).where(Program.patient_id == pid, Program.assigned))
    )
    current = max(assigned, key=lambda p: p.version, default=None)
    days = [e.days_per_week for e in current.exercises] if current else []
    starts = [p.assigned_at for p in assigned if p.assigned_at is not None]
    resolved = resolved_through(session, [pid]).get(pid)
    payload = {
        "measurements": [
            {
                "measure": m.measure_id,
                "value": m.value_grade if m.value_grade is not None else float(m.value_num or 0),
                "date": m.measured_on.isoformat(),
            }
            for m in measured
        ],
        "sessions": [
            {
                "date": c.session_date.isoformat(),
                "completed": c.completed,
                "pain_nrs": c.pain_nrs,
                "difficulty": c.difficulty,
                "weakness_worse": c.weakness_worse,
                "balance_worse": c.balance_worse,
            }
            for c in checkins
        ],
        "program_start": min(starts).date().isoformat() if starts else None,
        "planned_days_per_week": max(days) if days else None,
        "stops_resolved_through": resolved.isoformat() if resolved else None,
    }
    data = parse(ProgressInput, payload)
    output = review_history(
        measurements=data.measurements,
        sessions=data.sessions,
        program_start=data.program_start,
        planned_days_per_week=data.planned_days_per_week,
        today=today,
        phase=current.phase if current else None,
        stops_resolved_through=data.stops_resolved_through,
    )
    return output, max((c.session_date for c in checkins), default=None)


def _assert_same_as_per_patient(session: Session, today: dt.date) -> int:
    """Compare the batch review of every patient with the contract's path; return the count."""
    patients = list(session.scalars(select(Patient).order_by(Patient.id)))
    ids = [p.id for p in patients]
    ctx = Ctx(db=session, now=NOW, settings=None, secret=b"")  # type: ignore[arg-type]
    screened = latest_screenings(ctx, ids)
    batch = {item.patient_id: item for item in review.review_all(session, today=today)}
    together = read_histories(session, ids)
    assert sorted(batch) == ids
    for patient in patients:
        expected, last_session = _contract_review(session, patient.id, today)
        assert read_histories(session, [patient.id])[patient.id] == together[patient.id]
        item = batch[patient.id]
        assert item.progress == expected, f"patient {patient.id}"
        newest = screened.get(patient.id)
        level = newest.level if newest else None
        assert (item.latest_screening.level if item.latest_screening else None) == level
        if newest is not None and item.latest_screening is not None:
            assert item.latest_screening.created_at == newest.created_at
        assert item.badges == _expected_badges(expected, level, patient.program_paused)
        assert item.last_session == last_session
    return len(patients)


def test_demo_clinic_batch_equals_per_patient(db: Database, tmp_path: Path) -> None:
    app_settings = load_settings(data_dir=tmp_path, secret_key="d" * 32)
    fill_demo(db, app_settings, today=NOW, new_password=lambda: "demo-password-1")
    with db.transaction() as session:
        assert _assert_same_as_per_patient(session, TODAY) == 3

    def make(session: Session) -> Ctx:
        return Ctx(db=session, now=NOW, settings=app_settings, secret=b"d" * 32, actor=CLINICIAN)

    def per_patient(ctx: Ctx) -> dict[int, ProgressOutput]:
        ids = [p.id for p in ctx.db.scalars(select(Patient))]
        return {pid: progress.patient_progress(ctx, pid) for pid in ids}

    rows = run_unit(db, make, progress.clinic_overview)
    reference = run_unit(db, make, per_patient)
    assert {r.patient.id: r.progress for r in rows} == reference
    assert {r.patient.display_name: r.badges for r in rows} == {
        r.patient.display_name: _expected_badges(
            r.progress,
            r.latest_screening.level if r.latest_screening else None,
            r.patient.program_paused,
        )
        for r in rows
    }


def test_list_view_writes_one_audit_entry_naming_the_patients(db: Database, tmp_path: Path) -> None:
    app_settings = load_settings(data_dir=tmp_path, secret_key="d" * 32)
    fill_demo(db, app_settings, today=NOW, new_password=lambda: "demo-password-1")

    def make(session: Session) -> Ctx:
        return Ctx(db=session, now=NOW, settings=app_settings, secret=b"d" * 32, actor=CLINICIAN)

    with db.transaction() as session:
        before = len(list(session.scalars(select(AuditEntry.id))))
    rows = run_unit(db, make, progress.clinic_overview)
    with db.transaction() as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))[before:]
    assert [(e.action, e.patient_id, e.outcome) for e in entries] == [("patient.list", None, "ok")]
    assert listed_patients(entries[0].detail) == {r.patient.id for r in rows}
    assert entries[0].actor_username == "demo-clinician"


# --- generated histories -------------------------------------------------------------------

START = TODAY - dt.timedelta(days=120)
DAY = st.integers(min_value=0, max_value=120).map(lambda d: START + dt.timedelta(days=d))
SESSION = st.fixed_dictionaries(
    {
        "session_date": DAY,
        "completed": st.booleans(),
        "pain_nrs": st.integers(min_value=0, max_value=10),
        "difficulty": st.sampled_from(("easy", "ok", "hard")),
        "weakness_worse": st.sampled_from((False, False, False, True)),
        "balance_worse": st.sampled_from((False, False, False, True)),
    }
)
MEASURE = st.one_of(
    st.tuples(st.just("dorsiflexion_mmt"), st.sampled_from(GRADES), DAY),
    st.tuples(
        st.just("gait_speed_mps"),
        st.integers(min_value=10, max_value=180).map(lambda v: v / 100),
        DAY,
    ),
    st.tuples(
        st.just("tug_s"), st.integers(min_value=40, max_value=600).map(lambda v: v / 10), DAY
    ),
    st.tuples(st.just("falls_past_month"), st.integers(min_value=0, max_value=6), DAY),
)
PROGRAM = st.fixed_dictionaries(
    {
        "assigned": st.booleans(),
        "start": DAY,
        "days": st.lists(st.integers(min_value=1, max_value=7), max_size=3),
    }
)
PATIENT = st.fixed_dictionaries(
    {
        "paused": st.booleans(),
        "sessions": st.lists(SESSION, max_size=40),
        "measures": st.lists(MEASURE, max_size=8),
        "programs": st.lists(PROGRAM, max_size=3),
        "screenings": st.lists(
            st.sampled_from(("emergency", "urgent", "see_clinician", "proceed")), max_size=3
        ),
    }
)


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), dt.UTC)


def _store(session: Session, patients: list[dict[str, Any]], shuffle_seed: int) -> None:
    session.add(
        User(id=1, username="c", role="clinician", display_name="C", created_at=NOW, is_active=True)
    )
    checkins: list[SessionCheckin] = []
    for number, spec in enumerate(patients, start=1):
        session.add(
            Patient(
                id=number,
                display_name=f"P{number}",
                side="left",
                cause="peroneal",
                created_at=NOW,
                program_paused=bool(spec["paused"]),
                clinicians=[PatientClinician(clinician_id=1, assigned_at=NOW)],
            )
        )
        session.flush()
        for version, program in enumerate(spec["programs"], start=1):
            day = program["start"]
            session.add(
                Program(
                    patient_id=number,
                    version=version,
                    origin="suggested",
                    created_at=_at(day),
                    assigned=program["assigned"],
                    assigned_at=_at(day) if program["assigned"] else None,
                    phase=1,
                    phase_name="Phase 1",
                    plan_json={},
                    exercises=[
                        ProgramExercise(
                            position=k,
                            exercise_id="seated_dorsiflexion",
                            sets=1,
                            reps=10,
                            rest_s=30,
                            days_per_week=days,
                            support="none",
                            cues=[],
                        )
                        for k, days in enumerate(program["days"])
                    ],
                )
            )
        for measure, value, day in spec["measures"]:
            grade = value if isinstance(value, str) else None
            session.add(
                Measurement(
                    patient_id=number,
                    measure_id=measure,
                    value_grade=grade,
                    value_num=None if grade else float(value),
                    measured_on=day,
                    source="evaluation",
                    created_at=NOW,
                )
            )
        for level in spec["screenings"]:
            session.add(
                Screening(
                    patient_id=number,
                    created_by_role="clinician",
                    created_at=NOW,
                    level=level,
                    input_json={},
                    output_json={},
                )
            )
        for item in spec["sessions"]:
            checkins.append(SessionCheckin(patient_id=number, created_at=NOW, notes="", **item))
    # Rows of all patients interleaved and out of date order, as a clinic stores them.
    random.Random(shuffle_seed).shuffle(checkins)  # noqa: S311 - test data
    session.add_all(checkins)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(patients=st.lists(PATIENT, min_size=1, max_size=5), shuffle_seed=st.integers(0, 2**16))
def test_generated_histories_batch_equals_per_patient(
    db: Database, patients: list[dict[str, Any]], shuffle_seed: int
) -> None:
    empty_tables(db)
    with db.transaction() as session:
        _store(session, patients, shuffle_seed)
    with db.transaction() as session:
        assert _assert_same_as_per_patient(session, TODAY) == len(patients)


def test_chunks_give_the_same_answer(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = {
        "paused": False,
        "sessions": [
            {
                "session_date": START + dt.timedelta(days=d),
                "completed": d % 3 != 0,
                "pain_nrs": d % 7,
                "difficulty": ("easy", "ok", "hard")[d % 3],
                "weakness_worse": d == 50,
                "balance_worse": False,
            }
            for d in range(0, 100, 2)
        ],
        "measures": [("dorsiflexion_mmt", "3", START), ("dorsiflexion_mmt", "4", TODAY)],
        "programs": [{"assigned": True, "start": START, "days": [5]}],
        "screenings": ["urgent"],
    }
    with db.transaction() as session:
        _store(session, [spec] * 7, shuffle_seed=3)
    with db.transaction() as session:
        whole = list(review.review_all(session, today=TODAY))
    monkeypatch.setattr(review, "CHUNK", 2)
    with db.transaction() as session:
        chunked = list(review.review_all(session, today=TODAY))
        assert _assert_same_as_per_patient(session, TODAY) == 7
    assert chunked == whole
    assert whole[0].badges[:2] == ("urgent", "stop_program")


def test_a_stored_history_the_review_refuses_is_reviewed_without_it_on_both_paths(
    db: Database,
) -> None:
    # Stored data never refuses a read (it used to answer 422 on every read of the record):
    # both paths leave out the measurements the review's checks fail, and agree.
    spec = {
        "paused": False,
        "sessions": [],
        "measures": [
            ("dorsiflexion_mmt", "3", TODAY - dt.timedelta(days=30)),
            ("dorsiflexion_mmt", "3", TODAY + dt.timedelta(days=2)),
            ("single_leg_stance_s", 280.0, TODAY - dt.timedelta(days=3)),
        ],
        "programs": [],
        "screenings": [],
    }
    with db.transaction() as session:
        _store(session, [spec], shuffle_seed=0)
    with db.transaction() as session:
        per_patient, _ = _contract_review(session, 1, TODAY)
        (batch,) = review.review_all(session, today=TODAY)
        assert _assert_same_as_per_patient(session, TODAY) == 1
    assert batch.progress == per_patient
    assert set(per_patient.measures) == {"dorsiflexion_mmt"}
    assert per_patient.measures["dorsiflexion_mmt"].status == "insufficient_data"
    assert "reassessment_due" in batch.badges


def test_no_patients_no_queries_needed(db: Database) -> None:
    with db.transaction() as session:
        assert list(review.review_patients(session, [], today=TODAY)) == []
        assert list(review.review_all(session, today=TODAY)) == []
