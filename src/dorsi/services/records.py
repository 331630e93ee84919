"""Screenings and evaluations: the clinical core decides, this module stores and pauses.

- A screening is the ``dorsi screen`` input; :func:`dorsi.clinical.screening.triage` decides.
  When the decision pauses the program, the patient's program is paused with the reasons.
  Only a *clinician's* screening that answers ``proceed`` lifts a pause; a patient's own
  screening can pause the program but never restart it.
- An evaluation is the ``dorsi plan`` input plus optional ``measures`` (other catalog
  measures, e.g. ``tug_s``; each may be marked ``with_brace`` true or false, and a marked
  walk may repeat a plan measure), an optional ``date``, the clinician's daily brace wear
  target ``brace_wear_target_hours`` and ``gait_speed_with_brace`` (marks the plan's own
  ``gait_speed_mps``); the plan input's own measures
  (``dorsiflexion_mmt``, ``single_leg_stance_s``, ...) are stored as measurements too. Values
  are checked by the progress review's own validation, so ranges live in one place (the
  measures catalog). :func:`dorsi.clinical.program.build_program` suggests the program, stored
  as a new unassigned version until a clinician assigns it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from dorsi.catalog.measures import load_measures
from dorsi.clinical.contract import parse
from dorsi.clinical.program import PlanInput, build_program
from dorsi.clinical.progress import ProgressInput, review
from dorsi.clinical.screening import ScreenInput, ScreenOutput, triage
from dorsi.errors import InputError
from dorsi.services.context import Ctx
from dorsi.services.patients import load_patient, require_actor
from dorsi.services.programs import next_version, program_public
from dorsi.services.schemas import (
    EARLIEST_DAY,
    EvaluationIn,
    EvaluationPublic,
    EvaluationResult,
    MeasureIn,
    MeasurementPublic,
)
from dorsi.store.models import Evaluation, Measurement, Patient, Program, ProgramExercise, Screening

# EARLIEST_DAY: the earliest day a stored record may carry: anything older is a typo (and no
# chart or report can lay out centuries). 1900 is refused too: it is the placeholder year of
# spreadsheets and date pickers (1900-01-01 is day 1 in Excel), never a real visit here.


@dataclass(frozen=True)
class Onset:
    """The day the foot drop started, as the record tells it (the earliest estimate)."""

    day: dt.date
    #: the evaluation whose ``weeks_since_onset`` gave it
    evaluated_on: dt.date


def onset_of(weeks_since_onset: object, evaluated_on: dt.date) -> dt.date | None:
    """The onset day an evaluation implies (``weeks_since_onset`` before its day).

    Weeks are rounded up to whole days, so an estimate never lands after the true onset.
    """
    if isinstance(weeks_since_onset, bool) or not isinstance(weeks_since_onset, int | float):
        return None
    if not 0 <= weeks_since_onset <= 5200:
        return None
    return evaluated_on - dt.timedelta(days=math.ceil(weeks_since_onset * 7))


def record_onset(ctx: Ctx, patient_id: int) -> Onset | None:
    """The earliest onset the patient's evaluations give (None before the first evaluation)."""
    best: Onset | None = None
    rows = ctx.db.execute(
        select(Evaluation.evaluated_on, Evaluation.input_json).where(
            Evaluation.patient_id == patient_id
        )
    )
    for evaluated_on, answers in rows:
        day = onset_of((answers or {}).get("weeks_since_onset"), evaluated_on)
        if day is not None and (best is None or day < best.day):
            best = Onset(day=day, evaluated_on=evaluated_on)
    return best


def check_day(day: dt.date, today: dt.date, field: str, onset: Onset | None = None) -> dt.date:
    """``day`` when it lies from the onset (or :data:`EARLIEST_DAY`) to ``today``, else an
    InputError naming ``field`` and the allowed range."""
    if day > today:
        raise InputError(
            f"must not be in the future (today is {today.isoformat()}; got {day.isoformat()})",
            field=field,
        )
    if day < EARLIEST_DAY:
        raise InputError(
            f"must not be before {EARLIEST_DAY.isoformat()} (got {day.isoformat()})", field=field
        )
    if onset is not None and day < onset.day:
        raise InputError(
            f"must not be before the foot drop started ({onset.day.isoformat()}, from the "
            f"weeks since onset given at the evaluation of {onset.evaluated_on.isoformat()}); "
            f"got {day.isoformat()}",
            field=field,
        )
    return day


def pause(ctx: Ctx, patient: Patient, reason: str) -> None:
    patient.program_paused = True
    patient.paused_reason = reason[:2000]
    patient.paused_at = ctx.now


# --- screenings -------------------------------------------------------------------------


def record_screening(ctx: Ctx, patient_id: int, data: ScreenInput) -> ScreenOutput:
    """Triage the answers, store input and output, and pause or resume the program."""
    patient = load_patient(ctx, patient_id, "patient.screen")
    result = triage(data)
    actor = require_actor(ctx)
    ctx.db.add(
        Screening(
            patient_id=patient.id,
            created_by_id=actor.id,
            created_by_role=actor.role,
            created_at=ctx.now,
            level=result.level,
            input_json=data.model_dump(mode="json"),
            output_json=result.model_dump(mode="json"),
        )
    )
    if result.program_paused:
        pause(
            ctx,
            patient,
            # Complete on its own: what to do now (the triage advice) first, then why. Pages
            # show this reason as the advice and add nothing of their own (me/_paused.html).
            f"Screening on {ctx.now.date().isoformat()}: {result.level.replace('_', ' ')}. "
            + result.advice
            + " Why: "
            + " ".join(result.reasons),
        )
    elif actor.role == "clinician" and patient.program_paused:
        patient.program_paused = False
        patient.paused_reason = None
        patient.paused_at = None
    return result


def latest_screenings(ctx: Ctx, patient_ids: list[int]) -> dict[int, Screening]:
    """The newest screening of each patient (no audit: callers have audited the read)."""
    if not patient_ids:
        return {}
    newest = (
        select(Screening.patient_id, func.max(Screening.id).label("last_id"))
        .where(Screening.patient_id.in_(patient_ids))
        .group_by(Screening.patient_id)
        .subquery()
    )
    rows = ctx.db.scalars(select(Screening).join(newest, Screening.id == newest.c.last_id))
    return {s.patient_id: s for s in rows}


def screenings(ctx: Ctx, patient_id: int) -> list[Screening]:
    load_patient(ctx, patient_id, "patient.read", "screenings")
    return list(
        ctx.db.scalars(
            select(Screening)
            .where(Screening.patient_id == patient_id)
            .order_by(Screening.id.desc())
        )
    )


# --- evaluations ------------------------------------------------------------------------


def _plan_measures(plan: PlanInput, known: set[str]) -> list[tuple[str, float | str]]:
    values = plan.model_dump(mode="json")
    out: list[tuple[str, float | str]] = []
    for name, value in values.items():
        if name in known and value is not None and not isinstance(value, bool | list):
            out.append((name, value))
    return out


def _review_measures(items: list[dict[str, Any]], today: dt.date) -> None:
    """The progress review's own checks (known measure, value kind, range, no future date)."""
    review(parse(ProgressInput, {"measurements": items, "sessions": []}), today=today)


def _check_plan_measures(
    plan_pairs: list[tuple[str, float | str]], day: dt.date, today: dt.date
) -> None:
    """The plan's own measures must lie in the catalog's valid ranges, as stored values must.

    (Otherwise a stored evaluation would make every later progress review refuse the record.)
    """
    items = [
        {"measure": name, "value": value, "date": day.isoformat()} for name, value in plan_pairs
    ]
    try:
        _review_measures(items, today)
    except InputError as exc:
        parts = (exc.field or "").split(".")
        if len(parts) >= 2 and parts[0] == "measurements" and parts[1].isdigit():
            raise InputError(exc.detail, field=plan_pairs[int(parts[1])][0]) from None
        raise


def _check_measures(
    extra: Sequence[MeasureIn],
    plan_pairs: list[tuple[str, float | str]],
    day: dt.date,
    today: dt.date,
    onset: Onset | None = None,
) -> list[MeasureIn]:
    """The optional ``measures`` by the progress review's own rules, each dated (by default
    the evaluation's ``day``)."""
    plan_fields = set(PlanInput.model_fields)
    items: list[MeasureIn] = []
    for index, item in enumerate(extra):
        # A walk marked with or without the brace may repeat a plan measure (the same test
        # walked both ways on one day); an unmarked one belongs in the plan's field.
        if item.measure in plan_fields and item.with_brace is None:
            raise InputError(
                f"'{item.measure}' has its own field in the evaluation; give it there",
                field=f"measures.{index}.measure",
            )
        if item.date is not None:
            check_day(item.date, today, f"measures.{index}.date", onset)
        items.append(item if item.date is not None else item.model_copy(update={"date": day}))
    _check_plan_measures(plan_pairs, day, today)
    try:
        _review_measures([i.model_dump(mode="json", exclude={"with_brace"}) for i in items], today)
    except InputError as exc:
        field = (exc.field or "measures").replace("measurements", "measures", 1)
        raise InputError(exc.detail, field=field) from None
    return items


def record_evaluation(ctx: Ctx, patient_id: int, data: EvaluationIn) -> EvaluationResult:
    """Store an evaluation and its measurements, and the program it suggests (unassigned)."""
    patient = load_patient(ctx, patient_id, "patient.evaluate")
    today = ctx.now.date()
    day = check_day(data.date or today, today, "date")
    plan = data.plan()
    # The record's onset, or this evaluation's when it reaches further back (it may correct
    # the weeks since onset); its extra measures may not be dated before it.
    onset = record_onset(ctx, patient.id)
    implied = onset_of(plan.weeks_since_onset, day)
    if implied is not None and (onset is None or implied < onset.day):
        onset = Onset(day=implied, evaluated_on=day)
    known = {m.id for m in load_measures().measures}
    pairs = _plan_measures(plan, known)
    items = _check_measures(data.measures or (), pairs, day, today, onset)
    suggestion = build_program(plan)
    actor = require_actor(ctx)
    evaluation = Evaluation(
        patient_id=patient.id,
        created_by_id=actor.id,
        created_at=ctx.now,
        evaluated_on=day,
        input_json=plan.model_dump(mode="json"),
        brace_wear_target_hours=data.brace_wear_target_hours,
    )
    values: list[tuple[str, float | str, dt.date, bool | None]] = [
        (m, v, day, data.gait_speed_with_brace if m == "gait_speed_mps" else None) for m, v in pairs
    ]
    values += [(i.measure, i.value, i.date or day, i.with_brace) for i in items]
    for measure, value, when, marked in values:
        evaluation.measurements.append(
            Measurement(
                patient_id=patient.id,
                measure_id=measure,
                value_num=None if isinstance(value, str) else float(value),
                value_grade=value if isinstance(value, str) else None,
                measured_on=when,
                source="evaluation",
                created_at=ctx.now,
                created_by_id=actor.id,
                with_brace=marked,
            )
        )
    ctx.db.add(evaluation)
    ctx.db.flush()
    program = store_suggestion(ctx, patient, evaluation, suggestion.model_dump(mode="json"))
    return EvaluationResult(evaluation=evaluation_public(evaluation), program=program)


def store_suggestion(
    ctx: Ctx, patient: Patient, evaluation: Evaluation, plan: dict[str, Any]
) -> Any:
    """Store a ``dorsi plan`` output as the newest (unassigned) program version."""
    version = next_version(ctx, patient.id)
    rest = {k: v for k, v in plan.items() if k not in ("phase", "phase_name", "exercises")}
    program = Program(
        patient_id=patient.id,
        version=version,
        origin="suggested",
        evaluation_id=evaluation.id,
        created_by_id=ctx.actor.id if ctx.actor else None,
        created_at=ctx.now,
        assigned=False,
        phase=int(plan["phase"]),
        phase_name=str(plan["phase_name"]),
        plan_json=rest,
        notes="",
    )
    for position, item in enumerate(plan["exercises"]):
        program.exercises.append(
            ProgramExercise(
                position=position,
                exercise_id=item["id"],
                sets=item["sets"],
                reps=item.get("reps"),
                hold_s=item.get("hold_s"),
                rest_s=item["rest_s"],
                days_per_week=item["days_per_week"],
                support=item["support"],
                cues=list(item.get("cues") or []),
                notes="",
            )
        )
    ctx.db.add(program)
    ctx.db.flush()
    return program_public(program)


def measurement_public(m: Measurement) -> MeasurementPublic:
    value: float | str = m.value_grade if m.value_grade is not None else float(m.value_num or 0)
    return MeasurementPublic(
        id=m.id,
        measure=m.measure_id,
        value=value,
        date=m.measured_on,
        source=m.source,
        evaluation_id=m.evaluation_id,
        with_brace=m.with_brace,
    )


def evaluation_public(evaluation: Evaluation) -> EvaluationPublic:
    return EvaluationPublic(
        id=evaluation.id,
        patient_id=evaluation.patient_id,
        date=evaluation.evaluated_on,
        input=evaluation.input_json,
        measurements=[measurement_public(m) for m in evaluation.measurements],
    )


__all__ = [
    "EARLIEST_DAY",
    "Onset",
    "check_day",
    "evaluation_public",
    "latest_screenings",
    "measurement_public",
    "onset_of",
    "pause",
    "record_evaluation",
    "record_onset",
    "record_screening",
    "screenings",
    "store_suggestion",
]
