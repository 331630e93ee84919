"""The brace (AFO) log: the patient's daily wear and skin check, and what the review reports.

- :func:`log_brace` stores one entry (policy ``brace.log``: the patient, or an assigned
  clinician for them; audited) and answers with what the patient should do now, from
  :func:`dorsi.clinical.brace.patient_advice`. A skin problem raises the review's
  ``skin_problem`` alert through :mod:`dorsi.services.skin_days`.
- :func:`brace_log` lists the entries (``patient.read``; audited).
- :func:`brace_summary` is the read model of the clinician's page and the progress note: brace
  use and the wear target from the evaluations, wear time against the target, and walking with
  and without the brace. It does not audit: its callers have.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dorsi.catalog.brace import load_brace_rules
from dorsi.clinical.brace import (
    BraceComparison,
    BraceLogIn,
    MarkedValue,
    WearReport,
    compare_walking,
    patient_advice,
    wear_report,
)
from dorsi.clinical.contract import Output
from dorsi.i18n import normalize_language
from dorsi.services.context import Ctx
from dorsi.services.patients import load_patient, require_actor
from dorsi.services.records import check_day, record_onset
from dorsi.store.models import BraceLog, Evaluation, Measurement

#: entries listed by the API and the pages (newest first)
MAX_LISTED = 400


class BraceLogPublic(Output):
    id: int
    patient_id: int
    date: dt.date
    wear_hours: float
    skin_problem: bool
    seen: list[str]
    note: str
    created_at: dt.datetime
    #: what the patient should do now, in plain words (the patient's language)
    advice: str
    #: stop wearing the brace until the therapist checks it
    stop_wearing: bool


def _public(row: BraceLog, lang: str) -> BraceLogPublic:
    rules = load_brace_rules()
    language = normalize_language(lang)
    stop = row.skin_problem and (
        not row.seen or any(rules.seen[s].stop for s in row.seen if s in rules.seen)
    )
    return BraceLogPublic(
        id=row.id,
        patient_id=row.patient_id,
        date=row.log_date,
        wear_hours=row.wear_hours,
        skin_problem=row.skin_problem,
        seen=list(row.seen or []),
        note=row.note,
        created_at=row.created_at,
        advice=patient_advice(row.skin_problem, row.seen or [], language),
        stop_wearing=stop,
    )


def log_brace(
    ctx: Ctx, patient_id: int, data: BraceLogIn, *, lang: str | None = None
) -> BraceLogPublic:
    """Store one day's wear and skin check; the answer carries the patient's advice (in
    ``lang``, else the patient's preferred language)."""
    patient = load_patient(ctx, patient_id, "brace.log", "brace log")
    today = ctx.now.date()
    day = data.date or today
    check_day(day, today, "date", record_onset(ctx, patient_id) if data.date else None)
    actor = require_actor(ctx)
    row = BraceLog(
        patient_id=patient_id,
        log_date=day,
        wear_hours=data.wear_hours,
        skin_problem=data.skin_problem,
        seen=list(data.seen),
        note=data.note,
        created_at=ctx.now,
        created_by_id=actor.id,
    )
    ctx.db.add(row)
    ctx.db.flush()
    return _public(row, lang or patient.preferred_language)


def _rows(db: Session, patient_id: int, limit: int | None = MAX_LISTED) -> list[BraceLog]:
    query = (
        select(BraceLog)
        .where(BraceLog.patient_id == patient_id)
        .order_by(BraceLog.log_date.desc(), BraceLog.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return list(db.scalars(query))


def brace_log(ctx: Ctx, patient_id: int, *, lang: str | None = None) -> list[BraceLogPublic]:
    """The newest entries first (at most :data:`MAX_LISTED`)."""
    patient = load_patient(ctx, patient_id, "patient.read", "brace log")
    return [_public(r, lang or patient.preferred_language) for r in _rows(ctx.db, patient_id)]


@dataclass(frozen=True)
class BraceSummary:
    """What the clinician's page and the progress note show about the brace."""

    #: the newest evaluation says the patient uses a brace (``uses_afo``)
    uses_brace: bool
    wear: WearReport
    walking: list[BraceComparison]
    recent: list[BraceLogPublic]


def uses_brace(db: Session, patient_id: int) -> bool:
    """Whether the newest evaluation records brace (AFO) use."""
    answers = db.scalar(
        select(Evaluation.input_json)
        .where(Evaluation.patient_id == patient_id)
        .order_by(Evaluation.evaluated_on.desc(), Evaluation.id.desc())
        .limit(1)
    )
    return bool(answers and answers.get("uses_afo"))


def wear_target(db: Session, patient_id: int) -> float | None:
    """The newest wear target a clinician set at an evaluation (None: never set)."""
    value = db.scalar(
        select(Evaluation.brace_wear_target_hours)
        .where(
            Evaluation.patient_id == patient_id,
            Evaluation.brace_wear_target_hours.is_not(None),
        )
        .order_by(Evaluation.evaluated_on.desc(), Evaluation.id.desc())
        .limit(1)
    )
    return float(value) if value is not None else None


def brace_summary(db: Session, patient_id: int, today: dt.date, lang: str = "en") -> BraceSummary:
    """The brace read model of one patient (no audit: the caller audited the read)."""
    rows = _rows(db, patient_id, limit=None)
    oldest_first = list(reversed(rows))
    marked = db.execute(
        select(
            Measurement.measure_id,
            Measurement.value_num,
            Measurement.measured_on,
            Measurement.with_brace,
        ).where(
            Measurement.patient_id == patient_id,
            Measurement.with_brace.is_not(None),
            Measurement.value_num.is_not(None),
        )
    )
    values = [MarkedValue(m, float(v or 0), d, w) for m, v, d, w in marked]
    return BraceSummary(
        uses_brace=uses_brace(db, patient_id),
        wear=wear_report(
            [(r.log_date, r.wear_hours) for r in oldest_first],
            target_hours=wear_target(db, patient_id),
            today=today,
        ),
        walking=compare_walking(values),
        recent=[_public(r, lang) for r in rows[:14]],
    )


def skin_problems_between(
    db: Session, patient_id: int, start: dt.date, end: dt.date
) -> list[tuple[dt.date, str]]:
    """The skin problems logged from ``start`` to ``end``, with what was seen in clinical
    words (the progress note; no audit: the caller audited the read)."""
    rules = load_brace_rules()
    rows = db.execute(
        select(BraceLog.log_date, BraceLog.seen)
        .where(
            BraceLog.patient_id == patient_id,
            BraceLog.skin_problem.is_(True),
            BraceLog.log_date >= start,
            BraceLog.log_date <= end,
        )
        .order_by(BraceLog.log_date, BraceLog.id)
    )
    out = []
    for day, seen in rows:
        words = [rules.seen[s].clinical.en for s in seen or [] if s in rules.seen]
        out.append((day, ", ".join(words) or rules.alert.no_detail.en))
    return out


__all__ = [
    "MAX_LISTED",
    "BraceLogPublic",
    "BraceSummary",
    "brace_log",
    "brace_summary",
    "log_brace",
    "skin_problems_between",
    "uses_brace",
    "wear_target",
]
