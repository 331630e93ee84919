"""Session check-ins and the progress review of the stored history.

- A check-in is stored as given. Whether it stops the program is decided by the clinical
  core: the ``stop_program`` alert the review of the check-in alone would raise
  (:func:`dorsi.clinical.progress_alerts.stop_message`) pauses the program, with the alert's
  message as the advice.
- Progress is the review of the patient's stored history, read by the one reader that the
  clinic-wide review uses too (:func:`dorsi.services.history.read_histories`).
- The clinic overview (patient list badges) is the clinic-wide review of
  :mod:`dorsi.services.review`: a few set-based queries per thousand patients.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select

from dorsi.clinical.progress import CheckinIn, ProgressOutput, set_aside
from dorsi.clinical.progress_alerts import stop_message
from dorsi.services import idempotency
from dorsi.services.context import Ctx
from dorsi.services.history import MeasurementRow, read_histories
from dorsi.services.patients import authorize, load_patient, require_actor, visible_patients
from dorsi.services.records import check_day, pause, record_onset
from dorsi.services.review import BADGE_ORDER, ScreeningSummary, review_patients
from dorsi.services.schemas import CheckinPublic
from dorsi.store.models import Measurement, Patient, Program, SessionCheckin


def _measurement_json(m: Measurement) -> dict[str, Any]:
    value: float | str = m.value_grade if m.value_grade is not None else float(m.value_num or 0)
    return {"measure": m.measure_id, "value": value, "date": m.measured_on.isoformat()}


_checkins = cast(Table, SessionCheckin.__table__)
#: one check-in, with the program it belongs to (the patient's newest assigned one) found by
#: the same statement; built once, its values bound per check-in
_STORE_CHECKIN = (
    insert(_checkins)
    .values(
        {c.name: bindparam(c.name, type_=c.type) for c in _checkins.columns if c.name != "id"}
        | {
            "program_id": select(Program.id)
            .where(Program.patient_id == bindparam("patient_id"), Program.assigned.is_(True))
            .order_by(Program.version.desc())
            .limit(1)
            .scalar_subquery()
        }
    )
    .returning(_checkins.c.id)
)


def log_session(
    ctx: Ctx,
    patient_id: int,
    data: CheckinIn,
    idempotency_key: str | None = None,
    key_field: str = idempotency.HEADER,
) -> CheckinPublic:
    """Store one end-of-session check-in; a worse weakness or balance pauses the program.

    Whether it stops the program is the clinical core's decision
    (:func:`dorsi.clinical.progress_alerts.stop_message` of this check-in alone). With
    ``idempotency_key`` (:mod:`dorsi.services.idempotency`) a repeat of a check-in already
    stored under that key gets the first answer and stores nothing; ``key_field`` names where
    the key came from.
    """
    record = authorize(ctx, patient_id, "session.log")
    actor = require_actor(ctx)
    today = ctx.now.date()
    day = data.date or today
    # Only a given date can lie before the onset (today never does), so only then is it read.
    check_day(day, today, "date", record_onset(ctx, patient_id) if data.date else None)
    body_hash = idempotency.request_hash(data.model_dump(mode="json"))
    key_row: int | None = None
    if idempotency_key is not None:
        key_row = idempotency.claim(
            ctx.db, actor.id, patient_id, idempotency_key, body_hash, ctx.now, key_field
        )
        if key_row is None:  # this key was used before: the first answer
            first = idempotency.find(
                ctx.db, actor.id, patient_id, idempotency_key, body_hash, key_field
            )
            return CheckinPublic.model_validate(first or {})
    dated = data.on(day)
    checkin_id = ctx.db.execute(
        _STORE_CHECKIN,
        {
            "patient_id": patient_id,
            "session_date": day,
            "created_at": ctx.now,
            "created_by_id": actor.id,
            **data.model_dump(exclude={"date"}),
        },
    ).scalar_one()
    stop = stop_message(dated)
    stops = [stop] if stop is not None else []
    if stops:
        held = ctx.db.get(Patient, patient_id)
        if held is not None:
            pause(ctx, held, f"Check-in on {day.isoformat()}: " + " ".join(stops))
    answer = CheckinPublic(
        id=checkin_id,
        patient_id=patient_id,
        **dated.model_dump(),
        program_paused=record.program_paused or bool(stops),
        advice=stops,
    )
    if key_row is not None:
        idempotency.settle(ctx.db, key_row, answer.model_dump(mode="json"), checkin_id)
    return answer


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
    authorize(ctx, patient_id, "patient.read", "progress")
    return read_histories(ctx.db, [patient_id])[patient_id].review(ctx.now.date())


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
    """
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
    "OverviewRow",
    "StoredSetAside",
    "checkins",
    "clinic_overview",
    "log_session",
    "measurements",
    "patient_progress",
    "stored_set_aside",
]
