"""The brace-log skin problems the progress review reads (set-based, no audit).

Read by the per-patient review (:mod:`dorsi.services.progress`) and the clinic-wide review
(:mod:`dorsi.services.review`), so both raise the same ``skin_problem`` alert. Only the alert
skin problems are read, whatever their day: the review keeps those of the alert window before
the day it reviews (:func:`dorsi.clinical.brace.recent_skin_problems`), and they are few.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from dorsi.clinical.brace import SkinCheck
from dorsi.store.models import BraceLog

# Built once (the patient ids bound per call): every progress read runs it.
_SKIN_PROBLEMS = (
    select(BraceLog.patient_id, BraceLog.log_date, BraceLog.seen)
    .where(
        BraceLog.patient_id.in_(bindparam("ids", expanding=True)),
        BraceLog.skin_problem.is_(True),
    )
    .order_by(BraceLog.patient_id, BraceLog.log_date, BraceLog.id)
)


def skin_checks(db: Session, patient_ids: Sequence[int]) -> dict[int, list[SkinCheck]]:
    """The skin problems each patient logged, oldest first."""
    out: dict[int, list[SkinCheck]] = {}
    if not patient_ids:
        return out
    rows = db.execute(_SKIN_PROBLEMS, {"ids": list(patient_ids)})
    for pid, day, seen in rows:
        out.setdefault(pid, []).append(SkinCheck(day, tuple(str(s) for s in seen or ())))
    return out


__all__ = ["skin_checks"]
