"""The camera measure's results: store a session's numbers from the phone, list them.

- :func:`record_session` (policy ``session.log``: the patient, or an assigned clinician for
  them; audited) stores the counted lifts as sent, computes the best and median of the
  measured ones itself (:func:`dorsi.gait.camera_rom.summarise`), and stores the best as a
  ``dorsiflexion_arom_camera_deg`` measurement (source ``camera``), which the progress review
  shows as a trend only, and the clinician's page, the progress note and the FHIR export as
  its own series. A session with no measured lift stores no measurement. With an
  idempotency key (:mod:`dorsi.services.idempotency`, in the camera sessions' own key space) a
  repeat (a retry, a double tap, a save kept on the phone while offline) gets the first answer
  and stores nothing.
- :func:`sessions` lists them (``patient.read``; audited).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from dorsi.clinical.camera import CAMERA_MEASURE, CameraSessionIn
from dorsi.clinical.contract import Output
from dorsi.gait.camera_rom import summarise
from dorsi.services import idempotency
from dorsi.services.context import Ctx
from dorsi.services.patients import load_patient, require_actor
from dorsi.services.records import check_day, record_onset
from dorsi.store.models import CameraSession, Measurement

#: sessions listed by the API and the pages (newest first)
MAX_LISTED = 200

#: the stored angles' precision: a tenth of a degree is already finer than the method
DIGITS = 1


class CameraRepPublic(Output):
    peak_deg: float | None
    quality: str


class CameraSessionPublic(Output):
    id: int
    patient_id: int
    date: dt.date
    exercise_id: str
    side: str
    reps: list[CameraRepPublic]
    reps_counted: int
    reps_measured: int
    #: best and median of the measured lifts, degrees (null when no lift was measured)
    best_deg: float | None
    median_deg: float | None
    #: the ``dorsiflexion_arom_camera_deg`` measurement made from ``best_deg``
    measurement_id: int | None
    created_at: dt.datetime
    #: said wherever the value is shown: no MDC is known for this method yet
    trend_only: bool = True


def _public(row: CameraSession) -> CameraSessionPublic:
    return CameraSessionPublic(
        id=row.id,
        patient_id=row.patient_id,
        date=row.measured_on,
        exercise_id=row.exercise_id,
        side=row.side,
        reps=[CameraRepPublic.model_validate(r) for r in row.reps],
        reps_counted=row.reps_counted,
        reps_measured=row.reps_measured,
        best_deg=row.best_deg,
        median_deg=row.median_deg,
        measurement_id=row.measurement_id,
        created_at=row.created_at,
    )


def record_session(
    ctx: Ctx,
    patient_id: int,
    data: CameraSessionIn,
    idempotency_key: str | None = None,
    key_field: str = idempotency.HEADER,
) -> CameraSessionPublic:
    """Store one session's camera results, and its best as the camera measure.

    The key's request is the session with its day resolved: a save kept offline (which names
    the day it was made) matches a first try sent the same day without a date.
    """
    load_patient(ctx, patient_id, "session.log", "camera session")
    today = ctx.now.date()
    day = data.date or today
    check_day(day, today, "date", record_onset(ctx, patient_id) if data.date else None)
    actor = require_actor(ctx)
    key_row: int | None = None
    if idempotency_key is not None:
        scoped = idempotency.CAMERA_SCOPE + idempotency_key
        body_hash = idempotency.request_hash({**data.model_dump(mode="json"), "date": str(day)})
        claim = (ctx.db, actor.id, patient_id, scoped, body_hash)
        key_row = idempotency.claim(*claim, ctx.now, key_field, "camera session")
        if key_row is None:  # this key was used before: the first answer
            first = idempotency.find(*claim, key_field, "camera session")
            return CameraSessionPublic.model_validate(first or {})
    peaks = [None if r.peak_deg is None else round(r.peak_deg, DIGITS) for r in data.reps]
    reps = [{"peak_deg": p, "quality": r.quality} for p, r in zip(peaks, data.reps, strict=True)]
    summary = summarise(peaks)
    best = None if summary.best_deg is None else round(summary.best_deg, DIGITS)
    median = None if summary.median_deg is None else round(summary.median_deg, DIGITS)
    measurement = None
    if best is not None:
        measurement = Measurement(
            patient_id=patient_id,
            measure_id=CAMERA_MEASURE,
            value_num=best,
            value_grade=None,
            measured_on=day,
            source="camera",
            created_at=ctx.now,
            created_by_id=actor.id,
        )
        ctx.db.add(measurement)
        ctx.db.flush()
    row = CameraSession(
        patient_id=patient_id,
        measured_on=day,
        exercise_id=data.exercise_id,
        side=data.side,
        reps=reps,
        reps_counted=summary.reps_counted,
        reps_measured=summary.reps_measured,
        best_deg=best,
        median_deg=median,
        measurement_id=measurement.id if measurement is not None else None,
        created_at=ctx.now,
        created_by_id=actor.id,
    )
    ctx.db.add(row)
    ctx.db.flush()
    answer = _public(row)
    if key_row is not None:
        idempotency.settle(ctx.db, key_row, answer.model_dump(mode="json"))
    return answer


def sessions(ctx: Ctx, patient_id: int) -> list[CameraSessionPublic]:
    """The newest sessions first (at most :data:`MAX_LISTED`)."""
    load_patient(ctx, patient_id, "patient.read", "camera sessions")
    rows = ctx.db.scalars(
        select(CameraSession)
        .where(CameraSession.patient_id == patient_id)
        .order_by(CameraSession.measured_on.desc(), CameraSession.id.desc())
        .limit(MAX_LISTED)
    )
    return [_public(r) for r in rows]


__all__ = ["CameraRepPublic", "CameraSessionPublic", "record_session", "sessions"]
