"""The stored progress history of patients: one reader for every caller.

The patient's own progress (:func:`dorsi.services.progress.patient_progress`, the dashboard)
reads one patient; the clinic-wide review (:mod:`dorsi.services.review`) reads the patient list
in batches. Both read through :func:`read_histories`, so the two can never disagree about what
a patient's history is, and the review of it is always
:func:`dorsi.clinical.progress.review_history`.

A batch is six plain queries whatever its size (measurements, check-ins, the programs,
resolved stops, the brace log's skin problems, goals), each returning rows in (patient, day, id)
order: the order the review reads sessions in, same-day check-ins in the order they were
logged. The rows are stored through the contract's checks and the schema's constraints, so
they are not parsed again; a stored measurement that fails today's checks is left out by the
review itself, never a refusal of the read.

Nothing here audits or checks access: callers do (:func:`dorsi.services.patients.load_patient`,
:mod:`dorsi.services.list_audit`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

from sqlalchemy import BindParameter, bindparam, func, select
from sqlalchemy.orm import Session

from dorsi.clinical.brace import SkinCheck
from dorsi.clinical.goal_contract import Goal, RecordedGoal
from dorsi.clinical.progress import Checkin, ProgressOutput, review_history
from dorsi.services.skin_days import skin_checks
from dorsi.services.stop_days import resolved_through
from dorsi.store.models import Goal as GoalRow
from dorsi.store.models import Measurement, Program, ProgramExercise, SessionCheckin


class MeasurementRow(NamedTuple):
    """One stored measurement as the review reads it (a ``MeasurementLike``)."""

    measure: str
    value: float | str
    date: dt.date


@dataclass(frozen=True, slots=True)
class History:
    """What the progress review needs of one patient, as stored."""

    measurements: Sequence[MeasurementRow] = ()
    #: the check-ins in (day, id) order
    sessions: Sequence[Checkin] = ()
    #: the day the first program was assigned
    program_start: dt.date | None = None
    #: the most days per week any exercise of the current program asks
    planned_days_per_week: int | None = None
    #: the phase of the current program: ready_to_progress also needs the next one's criteria
    phase: int | None = None
    #: the stop alerts of check-ins up to this day are resolved (:mod:`dorsi.services.stops`)
    stops_resolved_through: dt.date | None = None
    #: the skin problems of the brace log (a recent one raises ``skin_problem``)
    skin_checks: Sequence[SkinCheck] = ()
    #: the clinician's goals, each reported with its status (:mod:`dorsi.clinical.goals`)
    goals: Sequence[Goal] = ()

    @property
    def last_session(self) -> dt.date | None:
        return self.sessions[-1].day if self.sessions else None

    def review(self, today: dt.date, lang: str = "en") -> ProgressOutput:
        """The review of the stored history; ``lang`` chooses only the alert messages' words."""
        return review_history(
            measurements=self.measurements,
            sessions=self.sessions,
            program_start=self.program_start,
            planned_days_per_week=self.planned_days_per_week,
            today=today,
            lang=lang,
            phase=self.phase,
            stops_resolved_through=self.stops_resolved_through,
            skin_checks=self.skin_checks,
            goals=self.goals,
        )


# Every progress read and every batch of the clinic-wide review runs the statements below:
# each is built once, with the batch's patient ids bound per call (``_IDS``).
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)

_MEASUREMENTS = (
    select(
        Measurement.patient_id,
        Measurement.measure_id,
        Measurement.value_grade,
        Measurement.value_num,
        Measurement.measured_on,
    )
    .where(Measurement.patient_id.in_(_IDS))
    .order_by(Measurement.patient_id, Measurement.measured_on, Measurement.id)
)


def _measurements(db: Session, ids: Sequence[int]) -> dict[int, list[MeasurementRow]]:
    rows = db.execute(_MEASUREMENTS, {"ids": list(ids)})
    return {
        pid: [
            MeasurementRow(measure, grade if grade is not None else float(num or 0), day)
            for _, measure, grade, num, day in group
        ]
        for pid, group in groupby(rows, key=itemgetter(0))
    }


#: the stored columns of a check-in, in the order of :class:`Checkin`'s fields
_CHECKIN_COLUMNS = (
    SessionCheckin.session_date,
    SessionCheckin.completed,
    SessionCheckin.sets_done,
    SessionCheckin.pain_nrs,
    SessionCheckin.difficulty,
    SessionCheckin.trips_since_last,
    SessionCheckin.weakness_worse,
    SessionCheckin.balance_worse,
    SessionCheckin.notes,
)


_SESSIONS = (
    select(SessionCheckin.patient_id, *_CHECKIN_COLUMNS)
    .where(SessionCheckin.patient_id.in_(_IDS))
    .order_by(SessionCheckin.patient_id, SessionCheckin.session_date, SessionCheckin.id)
)


def _sessions(db: Session, ids: Sequence[int]) -> dict[int, list[Checkin]]:
    rows = db.execute(_SESSIONS, {"ids": list(ids)})
    # Stored through the contract's checks and the schema's constraints: not parsed again.
    fields = tuple(Checkin.model_fields)
    return {
        pid: [Checkin.model_construct(**dict(zip(fields, row[1:], strict=True))) for row in group]
        for pid, group in groupby(rows, key=itemgetter(0))
    }


class CurrentProgram(NamedTuple):
    """What the review needs of a patient's programs."""

    #: the day the first program was assigned
    started: dt.date | None
    #: the phase of the newest assigned program
    phase: int
    #: the most days per week any exercise of the newest assigned program asks
    days_per_week: int | None


_ASSIGNED = (
    select(
        Program.patient_id,
        func.max(Program.version).label("version"),
        func.min(Program.assigned_at).label("started"),
    )
    .where(Program.patient_id.in_(_IDS), Program.assigned.is_(True))
    .group_by(Program.patient_id)
    .subquery()
)
_PROGRAMS = (
    select(
        _ASSIGNED.c.patient_id,
        _ASSIGNED.c.started,
        Program.phase,
        func.max(ProgramExercise.days_per_week),
    )
    .join(
        Program,
        (Program.patient_id == _ASSIGNED.c.patient_id) & (Program.version == _ASSIGNED.c.version),
    )
    .outerjoin(ProgramExercise, ProgramExercise.program_id == Program.id)
    .group_by(_ASSIGNED.c.patient_id, _ASSIGNED.c.started, Program.phase)
)


def _current_programs(db: Session, ids: Sequence[int]) -> dict[int, CurrentProgram]:
    """Each patient's first assignment day, and the phase and the most days per week of the
    newest assigned program (one query)."""
    rows = db.execute(_PROGRAMS, {"ids": list(ids)})
    return {
        pid: CurrentProgram(started.date() if started is not None else None, phase, days)
        for pid, started, phase, days in rows
    }


def as_goal(row: GoalRow) -> RecordedGoal:
    """The clinical goal a stored row holds (with the day the clinician marked it met)."""
    return _recorded(
        row.measure_id, row.target_grade, row.target_num, row.by_date, row.text, row.met_on
    )


def _recorded(
    measure: str | None,
    grade: str | None,
    num: float | None,
    by: dt.date | None,
    text: str | None,
    met_on: dt.date | None,
) -> RecordedGoal:
    # Stored through the contract's checks and the schema's constraints: not parsed again.
    target = grade if grade else num
    return RecordedGoal.model_construct(
        measure=measure, target=target, by=by, text=text, met_on=met_on
    )


#: the goals a review reports (the ones the clinician stopped are left out), in the order
#: they were set
_GOALS = (
    select(
        GoalRow.patient_id,
        GoalRow.measure_id,
        GoalRow.target_grade,
        GoalRow.target_num,
        GoalRow.by_date,
        GoalRow.text,
        GoalRow.met_on,
    )
    .where(GoalRow.patient_id.in_(_IDS), GoalRow.stopped_on.is_(None))
    .order_by(GoalRow.patient_id, GoalRow.id)
)


def _goals(db: Session, ids: Sequence[int]) -> dict[int, list[RecordedGoal]]:
    rows = db.execute(_GOALS, {"ids": list(ids)})
    return {
        pid: [_recorded(*row[1:]) for row in group]
        for pid, group in groupby(rows, key=itemgetter(0))
    }


def goal_rows(
    db: Session, patient_ids: Sequence[int], *, stopped: bool = False
) -> dict[int, list[GoalRow]]:
    """Each patient's goals in the order they were set (no audit: callers audit); the ones
    the clinician stopped only with ``stopped`` (they stay in the record, not in reviews)."""
    out: dict[int, list[GoalRow]] = {pid: [] for pid in patient_ids}
    if not patient_ids:
        return out
    query = select(GoalRow).where(GoalRow.patient_id.in_(patient_ids))
    if not stopped:
        query = query.where(GoalRow.stopped_on.is_(None))
    for row in db.scalars(query.order_by(GoalRow.id)):
        out[row.patient_id].append(row)
    return out


def read_histories(db: Session, patient_ids: Sequence[int]) -> dict[int, History]:
    """The stored history of each of ``patient_ids`` (an empty one when nothing is stored).

    Callers pass a bounded batch: the ids go into ``IN`` lists and every row of the batch is
    held in memory (the clinic-wide review passes :data:`dorsi.services.review.CHUNK`).
    """
    if not patient_ids:
        return {}
    measured = _measurements(db, patient_ids)
    sessions = _sessions(db, patient_ids)
    programs = _current_programs(db, patient_ids)
    resolved = resolved_through(db, list(patient_ids))
    skin = skin_checks(db, patient_ids)
    goals = _goals(db, patient_ids)
    out: dict[int, History] = {}
    for pid in patient_ids:
        program = programs.get(pid)
        out[pid] = History(
            measurements=measured.get(pid, ()),
            sessions=sessions.get(pid, ()),
            program_start=program.started if program else None,
            planned_days_per_week=program.days_per_week if program else None,
            phase=program.phase if program else None,
            stops_resolved_through=resolved.get(pid),
            skin_checks=skin.get(pid, ()),
            goals=goals.get(pid, ()),
        )
    return out


__all__ = ["History", "MeasurementRow", "as_goal", "goal_rows", "read_histories"]
