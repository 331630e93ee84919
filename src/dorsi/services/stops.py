"""The life cycle of stop alerts raised by check-ins (weakness or balance worse).

A stop alert stays active until a clinician resolves it, in one of two ways:

- they acknowledge it, with a note (:func:`acknowledge`; the clinician's patient page and
  ``POST /api/v1/patients/{id}/alerts/acknowledge-stops``): every stop check-in dated up to
  the newest one is resolved;
- a later screening by a clinician says it is safe to go on (level ``proceed``): the stop
  check-ins stored before that screening are resolved.

The progress review takes the newest such day as ``stops_resolved_through``; a stop check-in
dated after it raises a new alert. Acknowledging does not restart a paused program: only a
clinician's screening that finds it safe does (:mod:`dorsi.services.records`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dorsi.clinical.contract import Contract, Output
from dorsi.errors import ConflictError
from dorsi.services.context import Ctx
from dorsi.services.patients import load_patient, require_actor
from dorsi.services.stop_days import IS_STOP, resolved_through
from dorsi.store.models import Screening, SessionCheckin, StopAcknowledgement, User

NOTE_MAX_CHARS = 2000


class AcknowledgeIn(Contract):
    """What a clinician writes when acknowledging stop alerts."""

    note: str = Field(min_length=1, max_length=NOTE_MAX_CHARS, pattern=r"^[^\x00]*\S[^\x00]*$")


class StopResolution(Output):
    """Who resolved the stop alerts of check-ins up to ``through_date``, when and how."""

    through_date: dt.date
    how: str  # "acknowledged" | "screening"
    by: str | None
    at: dt.datetime
    note: str


@dataclass(frozen=True)
class StopStatus:
    """What the clinician's page shows: the newest resolution, and the stop check-ins after it."""

    resolution: StopResolution | None
    active_days: tuple[dt.date, ...]


def _newest_stop_day(db: Session, patient_id: int) -> dt.date | None:
    day: dt.date | None = db.scalar(
        select(func.max(SessionCheckin.session_date)).where(
            SessionCheckin.patient_id == patient_id, IS_STOP
        )
    )
    return day


def _resolution(db: Session, patient_id: int) -> StopResolution | None:
    """The resolution that reaches furthest (newest acknowledgement, or screening)."""
    best: StopResolution | None = None
    ack = db.execute(
        select(StopAcknowledgement, User.display_name)
        .outerjoin(User, User.id == StopAcknowledgement.created_by_id)
        .where(StopAcknowledgement.patient_id == patient_id)
        .order_by(StopAcknowledgement.through_date.desc(), StopAcknowledgement.id.desc())
        .limit(1)
    ).first()
    if ack is not None:
        row, name = ack
        best = StopResolution(
            through_date=row.through_date,
            how="acknowledged",
            by=name,
            at=row.created_at,
            note=row.note,
        )
    screenings = db.execute(
        select(Screening, User.display_name)
        .outerjoin(User, User.id == Screening.created_by_id)
        .where(
            Screening.patient_id == patient_id,
            Screening.level == "proceed",
            Screening.created_by_role == "clinician",
        )
        .order_by(Screening.created_at.desc())
        .limit(1)
    ).first()
    if screenings is not None:
        screening, name = screenings
        day = db.scalar(
            select(func.max(SessionCheckin.session_date)).where(
                SessionCheckin.patient_id == patient_id,
                IS_STOP,
                SessionCheckin.created_at <= screening.created_at,
            )
        )
        if day is not None and (best is None or day > best.through_date):
            best = StopResolution(
                through_date=day,
                how="screening",
                by=name,
                at=screening.created_at,
                note="A screening found it safe to go on.",
            )
    return best


def stop_status(ctx: Ctx, patient_id: int) -> StopStatus:
    """The stop alerts' state of one patient (no audit: the caller audited the read)."""
    resolution = _resolution(ctx.db, patient_id)
    query = select(SessionCheckin.session_date).where(
        SessionCheckin.patient_id == patient_id, IS_STOP
    )
    if resolution is not None:
        query = query.where(SessionCheckin.session_date > resolution.through_date)
    days = sorted(set(ctx.db.scalars(query)))
    return StopStatus(resolution=resolution, active_days=tuple(days))


def acknowledge(ctx: Ctx, patient_id: int, data: AcknowledgeIn) -> StopResolution:
    """A clinician acknowledges every active stop alert of the patient, with a note."""
    patient = load_patient(ctx, patient_id, "alert.acknowledge", "stop alerts")
    return resolve(ctx, patient.id, data.note)


def resolve(ctx: Ctx, patient_id: int, note: str) -> StopResolution:
    """Acknowledge every active stop alert of a patient the caller was allowed to
    (``alert.acknowledge``, audited): the one mechanism behind the patient page's button,
    ``acknowledge-stops`` and the worklist."""
    newest = _newest_stop_day(ctx.db, patient_id)
    current = resolved_through(ctx.db, [patient_id]).get(patient_id)
    if newest is None or (current is not None and newest <= current):
        raise ConflictError("no stop alert is active for this patient; nothing to acknowledge")
    actor = require_actor(ctx)
    ctx.audit[-1].detail = f"stop alerts through {newest.isoformat()}"
    ctx.db.add(
        StopAcknowledgement(
            patient_id=patient_id,
            through_date=newest,
            note=note.strip(),
            created_at=ctx.now,
            created_by_id=actor.id,
        )
    )
    return StopResolution(
        through_date=newest,
        how="acknowledged",
        by=actor.display_name,
        at=ctx.now,
        note=note.strip(),
    )


__all__ = [
    "NOTE_MAX_CHARS",
    "AcknowledgeIn",
    "StopResolution",
    "StopStatus",
    "acknowledge",
    "resolve",
    "stop_status",
]
