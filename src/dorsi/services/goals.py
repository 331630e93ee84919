"""A patient's goals: the clinician sets them; everyone who reads the record sees each one
with its status (met, on track, not on track, not yet measured), judged on every read by
:mod:`dorsi.clinical.goals` from the stored measurements and today's date.

The clinician can change a goal, mark it met (the only judgement a goal in plain words can
have) or stop it. A stopped goal stays in the record (and the audit chain) but leaves the
reviews, the pages and the progress note: it no longer says where the patient is heading.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from dorsi.clinical.goal_contract import Goal, GoalChange, GoalReason, GoalReport, GoalStatus
from dorsi.clinical.goals import check_goal, report
from dorsi.clinical.progress_contract import MeasurementLike
from dorsi.errors import ConflictError, InputError, NotFoundError
from dorsi.services.context import Ctx
from dorsi.services.history import as_goal, goal_rows, read_histories
from dorsi.services.patients import load_patient, require_actor
from dorsi.store.models import Goal as GoalRow

MAX_GOALS_PER_PATIENT = 100


class GoalPublic(BaseModel):
    """A goal as the API shows it: what was set, and its status today."""

    model_config = ConfigDict(extra="forbid")

    id: int
    patient_id: int
    measure: str | None
    target: float | str | None
    by: dt.date | None
    text: str | None
    set_on: dt.date
    status: GoalStatus
    reason: GoalReason
    latest: float | str | None
    latest_date: dt.date | None
    trend_per_week: float | None
    projected: float | None
    met_on: dt.date | None
    stopped_on: dt.date | None


def stored_measurements(db: Session, patient_id: int) -> list[MeasurementLike]:
    """The patient's stored values, as the goal rules read them (no audit: callers audit)."""
    return list(read_histories(db, [patient_id])[patient_id].measurements)


def _public(row: GoalRow, item: GoalReport) -> GoalPublic:
    return GoalPublic(
        id=row.id,
        patient_id=row.patient_id,
        set_on=row.set_on,
        stopped_on=row.stopped_on,
        **item.model_dump(),
    )


def _reports(
    rows: list[GoalRow], measurements: list[MeasurementLike], today: dt.date
) -> list[GoalPublic]:
    return [_public(row, report(as_goal(row), measurements, today=today)) for row in rows]


def list_goals(ctx: Ctx, patient_id: int, *, stopped: bool = False) -> list[GoalPublic]:
    """Every open goal of the patient (with ``stopped``, the stopped ones too), oldest
    first, each with its status today."""
    load_patient(ctx, patient_id, "patient.read", "goals")
    rows = goal_rows(ctx.db, [patient_id], stopped=stopped)[patient_id]
    return _reports(rows, stored_measurements(ctx.db, patient_id), ctx.now.date())


def create_goal(ctx: Ctx, patient_id: int, data: Goal) -> GoalPublic:
    """Store a new goal (``measure`` + ``target`` + ``by``, or ``text``) and report it."""
    patient = load_patient(ctx, patient_id, "goal.write", "goals")
    today = ctx.now.date()
    goal = check_goal(data, not_before=today)
    existing = goal_rows(ctx.db, [patient.id])[patient.id]
    if len(existing) >= MAX_GOALS_PER_PATIENT:
        raise ConflictError(f"a patient may have at most {MAX_GOALS_PER_PATIENT} goals")
    actor = require_actor(ctx)
    row = GoalRow(patient_id=patient.id, set_on=today, created_at=ctx.now, created_by_id=actor.id)
    _set_content(row, goal)
    ctx.db.add(row)
    ctx.db.flush()
    return _reports([row], stored_measurements(ctx.db, patient.id), today)[0]


def _set_content(row: GoalRow, goal: Goal) -> None:
    row.measure_id = goal.measure
    row.target_num = None if goal.target is None or isinstance(goal.target, str) else goal.target
    row.target_grade = goal.target if isinstance(goal.target, str) else None
    row.by_date = goal.by
    row.text = goal.text


def _open_goal(ctx: Ctx, patient_id: int, goal_id: int, detail: str) -> GoalRow:
    """The patient's goal ``goal_id`` after the policy allowed changing it (audited)."""
    load_patient(ctx, patient_id, "goal.write", detail)
    row = ctx.db.get(GoalRow, goal_id)
    if row is None or row.patient_id != patient_id:
        raise NotFoundError(f"goal_id: no goal {goal_id} for patient {patient_id}")
    return row


_CONTENT = ("measure", "target", "by", "text")


def change_goal(ctx: Ctx, patient_id: int, goal_id: int, data: GoalChange) -> GoalPublic:
    """Change an open goal (the fields given), mark it met or take the mark back."""
    row = _open_goal(ctx, patient_id, goal_id, f"goal {goal_id} changed")
    if row.stopped_on is not None:
        raise ConflictError(
            f"goal {goal_id} was stopped on {row.stopped_on.isoformat()}; set a new goal instead"
        )
    given = data.model_fields_set
    if not given:
        raise InputError("give at least one of measure, target, by, text or met", field="(input)")
    today = ctx.now.date()
    content = given & set(_CONTENT)
    if content:
        old = as_goal(row)
        merged = {name: getattr(data if name in content else old, name) for name in _CONTENT}
        goal = Goal.model_construct(**merged)
        changed_by = "by" in content and goal.by != old.by
        check_goal(goal, not_before=today if changed_by else None)
        _set_content(row, goal)
        row.met_on = None  # a changed goal is judged afresh
    if data.met is True:
        row.met_on = row.met_on or today
    elif data.met is False:
        row.met_on = None
    row.changed_at, row.changed_by_id = ctx.now, require_actor(ctx).id
    ctx.db.flush()
    return _reports([row], stored_measurements(ctx.db, patient_id), today)[0]


def stop_goal(ctx: Ctx, patient_id: int, goal_id: int) -> GoalPublic:
    """Stop a goal: kept in the record, left out of reviews. Stopping it again changes
    nothing (the first day stands)."""
    row = _open_goal(ctx, patient_id, goal_id, f"goal {goal_id} stopped")
    today = ctx.now.date()
    if row.stopped_on is None:
        row.stopped_on = today
        row.changed_at, row.changed_by_id = ctx.now, require_actor(ctx).id
        ctx.db.flush()
    return _reports([row], stored_measurements(ctx.db, patient_id), today)[0]


__all__ = [
    "MAX_GOALS_PER_PATIENT",
    "GoalPublic",
    "as_goal",
    "change_goal",
    "create_goal",
    "goal_rows",
    "list_goals",
    "stop_goal",
    "stored_measurements",
]
