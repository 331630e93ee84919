"""Session check-ins and the progress review of the stored history.

- A check-in is stored as given. Whether it stops the program is decided by the clinical
  core: the check-in alone is reviewed with :func:`dorsi.clinical.progress.review`, and a
  ``stop_program`` alert pauses the program, with the alert's message as the advice.
- Progress is :func:`~dorsi.clinical.progress.review` of every stored measurement and
  check-in, with ``program_start`` = the day the first program was assigned and
  ``planned_days_per_week`` = the most days per week any exercise of the current program asks.
- The clinic overview (patient list badges) is the clinic-wide review of
  :mod:`dorsi.services.review`: a few set-based queries per thousand patients.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from dorsi.clinical.contract import parse
from dorsi.clinical.progress import (
    ProgressInput,
    ProgressOutput,
    SessionLog,
    review,
    review_history,
    set_aside,
)
from dorsi.services import idempotency
from dorsi.services.context import Ctx, Staged
from dorsi.services.patients import authorize, load_patient, require_actor, visible_patients
from dorsi.services.programs import current_assigned_id
from dorsi.services.records import check_day, pause, record_onset
from dorsi.services.review import (
    BADGE_ORDER,
    MeasurementRow,
    ScreeningSummary,
    gc_paused,
    review_patients,
)
from dorsi.services.schemas import CheckinIn, CheckinPublic
from dorsi.services.stop_days import resolved_through
from dorsi.store.models import Measurement, Patient, Program, SessionCheckin
from dorsi.store.prepared import Prepared


def _session_json(s: SessionCheckin) -> dict[str, Any]:
    return {
        "date": s.session_date.isoformat(),
        "completed": s.completed,
        "pain_nrs": s.pain_nrs,
        "difficulty": s.difficulty,
        "weakness_worse": s.weakness_worse,
        "balance_worse": s.balance_worse,
    }


def _measurement_json(m: Measurement) -> dict[str, Any]:
    value: float | str = m.value_grade if m.value_grade is not None else float(m.value_num or 0)
    return {"measure": m.measure_id, "value": value, "date": m.measured_on.isoformat()}


def checkin_public(s: SessionCheckin, program_paused: bool, advice: list[str]) -> CheckinPublic:
    return CheckinPublic(
        id=s.id,
        patient_id=s.patient_id,
        date=s.session_date,
        completed=s.completed,
        sets_done=s.sets_done,
        pain_nrs=s.pain_nrs,
        difficulty=s.difficulty,
        trips_since_last=s.trips_since_last,
        weakness_worse=s.weakness_worse,
        balance_worse=s.balance_worse,
        notes=s.notes,
        program_paused=program_paused,
        advice=advice,
    )


def log_session(
    ctx: Ctx,
    patient_id: int,
    raw: str | bytes | dict[str, Any],
    idempotency_key: str | None = None,
    key_field: str = idempotency.HEADER,
) -> CheckinPublic:
    """Store one end-of-session check-in; a worse weakness or balance pauses the program.

    A repeat under the same ``idempotency_key`` returns the first answer (see
    :func:`stage_session`)."""
    staged = stage_session(ctx, patient_id, raw, idempotency_key, key_field)
    staged.write(ctx.db)
    return staged.answer()


_INSERT_CHECKIN = Prepared(
    lambda: (
        insert(SessionCheckin)
        .values(
            {
                c.name: bindparam(c.name, type_=c.type)
                for c in SessionCheckin.__table__.columns
                if c.name != "id"
            }
        )
        .returning(SessionCheckin.id)
    )
)
_CHECKIN_COLUMNS = tuple(c.name for c in SessionCheckin.__table__.columns if c.name != "id")


def stage_session(
    ctx: Ctx,
    patient_id: int,
    raw: str | bytes | dict[str, Any],
    idempotency_key: str | None = None,
    key_field: str = idempotency.HEADER,
) -> Staged[CheckinPublic]:
    """:func:`log_session` as a read, then a short write (``context.run_staged``).

    Everything is decided from what was read (the caller, the record, the current program,
    the clinical stop rules); the write adds the check-in and, when a stop rule fired, pauses
    the program. The hot path of the app: it reads and writes with prepared statements.

    With ``idempotency_key`` (:mod:`dorsi.services.idempotency`) a repeat of a check-in
    already stored under that key gets the first answer and stores nothing; ``key_field``
    names where the key came from in errors.
    """
    record = authorize(ctx, patient_id, "session.log")
    data = parse(CheckinIn, raw)
    today = ctx.now.date()
    day = data.date or today
    # Only a given date can lie before the onset (today never does), so only then is it read.
    check_day(day, today, "date", record_onset(ctx, patient_id) if data.date else None)
    actor = require_actor(ctx)
    body_hash = idempotency.request_hash(data.model_dump(mode="json"))
    if idempotency_key is not None:
        first = idempotency.find(
            ctx.db, actor.id, patient_id, idempotency_key, body_hash, key_field
        )
        if first is not None:
            return Staged(write=_nothing, answer=lambda: CheckinPublic.model_validate(first))
    checkin = SessionCheckin(
        patient_id=patient_id,
        program_id=current_assigned_id(ctx, patient_id),
        session_date=day,
        created_at=ctx.now,
        created_by_id=actor.id,
        completed=data.completed,
        sets_done=data.sets_done,
        pain_nrs=data.pain_nrs,
        difficulty=data.difficulty,
        trips_since_last=data.trips_since_last,
        weakness_worse=data.weakness_worse,
        balance_worse=data.balance_worse,
        notes=data.notes,
    )
    alone = parse(ProgressInput, {"measurements": [], "sessions": [_session_json(checkin)]})
    stops = [a.message for a in review(alone, today=today).alerts if a.kind == "stop_program"]
    replayed: list[dict[str, Any]] = []

    def write(db: Session) -> None:
        key_row: int | None = None
        if idempotency_key is not None:
            key_row = idempotency.claim(
                db,
                {
                    "user_id": actor.id,
                    "patient_id": patient_id,
                    "key_hash": idempotency.key_hash(idempotency_key),
                    "request_hash": body_hash,
                    "status_code": 201,
                    "response_json": {},
                    "created_at": ctx.now,
                },
            )
            if key_row is None:  # a parallel request with this key came first: its answer
                first = idempotency.find(
                    db, actor.id, patient_id, idempotency_key, body_hash, key_field
                )
                replayed.append(first or {})
                return
        (new_id,) = _INSERT_CHECKIN.rows(
            db, **{name: getattr(checkin, name) for name in _CHECKIN_COLUMNS}
        )[0]
        checkin.id = int(new_id)
        if stops:
            held = db.get(Patient, patient_id)
            if held is not None:
                pause(ctx, held, f"Check-in on {day.isoformat()}: " + " ".join(stops))
        if key_row is not None:
            idempotency.settle(db, key_row, answer().model_dump(mode="json"), checkin.id)

    def answer() -> CheckinPublic:
        if replayed:
            return CheckinPublic.model_validate(replayed[0])
        return checkin_public(checkin, record.program_paused or bool(stops), stops)

    return Staged(write=write, answer=answer)


def _nothing(_db: Session) -> None:
    return None


def checkins(ctx: Ctx, patient_id: int) -> list[SessionCheckin]:
    load_patient(ctx, patient_id, "patient.read", "sessions")
    return list(
        ctx.db.scalars(
            select(SessionCheckin)
            .where(SessionCheckin.patient_id == patient_id)
            .order_by(SessionCheckin.session_date, SessionCheckin.id)
        )
    )


def measurements(ctx: Ctx, patient_id: int) -> list[Measurement]:
    load_patient(ctx, patient_id, "patient.read", "measurements")
    return list(
        ctx.db.scalars(
            select(Measurement)
            .where(Measurement.patient_id == patient_id)
            .order_by(Measurement.measured_on, Measurement.id)
        )
    )


@dataclass
class History:
    """What the progress review needs for one patient."""

    measurements: list[dict[str, Any]]
    sessions: list[dict[str, Any]]
    program_start: dt.date | None = None
    planned_days_per_week: int | None = None
    #: the stop alerts of check-ins up to this day are resolved (:mod:`dorsi.services.stops`)
    stops_resolved_through: dt.date | None = None
    #: the phase of the current program: ready_to_progress also needs the next one's criteria
    phase: int | None = None

    def review(self, today: dt.date, lang: str = "en") -> ProgressOutput:
        """The review of the stored history. Never refused for stored data: a measurement
        that fails the review's checks is left out (:func:`stored_set_aside` names it).
        ``lang`` chooses only the words of the alert messages."""
        payload: dict[str, Any] = {
            "measurements": self.measurements,
            "sessions": self.sessions,
            "program_start": self.program_start.isoformat() if self.program_start else None,
            "planned_days_per_week": self.planned_days_per_week,
            "stops_resolved_through": (
                self.stops_resolved_through.isoformat() if self.stops_resolved_through else None
            ),
        }
        data = parse(ProgressInput, payload)
        return review_history(
            measurements=data.measurements,
            sessions=SessionLog.of(data.sessions),
            program_start=data.program_start,
            planned_days_per_week=data.planned_days_per_week,
            today=today,
            phase=self.phase,
            stops_resolved_through=data.stops_resolved_through,
            lang=lang,
        )


def load_histories(ctx: Ctx, patient_ids: list[int]) -> dict[int, History]:
    """The review input of many patients in six queries (no audit: callers audit)."""
    out = {pid: History([], []) for pid in patient_ids}
    if not patient_ids:
        return out
    for m in ctx.db.scalars(
        select(Measurement)
        .where(Measurement.patient_id.in_(patient_ids))
        .order_by(Measurement.measured_on, Measurement.id)
    ):
        out[m.patient_id].measurements.append(_measurement_json(m))
    for s in ctx.db.scalars(
        select(SessionCheckin)
        .where(SessionCheckin.patient_id.in_(patient_ids))
        .order_by(SessionCheckin.session_date, SessionCheckin.id)
    ):
        out[s.patient_id].sessions.append(_session_json(s))
    starts = ctx.db.execute(
        select(Program.patient_id, func.min(Program.assigned_at))
        .where(Program.patient_id.in_(patient_ids), Program.assigned.is_(True))
        .group_by(Program.patient_id)
    )
    for pid, started in starts:
        out[pid].program_start = started.date() if started else None
    newest = (
        select(Program.patient_id, func.max(Program.version).label("v"))
        .where(Program.patient_id.in_(patient_ids), Program.assigned.is_(True))
        .group_by(Program.patient_id)
        .subquery()
    )
    current = ctx.db.scalars(
        select(Program).join(
            newest, (Program.patient_id == newest.c.patient_id) & (Program.version == newest.c.v)
        )
    )
    for program in current:
        days = [e.days_per_week for e in program.exercises]
        out[program.patient_id].planned_days_per_week = max(days) if days else None
        out[program.patient_id].phase = program.phase
    for pid, day in resolved_through(ctx.db, patient_ids).items():
        out[pid].stops_resolved_through = day
    return out


@dataclass(frozen=True)
class StoredSetAside:
    """A stored measurement left out of the progress review, for the clinician to correct."""

    measurement_id: int
    measure: str
    value: float | str
    date: dt.date
    source: str
    reason: str


def stored_set_aside(measurements: list[Measurement], today: dt.date) -> list[StoredSetAside]:
    """The stored ``measurements`` (one patient's) that the progress review leaves out."""
    rows = [
        MeasurementRow(m.measure_id, _measurement_json(m)["value"], m.measured_on)
        for m in measurements
    ]
    return [
        StoredSetAside(
            measurement_id=measurements[item.index].id,
            measure=item.measure,
            value=item.value,
            date=item.date,
            source=measurements[item.index].source,
            reason=item.reason,
        )
        for item in set_aside(rows, today)
    ]


def patient_progress(ctx: Ctx, patient_id: int) -> ProgressOutput:
    """The ``dorsi progress`` output for everything stored about the patient."""
    load_patient(ctx, patient_id, "patient.read", "progress")
    return load_histories(ctx, [patient_id])[patient_id].review(ctx.now.date())


@dataclass(frozen=True)
class OverviewRow:
    patient: Patient
    badges: tuple[str, ...]
    latest_screening: ScreeningSummary | None
    progress: ProgressOutput
    last_session: dt.date | None


def clinic_overview(ctx: Ctx) -> list[OverviewRow]:
    """Every visible patient with status badges, from the latest screening and the review.

    The review is the clinic-wide one (:func:`dorsi.services.review.review_patients`): a few
    set-based queries per thousand patients, whatever the length of their histories. The read
    is audited as one list entry naming the patients (:mod:`dorsi.services.list_audit`).
    The list is built without cyclic garbage collection, and one full collection follows
    (:func:`~dorsi.services.review.gc_paused`): it keeps most objects it makes.
    """
    with gc_paused(collect_after=True):
        patients = visible_patients(ctx)
        reviews = review_patients(
            ctx.db, [(p.id, p.program_paused) for p in patients], today=ctx.now.date()
        )
        return [
            OverviewRow(
                patient=patient,
                badges=item.badges,
                latest_screening=item.latest_screening,
                progress=item.progress,
                last_session=item.last_session,
            )
            for patient, item in zip(patients, reviews, strict=True)
        ]


__all__ = [
    "BADGE_ORDER",
    "History",
    "OverviewRow",
    "StoredSetAside",
    "checkin_public",
    "checkins",
    "clinic_overview",
    "load_histories",
    "log_session",
    "measurements",
    "patient_progress",
    "stored_set_aside",
]
