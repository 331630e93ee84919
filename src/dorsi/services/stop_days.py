"""The day up to which a clinician resolved a patient's stop alerts (set-based, no audit).

Read by the per-patient review (:mod:`dorsi.services.progress`), the clinic-wide review
(:mod:`dorsi.services.review`) and :mod:`dorsi.services.stops`, which explains the rule.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BindParameter, bindparam, func, or_, select, union_all
from sqlalchemy.orm import Session

from dorsi.store.models import Screening, SessionCheckin, StopAcknowledgement

#: a check-in that raised a stop alert
IS_STOP = or_(SessionCheckin.weakness_worse.is_(True), SessionCheckin.balance_worse.is_(True))


# Built once (the patient ids bound per call): every progress read runs it.
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
_RESOLVED = union_all(
    select(StopAcknowledgement.patient_id, func.max(StopAcknowledgement.through_date))
    .where(StopAcknowledgement.patient_id.in_(_IDS))
    .group_by(StopAcknowledgement.patient_id),
    select(SessionCheckin.patient_id, func.max(SessionCheckin.session_date))
    .join(
        Screening,
        (Screening.patient_id == SessionCheckin.patient_id)
        & (Screening.level == "proceed")
        & (Screening.created_by_role == "clinician")
        & (Screening.created_at >= SessionCheckin.created_at),
    )
    .where(SessionCheckin.patient_id.in_(_IDS), IS_STOP)
    .group_by(SessionCheckin.patient_id),
)


def resolved_through(db: Session, patient_ids: list[int]) -> dict[int, dt.date]:
    """The ``stops_resolved_through`` day of each patient that has one (one query: the
    latest acknowledgement, and the latest stop a later clinician screening cleared)."""
    out: dict[int, dt.date] = {}
    if not patient_ids:
        return out
    for pid, day in db.execute(_RESOLVED, {"ids": patient_ids}):
        if day is not None and (pid not in out or day > out[pid]):
            out[pid] = day
    return out


__all__ = ["IS_STOP", "resolved_through"]
