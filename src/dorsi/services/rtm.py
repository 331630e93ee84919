"""Remote therapeutic monitoring (RTM): the clinician's minutes, and the period summary.

- :func:`add_minutes` stores minutes of review or interactive contact (policy
  ``rtm.minutes``: an assigned clinician only; audited). The page's timer and its manual
  entry both end here.
- :func:`rtm` is :func:`dorsi.clinical.rtm.rtm_summary` of the stored record: monitoring
  starts on the day the home program was first assigned (else the first day with data from
  the patient); a day with data is a day with a check-in, a brace-log entry, a measurement or
  questionnaire the patient sent (source ``self``), a walking video the patient uploaded, or
  a home session the patient measured with the phone's camera (device-supplied data: the
  phone's pose model measured it; sessions a clinician entered for them do not count).
  Dorsi reports eligibility; it does not bill.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dorsi.clinical.contract import Contract, Output
from dorsi.clinical.rtm import MinutesEntry, RtmSummary, monitoring_start, rtm_summary
from dorsi.services.context import Ctx
from dorsi.services.patients import load_patient, require_actor
from dorsi.services.records import check_day
from dorsi.store.models import (
    BraceLog,
    CameraSession,
    GaitVideo,
    Measurement,
    Program,
    RtmMinutes,
    SessionCheckin,
    User,
)

Activity = Literal["review", "interactive"]


class RtmMinutesIn(Contract):
    """Minutes of one day (``date`` defaults to today): reviewing the data, or a real-time
    interactive contact (call, video) with the patient or caregiver."""

    date: dt.date | None = None
    minutes: int = Field(ge=1, le=240)
    activity: Activity
    note: str = Field(default="", max_length=2000, pattern=r"^[^\x00]*$")


class RtmMinutesPublic(Output):
    id: int
    patient_id: int
    date: dt.date
    minutes: int
    activity: Activity
    note: str
    created_at: dt.datetime
    created_by_id: int | None


def _public(row: RtmMinutes) -> RtmMinutesPublic:
    return RtmMinutesPublic(
        id=row.id,
        patient_id=row.patient_id,
        date=row.worked_on,
        minutes=row.minutes,
        activity=row.activity,
        note=row.note,
        created_at=row.created_at,
        created_by_id=row.created_by_id,
    )


def add_minutes(ctx: Ctx, patient_id: int, data: RtmMinutesIn) -> RtmMinutesPublic:
    """Store one entry of the clinician's monitoring minutes."""
    load_patient(ctx, patient_id, "rtm.minutes", "rtm minutes")
    today = ctx.now.date()
    day = check_day(data.date or today, today, "date")
    actor = require_actor(ctx)
    row = RtmMinutes(
        patient_id=patient_id,
        worked_on=day,
        minutes=data.minutes,
        activity=data.activity,
        note=data.note,
        created_at=ctx.now,
        created_by_id=actor.id,
    )
    ctx.db.add(row)
    ctx.db.flush()
    return _public(row)


def camera_days(db: Session, patient_id: int) -> set[dt.date]:
    """The days the patient measured a home session with the phone's camera themselves.

    Device-supplied data, as a brace log or a check-in is self-reported data: every such
    session counts, also one whose lifts were all counted but none measured (the phone still
    recorded the session). A session a clinician entered for the patient is not data from the
    patient's device and does not count.
    """
    query = (
        select(CameraSession.measured_on)
        .join(User, User.id == CameraSession.created_by_id)
        .where(
            CameraSession.patient_id == patient_id,
            User.role == "patient",
            User.patient_id == patient_id,
        )
        .distinct()
    )
    return set(db.scalars(query))


def data_days(db: Session, patient_id: int) -> set[dt.date]:
    """The days with data from the patient (see the module doc)."""
    days: set[dt.date] = set()
    queries = (
        select(SessionCheckin.session_date).where(SessionCheckin.patient_id == patient_id),
        select(BraceLog.log_date).where(BraceLog.patient_id == patient_id),
        select(Measurement.measured_on).where(
            Measurement.patient_id == patient_id, Measurement.source == "self"
        ),
        select(GaitVideo.recorded_on).where(
            GaitVideo.patient_id == patient_id, GaitVideo.uploaded_by_role == "patient"
        ),
    )
    for query in queries:
        days.update(db.scalars(query.distinct()))
    return days | camera_days(db, patient_id)


def minutes_entries(db: Session, patient_id: int) -> list[RtmMinutes]:
    return list(
        db.scalars(
            select(RtmMinutes)
            .where(RtmMinutes.patient_id == patient_id)
            .order_by(RtmMinutes.worked_on, RtmMinutes.id)
        )
    )


def summary_of(db: Session, patient_id: int, today: dt.date) -> RtmSummary:
    """The RTM summary of one patient (no audit: the caller audited the read)."""
    days = data_days(db, patient_id)
    started = db.scalar(
        select(func.min(Program.assigned_at)).where(
            Program.patient_id == patient_id, Program.assigned.is_(True)
        )
    )
    start = monitoring_start(started.date() if started else None, days)
    entries = [
        MinutesEntry(r.worked_on, r.minutes, r.activity == "interactive")
        for r in minutes_entries(db, patient_id)
    ]
    return rtm_summary(start=start, data_days=days, minutes=entries, today=today)


def rtm(ctx: Ctx, patient_id: int) -> RtmSummary:
    """The 30-day periods (and calendar months) with days, minutes and the codes met."""
    load_patient(ctx, patient_id, "patient.read", "rtm")
    return summary_of(ctx.db, patient_id, ctx.now.date())


__all__ = [
    "Activity",
    "RtmMinutesIn",
    "RtmMinutesPublic",
    "add_minutes",
    "camera_days",
    "data_days",
    "minutes_entries",
    "rtm",
    "summary_of",
]
