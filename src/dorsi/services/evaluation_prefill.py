"""What a new evaluation form starts from: the lasting facts filled in, the last values beside.

A re-evaluation asks again for things that do not change from visit to visit. Those come
filled in from the record: the side and the cause, whether a brace is worn and the equipment
at home (the newest evaluation; before one, the patient record and all the equipment), and
the weeks since onset, counted to today from the onset the record gives
(:func:`dorsi.services.records.record_onset`).

Measurements are never filled in: a value saved again by accident would look like a new
measurement on a new day. Each measure's newest stored value and its date are given apart
(:class:`LastValue`), for the page to show beside the empty input, and so are the newest
age, feeling in the foot and brace wear target, which are measured or set again at a visit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from dorsi.services.context import Ctx
from dorsi.services.records import record_onset
from dorsi.store.models import Evaluation, Measurement, Patient

#: answers of the newest evaluation shown beside their inputs, not filled in
EVALUATION_ANSWERS = ("age_years", "sensation")


@dataclass(frozen=True)
class LastValue:
    """A value the record holds and the day it was measured (or set)."""

    value: float | str
    day: dt.date

    @property
    def shown(self) -> str:
        """The value as a clinician types it: ``3``, ``0.85``, ``4-``, ``reduced``."""
        if isinstance(self.value, str):
            return self.value
        return f"{self.value:g}"


@dataclass(frozen=True)
class EvaluationPrefill:
    #: form field -> value filled in (lasting facts only)
    facts: dict[str, Any]
    #: form field -> the newest value, shown beside the empty input
    last: dict[str, LastValue] = field(default_factory=dict)
    #: the day the weeks since onset are counted from (None: no onset on record)
    onset: dt.date | None = None


def evaluation_prefill(ctx: Ctx, patient: Patient, equipment: tuple[str, ...]) -> EvaluationPrefill:
    """The form's starting values for ``patient`` (the caller has checked access).

    ``equipment`` is every choice of the form: all are ticked when no evaluation says which.
    """
    facts: dict[str, Any] = {
        "side": patient.side,
        "cause": patient.cause,
        "equipment": list(equipment),
    }
    last: dict[str, LastValue] = {}
    evaluations = ctx.db.execute(
        select(Evaluation.input_json, Evaluation.evaluated_on)
        .where(Evaluation.patient_id == patient.id)
        .order_by(Evaluation.evaluated_on.desc(), Evaluation.id.desc())
    ).all()
    if evaluations:
        answers = evaluations[0][0] or {}
        # The newest evaluation's side and cause: it may have corrected the record's.
        for name in ("side", "cause"):
            if isinstance(answers.get(name), str):
                facts[name] = answers[name]
        if isinstance(answers.get("uses_afo"), bool):
            facts["uses_afo"] = "yes" if answers["uses_afo"] else "no"
        if isinstance(answers.get("equipment"), list):
            facts["equipment"] = [e for e in answers["equipment"] if e in equipment]
    for answers, day in evaluations:  # newest first: the newest that gave each answer
        for name in EVALUATION_ANSWERS:
            value = (answers or {}).get(name)
            if name not in last and isinstance(value, int | float | str):
                last[name] = LastValue(value, day)
    target = ctx.db.execute(
        select(Evaluation.brace_wear_target_hours, Evaluation.evaluated_on)
        .where(
            Evaluation.patient_id == patient.id,
            Evaluation.brace_wear_target_hours.is_not(None),
        )
        .order_by(Evaluation.evaluated_on.desc(), Evaluation.id.desc())
        .limit(1)
    ).first()
    if target is not None and target[0] is not None:
        last["brace_wear_target_hours"] = LastValue(float(target[0]), target[1])
    last |= _last_measurements(ctx, patient.id)
    onset = record_onset(ctx, patient.id)
    if onset is not None:
        # Whole weeks, rounded down: the onset this implies is never earlier than the record's.
        facts["weeks_since_onset"] = str(max(0, (ctx.now.date() - onset.day).days // 7))
    return EvaluationPrefill(facts, last, onset.day if onset else None)


def _last_measurements(ctx: Ctx, patient_id: int) -> dict[str, LastValue]:
    """The newest value of each measure the patient has (any source: visit, home, camera)."""
    rows = ctx.db.execute(
        select(
            Measurement.measure_id,
            Measurement.value_num,
            Measurement.value_grade,
            Measurement.measured_on,
        )
        .where(Measurement.patient_id == patient_id)
        .order_by(Measurement.measured_on.desc(), Measurement.id.desc())
    )
    last: dict[str, LastValue] = {}
    for measure, number, grade, day in rows:
        if measure not in last:
            value: float | str = grade if grade is not None else float(number or 0)
            last[measure] = LastValue(value, day)
    return last


__all__ = ["EvaluationPrefill", "LastValue", "evaluation_prefill"]
