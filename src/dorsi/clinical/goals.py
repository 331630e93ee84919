"""Goals: is the patient's goal met, on track, not on track, or not yet measured?

A goal is a measure, a target and a date to reach it by (``gait_speed_mps`` 0.8 by
2026-06-01), or a goal in plain words (``text``: "walk to the shop without tripping") that
the clinician judges. The status of a measure goal, on ``today`` (an argument: the clock is
never read here):

- ``not_yet_measured``: no value of the measure yet (a plain-words goal is always reported
  so too: no measurement can judge it; the clinician does).
- ``met``: the latest value reaches the target (at least it, or at most where lower is
  better: ``direction`` in ``measures.yaml``; muscle grades by their order, "4-" reaches "3+").
- ``not_on_track``: not met, and either the date has passed, or there is no real trend
  toward the target yet, or the trend is too slow to reach it by the date.
- ``on_track``: not met, the date is still ahead, and the measure's recent values show a
  *real* trend toward the target that, carried on, reaches it by the date.
- A goal the clinician marked met (``met_on``, a :class:`RecordedGoal`) is ``met`` from that
  day on, whatever the numbers say: the clinician's judgement is the only one a plain-words
  goal can have, and it stands over a later dip (the clinician can take it back).

"A real trend" uses the progress review's own tools: the Theil-Sen slope (Sen 1968) of the
values of the trend window before the latest (``goal_rules.yaml``: 8 weeks, at least two
values at least 14 days apart, clinician defaults), carried over the window, must move by at
least the measure's MDC in the better direction; otherwise the change so far is within
measurement error and Dorsi does not call the goal on track. The projection is a straight
line from the latest value to the date; recovery usually slows, so a far-off date makes the
projection optimistic: ``reason`` and ``projected`` say what the status rests on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import cast

from dorsi.catalog.goal_rules import load_goal_rules
from dorsi.catalog.measures import Measure, load_measures
from dorsi.catalog.mmt import GRADES, MmtGrade, rank
from dorsi.clinical.goal_contract import (
    GOAL_STATUSES,
    Goal,
    GoalReason,
    GoalReport,
    GoalStatus,
    RecordedGoal,
)
from dorsi.clinical.progress_contract import MeasurementLike
from dorsi.clinical.progress_course import Point, as_number, theil_sen_per_day
from dorsi.errors import InputError, NotFoundError

_EPS = 1e-6


def check_goal(goal: Goal, *, not_before: dt.date | None, field: str = "") -> Goal:
    """``goal`` when it can be judged; else :class:`InputError` naming the field.

    A measure goal needs a known measure with an MDC (a trend-only measure is never judged),
    a target of the measure's kind in its valid range, and (when ``not_before`` is given: a
    new goal, checked against today) a ``by`` date not before it; a goal without a measure
    needs ``text``.
    """
    prefix = f"{field}." if field else ""
    parts = (goal.measure, goal.target, goal.by)
    if all(p is None for p in parts):
        if goal.text is None:
            raise InputError(
                "give measure, target and by (a date), or text (a goal in plain words)",
                field=field or "(input)",
            )
        return goal
    for name, value in zip(("measure", "target", "by"), parts, strict=True):
        if value is None:
            raise InputError(
                "is required with a measure goal (measure, target and by together)",
                field=prefix + name,
            )
    measure = _measure(str(goal.measure), prefix + "measure")
    _check_target(measure, goal.target, prefix + "target")
    if not_before is not None and goal.by is not None and goal.by < not_before:
        raise InputError(
            f"must not be in the past (today is {not_before.isoformat()}; got "
            f"{goal.by.isoformat()})",
            field=prefix + "by",
        )
    return goal


def _measure(measure_id: str, field: str) -> Measure:
    try:
        measure = load_measures().get(measure_id)
    except NotFoundError as exc:
        raise InputError(exc.message, field=field) from None
    if measure.trend_only:
        raise InputError(
            f"'{measure_id}' is shown as a trend only (no smallest real change is published), "
            "so a goal on it cannot be judged; choose a measure with an MDC",
            field=field,
        )
    return measure


def _check_target(measure: Measure, target: float | str | None, field: str) -> None:
    if measure.value_kind == "mmt_grade":
        if not isinstance(target, str) or target not in GRADES:
            raise InputError(
                f"must be a muscle grade, one of {', '.join(GRADES)} (got {target!r})",
                field=field,
            )
        return
    if isinstance(target, str) or target is None or not measure.in_range(float(target)):
        raise InputError(
            f"must be a number from {measure.min:g} to {measure.max:g} ({measure.unit}); "
            f"got {target!r}",
            field=field,
        )


def _reached(measure: Measure, value: float | str, target: float | str) -> bool:
    if isinstance(value, str) and isinstance(target, str):
        return rank(cast(MmtGrade, value)) >= rank(cast(MmtGrade, target))
    number, goal = as_number(value), as_number(target)
    if measure.direction == "higher":
        return number + _EPS >= goal
    return number - _EPS <= goal


def report(goal: Goal, measurements: Sequence[MeasurementLike], *, today: dt.date) -> GoalReport:
    """The status of ``goal`` on ``today`` from the patient's ``measurements`` (any order;
    values of other measures, and values dated after ``today``, are not read), or ``met``
    when the clinician marked it met by ``today``.

    Never refuses: a stored goal whose measure has left the catalog, or whose target no
    longer fits it, is reported ``not_yet_measured`` rather than failing the whole review.
    """
    item = _judge(goal, measurements, today=today)
    met_on = goal.met_on if isinstance(goal, RecordedGoal) else None
    if met_on is None or met_on > today:
        return item
    return item.model_copy(update={"status": "met", "reason": "marked_met", "met_on": met_on})


def _judge(goal: Goal, measurements: Sequence[MeasurementLike], *, today: dt.date) -> GoalReport:
    base = {"measure": goal.measure, "target": goal.target, "by": goal.by, "text": goal.text}
    if goal.measure is None or goal.target is None or goal.by is None:
        return GoalReport(**base, status="not_yet_measured", reason="plain_words")
    try:
        measure = load_measures().get(goal.measure)
    except NotFoundError:
        return GoalReport(**base, status="not_yet_measured", reason="no_values")
    points = sorted(
        (
            Point(m.value, as_number(m.value), m.date)
            for m in measurements
            if m.measure == measure.id and m.date <= today and _kind_ok(measure, m.value)
        ),
        key=lambda p: p.date,
    )
    if not points:
        return GoalReport(**base, status="not_yet_measured", reason="no_values")
    latest = points[-1]
    seen = {**base, "latest": latest.value, "latest_date": latest.date}
    if _reached(measure, latest.value, goal.target):
        return GoalReport(**seen, status="met", reason="target_reached")
    if today > goal.by:
        return GoalReport(**seen, status="not_on_track", reason="date_passed")
    rules = load_goal_rules()
    start = latest.date - dt.timedelta(days=int(rules.trend_window_days.value))
    window = [p for p in points if p.date >= start]
    span = (latest.date - window[0].date).days
    slope = theil_sen_per_day(window)
    if len(window) < rules.min_values.value or span < rules.min_span_days.value or slope is None:
        return GoalReport(**seen, status="not_on_track", reason="too_few_values")
    per_week = round(slope * 7, 4)
    # Carried on to the date, within the measure's valid range (a scale has a top).
    line = latest.number + slope * (goal.by - latest.date).days
    projected = round(min(measure.max, max(measure.min, line)), 4)
    trend = {**seen, "trend_per_week": per_week, "projected": projected}
    better = slope * span if measure.direction == "higher" else -slope * span
    if better + _EPS < measure.mdc_at(window[0].number):
        return GoalReport(**trend, status="not_on_track", reason="no_real_trend")
    target = as_number(goal.target)
    if measure.direction == "higher":
        reaches = projected + _EPS >= target
    else:
        reaches = projected - _EPS <= target
    if not reaches:
        return GoalReport(**trend, status="not_on_track", reason="trend_too_slow")
    return GoalReport(**trend, status="on_track", reason="trend_reaches_target")


def _kind_ok(measure: Measure, value: float | str) -> bool:
    """A stored value of the right kind and range (others are left out, as the review does)."""
    if measure.value_kind == "mmt_grade":
        return isinstance(value, str) and value in GRADES
    return not isinstance(value, str) and measure.in_range(float(value))


def reports(
    goals: Sequence[Goal], measurements: Sequence[MeasurementLike], *, today: dt.date
) -> tuple[GoalReport, ...]:
    """:func:`report` of each goal, in the order given."""
    return tuple(report(goal, measurements, today=today) for goal in goals)


__all__ = [
    "GOAL_STATUSES",
    "Goal",
    "GoalReason",
    "GoalReport",
    "GoalStatus",
    "RecordedGoal",
    "check_goal",
    "report",
    "reports",
]
