"""The course of care in the progress review: each measure against its baseline, previous and
best values, its trend, the trend of check-in pain, stop alerts with their life cycle, and the
entry criteria of the next phase.

A careful clinician reads the whole course, not two points: a patient who went from grade 2 to
4 and back to 3 is worse than at their best, although still above the first value. So the
latest value is compared with three references, each with the MDC that applies *at that
reference* (``Measure.mdc_at``: the speed band of the reference, the relative rule of the
reference). A drop of at least that MDC from any of them makes the measure ``worse``.

The trend of a measure is the Theil-Sen slope (the median of the slopes between every pair of
values; robust to one odd measurement) over its values in the trend window before its latest
value. It is ``flat`` when the slope, carried over the window's span, stays within the MDC at
the window's first value. Every threshold is in ``data/progress_rules.yaml`` with its source.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Literal, cast

from dorsi.catalog.measures import EntryCriterion, Measure, ProgressRules
from dorsi.catalog.mmt import MmtGrade, numeric, rank
from dorsi.clinical.progress_contract import (
    Checkin,
    CriterionCheck,
    MeasurementLike,
    MeasureReview,
    PainTrend,
    PhaseCheck,
    Reference,
    Status,
    StopEvent,
)

_EPS = 1e-6  # values and MDCs sit on a 1e-4 grid; this only absorbs float noise
_BY_DATE = attrgetter("date")
Trend = Literal["flat", "changing"]


def as_number(value: float | str) -> float:
    """A measure's value as a number (MMT grades via :func:`dorsi.catalog.mmt.numeric`)."""
    if isinstance(value, str):
        return numeric(cast(MmtGrade, value))  # checked against GRADES by the caller
    return value


def status_of(change: float, mdc: float, higher_is_better: bool) -> Status:
    """``improved``/``worse`` when ``change`` reaches ``mdc``, else ``no_real_change``."""
    if abs(change) + _EPS < mdc:
        return "no_real_change"
    better = change > 0 if higher_is_better else change < 0
    return "improved" if better else "worse"


@dataclass(frozen=True, slots=True)
class Point:
    """One value of a measure: as given, as a number, and its day."""

    value: float | str
    number: float
    date: dt.date


@dataclass(frozen=True)
class Series:
    """One measure's reviewed values, with the dates they span and the references."""

    measure: Measure
    review: MeasureReview
    first_date: dt.date
    last_date: dt.date
    count: int
    baseline: Point
    latest: Point
    previous: Point | None = None
    best: Point | None = None
    trend: Trend | None = None
    trend_span_days: int = 0

    @property
    def span_days(self) -> int:
        return (self.last_date - self.first_date).days


def theil_sen_per_day(points: Sequence[Point]) -> float | None:
    """The median of the slopes (per day) between every pair of values on different days;
    None when all values fall on one day."""
    slopes = [
        (b.number - a.number) / (b.date - a.date).days
        for i, a in enumerate(points)
        for b in points[i + 1 :]
        if b.date != a.date
    ]
    return statistics.median(slopes) if slopes else None


def _trend(
    measure: Measure, points: Sequence[Point], rules: ProgressRules
) -> tuple[Trend | None, int, float | None, int]:
    """(trend, span of the window in days, slope per week, values in the window).

    The window holds the values from ``plateau_trend_window_days`` before the latest one. A
    trend needs ``plateau_min_values`` values spanning ``plateau_window_days``; a window of
    two values is ``flat`` when the change between them is below the MDC.
    """
    last = points[-1].date
    start = last - dt.timedelta(days=int(rules.plateau_trend_window_days.value))
    window = [p for p in points if p.date >= start]
    span = (last - window[0].date).days
    slope = theil_sen_per_day(window) if len(window) >= rules.plateau_min_values.value else None
    per_week = None if slope is None else round(slope * 7, 4)
    if span < rules.plateau_window_days.value or len(window) < 2:
        return None, span, per_week, len(window)
    mdc = measure.mdc_at(window[0].number)
    if slope is not None:
        moved = abs(slope * span)
    elif len(window) == 2:
        # Two reassessments four weeks apart: their one change, judged by the MDC (a slope
        # through two points says no more), keeps the plateau rule the clinic has used.
        moved = abs(window[1].number - window[0].number)
    else:  # pragma: no cover - plateau_min_values is at least 3
        return None, span, per_week, len(window)
    return ("flat" if moved + _EPS < mdc else "changing"), span, per_week, len(window)


def review_series(
    measure: Measure, values: Sequence[MeasurementLike], rules: ProgressRules
) -> Series:
    """The review of one measure's values (same-day values keep their input order)."""
    ordered = sorted(values, key=_BY_DATE)
    points = [Point(v.value, as_number(v.value), v.date) for v in ordered]
    first, last = points[0], points[-1]
    higher = measure.direction == "higher"
    base_mdc = round(measure.mdc_at(first.number), 4)
    if len(points) == 1:
        review = MeasureReview(
            baseline=first.value,
            latest=last.value,
            change=0.0,
            mdc=base_mdc,
            status="insufficient_data",
            baseline_date=first.date,
            latest_date=last.date,
            trend_values=1,
        )
        return Series(measure, review, first.date, last.date, 1, first, last)
    earlier = points[:-1]
    previous = earlier[-1]
    pick = max if higher else min
    best = pick(earlier, key=attrgetter("number"))  # the first time the best was reached

    def against(ref: Point) -> tuple[float, float, Status]:
        change = round(last.number - ref.number, 4)
        mdc = round(measure.mdc_at(ref.number), 4)
        return change, mdc, status_of(change, mdc, higher)

    change, _, from_base = against(first)
    prev_change, prev_mdc, from_prev = against(previous)
    best_change, best_mdc, from_best = against(best)
    judged: tuple[tuple[Reference, Status], ...] = (
        ("baseline", from_base),
        ("previous", from_prev),
        ("best", from_best),
    )
    worse = tuple(ref for ref, status in judged if status == "worse")
    trend, span, per_week, in_window = _trend(measure, points, rules)
    review = MeasureReview(
        baseline=first.value,
        latest=last.value,
        change=change,
        mdc=base_mdc,
        status="worse" if worse else from_base,
        baseline_date=first.date,
        latest_date=last.date,
        status_from_baseline=from_base,
        previous=previous.value,
        previous_date=previous.date,
        change_from_previous=prev_change,
        mdc_from_previous=prev_mdc,
        status_from_previous=from_prev,
        best=best.value,
        best_date=best.date,
        change_from_best=best_change,
        mdc_from_best=best_mdc,
        status_from_best=from_best,
        worse_than=worse,
        trend_per_week=per_week,
        trend_values=in_window,
    )
    return Series(
        measure,
        review,
        first.date,
        last.date,
        len(points),
        first,
        last,
        previous,
        best,
        trend,
        span,
    )


def pain_trend(sessions: Sequence[Checkin], rules: ProgressRules) -> PainTrend | None:
    """Mean check-in pain of the window up to the last check-in (both ends included) and of
    the window before it. With ``pain_rising_min_checkins`` check-ins in each, ``rising`` when
    the recent mean is at least ``pain_rising_points`` above the earlier one, or at least
    ``pain_rising_min_points`` and ``pain_rising_relative`` of the earlier mean above it."""
    if not sessions:
        return None
    days = int(rules.pain_rising_window_days.value)
    last = sessions[-1].day
    recent_from = last - dt.timedelta(days=days - 1)
    earlier_from = recent_from - dt.timedelta(days=days)
    recent = [s.pain_nrs for s in sessions if s.day >= recent_from]
    earlier = [s.pain_nrs for s in sessions if earlier_from <= s.day < recent_from]
    recent_mean = round(statistics.fmean(recent), 2) if recent else None
    earlier_mean = round(statistics.fmean(earlier), 2) if earlier else None
    enough = min(len(recent), len(earlier)) >= rules.pain_rising_min_checkins.value
    rising = False
    if enough and recent_mean is not None and earlier_mean is not None:
        rise = recent_mean - earlier_mean + _EPS
        rising = rise >= rules.pain_rising_points.value or (
            rise >= rules.pain_rising_min_points.value
            and rise >= rules.pain_rising_relative.value * earlier_mean
        )
    return PainTrend(
        recent_mean=recent_mean,
        recent_checkins=len(recent),
        earlier_mean=earlier_mean,
        earlier_checkins=len(earlier),
        rising=rising,
    )


def stop_events(
    sessions: Sequence[Checkin], resolved_through: dt.date | None
) -> tuple[StopEvent, ...]:
    """Every check-in that reported weakness or balance worse; those on or before
    ``resolved_through`` are resolved, the others active."""
    return tuple(
        StopEvent(
            date=s.day,
            weakness_worse=s.weakness_worse,
            balance_worse=s.balance_worse,
            status="resolved"
            if resolved_through is not None and s.day <= resolved_through
            else "active",
        )
        for s in sessions
        if s.weakness_worse or s.balance_worse
    )


def _meets(item: EntryCriterion, latest: float | str) -> bool:
    if isinstance(item.at_least, str):
        return isinstance(latest, str) and rank(cast(MmtGrade, latest)) >= rank(
            cast(MmtGrade, item.at_least)
        )
    if item.at_least is not None:
        return as_number(latest) + _EPS >= item.at_least
    return item.at_most is not None and as_number(latest) <= item.at_most + _EPS


def phase_check(phase: int, series: Sequence[Series], rules: ProgressRules) -> PhaseCheck:
    """The next phase's entry criteria against the latest values; after the last phase there
    is no next phase and nothing to meet."""
    entry = rules.entry_of(phase + 1)
    if entry is None:
        return PhaseCheck(current_phase=phase, next_phase=None, criteria=(), met=True)
    latest = {s.measure.id: s.latest.value for s in series}
    checks = tuple(
        CriterionCheck(
            measure=item.measure,
            at_least=item.at_least,
            at_most=item.at_most,
            latest=latest.get(item.measure),
            met=item.measure in latest and _meets(item, latest[item.measure]),
        )
        for item in entry.criteria
    )
    return PhaseCheck(
        current_phase=phase,
        next_phase=entry.phase,
        criteria=checks,
        met=all(c.met for c in checks),
    )


__all__ = [
    "Point",
    "Series",
    "Trend",
    "as_number",
    "pain_trend",
    "phase_check",
    "review_series",
    "status_of",
    "stop_events",
    "theil_sen_per_day",
]
