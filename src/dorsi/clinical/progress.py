"""Progress review (``dorsi progress``): real change against measurement error, adherence, alerts.

For each measure the first value (by date) is the baseline and the last is the latest; the
latest is also compared with the value before it and the best earlier value, each with the
MDC at that reference (:mod:`dorsi.clinical.progress_course`, docs/architecture.md). A
change counts only when it reaches the measure's MDC (``dorsi/catalog/data/measures.yaml``):

- muscle grade: one full grade (a +/- step is noise); change in grades via ``mmt.numeric``;
- gait speed: the MDC of the baseline's speed band (Hosoi et al. 2023);
- single-leg stance: half the baseline and at least 2 s, capped at the published 24.1 s;
- every other measure: its absolute MDC.

Direction matters (a lower TUG time is better). One value gives ``insufficient_data``.

Adherence: ``sessions_done`` counts the days with a completed session (several check-ins on
one day count once). ``days`` runs from ``program_start``
(or the first session's date) to today, both included. Once the program has started (``days``
>= 1) ``sessions_planned`` is ``max(1, round(days x planned_days_per_week / 7))``: the start day
counts as a practice day, so a check-in on the day the program is assigned reads 1 of 1, not
1 of 0 (``days x per_week / 7`` never ends in exactly .5, so rounding has no tie). Without
``planned_days_per_week`` the catalog default (5, "most days" in the seed protocol) is used; 0
days a week, or a start after today, plans nothing. ``percent`` is done / planned, rounded half
up and capped at 100; when nothing was planned it is None and adherence is not adequate. A
``low_adherence`` alert waits for the first full week (``adherence_first_full_week_days``).

Goals given in the input are each reported as met, on track, not on track or not yet
measured (:mod:`dorsi.clinical.goals`); ``goals`` appears in the output only when given.

Alerts and their thresholds are in :mod:`dorsi.clinical.progress_alerts` and
``data/progress_rules.yaml``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from dorsi.catalog.measures import Measure, MeasureCatalog, load_measures, load_progress_rules
from dorsi.catalog.mmt import GRADES
from dorsi.clinical import progress_alerts
from dorsi.clinical.brace import SkinCheck
from dorsi.clinical.goal_contract import Goal
from dorsi.clinical.goals import check_goal
from dorsi.clinical.goals import reports as goal_reports
from dorsi.clinical.progress_contract import (
    Adherence,
    Alert,
    AlertKind,
    Checkin,
    CheckinIn,
    Measurement,
    MeasurementLike,
    MeasureReview,
    PlanBasis,
    ProgressInput,
    ProgressOutput,
)
from dorsi.clinical.progress_course import pain_trend, phase_check, review_series, stop_events
from dorsi.errors import InputError
from dorsi.i18n import Language, normalize_language


def _fmt_date(day: dt.date) -> str:
    return day.isoformat()


def _check_measurement(
    index: int, item: MeasurementLike, catalog: MeasureCatalog, by_id: dict[str, Measure]
) -> Measure:
    field = f"measurements.{index}"
    measure = by_id.get(item.measure)
    if measure is None:
        raise InputError(
            f"unknown measure '{item.measure}'; valid measure ids: {', '.join(catalog.ids)}",
            field=f"{field}.measure",
        )
    if measure.value_kind == "mmt_grade":
        if not isinstance(item.value, str) or item.value not in GRADES:
            got = f'"{item.value}"' if isinstance(item.value, str) else f"{item.value:g}"
            raise InputError(
                f"must be an MMT grade string, one of {', '.join(GRADES)} (got {got})",
                field=f"{field}.value",
            )
        return measure
    if isinstance(item.value, str):
        raise InputError(
            f"must be a number from {measure.min:g} to {measure.max:g} {measure.unit} for "
            f'{measure.id} (got "{item.value}"; grade strings are only for dorsiflexion_mmt)',
            field=f"{field}.value",
        )
    if not measure.in_range(item.value):
        raise InputError(
            f"must be from {measure.min:g} to {measure.max:g} {measure.unit} for {measure.id} "
            f"(got {item.value:g})",
            field=f"{field}.value",
        )
    return measure


def _first_after(name: str, dates: Sequence[dt.date], today: dt.date) -> None:
    if dates and max(dates) > today:
        index, day = next((i, d) for i, d in enumerate(dates) if d > today)
        raise InputError(
            f"must not be after today ({_fmt_date(today)}); got {_fmt_date(day)}",
            field=f"{name}.{index}.date",
        )


def _check(
    measurements: Sequence[MeasurementLike], session_dates: Sequence[dt.date], today: dt.date
) -> None:
    """The catalog checks of every measurement, then no date after today (measurements
    first); field names are built only on failure."""
    catalog = load_measures()
    by_id = {m.id: m for m in catalog.measures}
    for index, item in enumerate(measurements):
        _check_measurement(index, item, catalog, by_id)
    _first_after("measurements", [m.date for m in measurements], today)
    _first_after("sessions", session_dates, today)


def dated(sessions: Sequence[Checkin], today: dt.date) -> list[Checkin]:
    """``sessions`` sorted by day (stable: same-day check-ins keep the order they were
    logged in), each dated (one sent without a date is ``today``'s)."""
    return sorted((s.on(today) for s in sessions), key=lambda s: s.day)


def program_days(sessions: Sequence[Checkin], program_start: dt.date | None, today: dt.date) -> int:
    """Days of the program up to ``today``, both ends included (0 before it starts).

    The program starts at ``program_start``, or else at the first logged session.
    """
    start = program_start
    if start is None and sessions:
        start = sessions[0].day  # the earliest: sessions are sorted by day
    return (today - start).days + 1 if start is not None and start <= today else 0


def adherence(data: ProgressInput, today: dt.date) -> Adherence:
    """Completed vs planned sessions from the start of the program to ``today`` (see module doc)."""
    sessions = dated(data.sessions, today)
    return _adherence(sessions, data.program_start, data.planned_days_per_week, today)


def _adherence(
    sessions: Sequence[Checkin],
    program_start: dt.date | None,
    planned_days_per_week: int | None,
    today: dt.date,
) -> Adherence:
    rules = load_progress_rules()
    done = len({s.day for s in sessions if s.completed})
    per_week = planned_days_per_week
    if per_week is None:
        per_week = int(rules.default_days_per_week.value)
    days = program_days(sessions, program_start, today)
    # round(days x per_week / 7) in integers; at least the start day once started.
    planned = max(1, (2 * days * per_week + 7) // 14) if days and per_week else 0
    if planned == 0:
        basis: PlanBasis = (
            "no_planned_days"
            if per_week == 0
            else "not_started"
            if program_start is not None
            else "no_program"
        )
        return Adherence(
            sessions_done=done, sessions_planned=0, percent=None, adequate=False, basis=basis
        )
    # days done / days planned in percent, rounded half up, capped at 100.
    percent = min(100, (done * 200 + planned) // (2 * planned))
    adequate = percent >= rules.adherence_adequate_pct.value
    return Adherence(
        sessions_done=done, sessions_planned=planned, percent=percent, adequate=adequate
    )


def review(data: ProgressInput, *, today: dt.date, lang: str = "en") -> ProgressOutput:
    """Review progress. ``data.today``, when given, wins over ``today`` (the caller's clock).

    ``lang`` (en | es) only chooses the words of the alert messages: the alert kinds, the
    statuses and every number are the same in every language.

    Raises :class:`InputError` for unknown measure ids (listing the valid ones), a grade string
    on a numeric measure or a number on the muscle grade, out-of-range values, and dates after
    today, naming the field with its index (``measurements.2.value``).
    """
    today = data.today or today
    for index, goal in enumerate(data.goals):
        check_goal(goal, not_before=None, field=f"goals.{index}")
    sessions = [s.on(today) for s in data.sessions]
    _check(data.measurements, [s.day for s in sessions], today)
    _first_after("brace_log", [c.date for c in data.brace_log], today)
    return _decide(
        data.measurements,
        dated(sessions, today),
        data.program_start,
        data.planned_days_per_week,
        today,
        normalize_language(lang),
        goals=data.goals,
        phase=data.phase,
        stops_resolved_through=data.stops_resolved_through,
        skin_checks=[SkinCheck(c.date, c.seen) for c in data.brace_log if c.skin_problem],
    )


@dataclass(frozen=True, slots=True)
class SetAside:
    """A stored measurement that the review of a stored history leaves out, and why.

    ``index`` is its position in the history given; ``reason`` is the check it fails, in
    the words :func:`review` would use for the same value given as input.
    """

    index: int
    measure: str
    value: float | str
    date: dt.date
    reason: str


def set_aside(measurements: Sequence[MeasurementLike], today: dt.date) -> list[SetAside]:
    """The stored measurements that fail the review's checks: an unknown measure id, a wrong
    kind of value, a value outside the catalog's valid range, or a date after ``today``."""
    catalog = load_measures()
    by_id = {m.id: m for m in catalog.measures}
    out: list[SetAside] = []
    for index, item in enumerate(measurements):
        try:
            _check_measurement(index, item, catalog, by_id)
        except InputError as exc:
            out.append(SetAside(index, item.measure, item.value, item.date, exc.detail))
            continue
        if item.date > today:
            reason = f"is dated after today ({_fmt_date(today)}); got {_fmt_date(item.date)}"
            out.append(SetAside(index, item.measure, item.value, item.date, reason))
    return out


def review_history(
    *,
    measurements: Sequence[MeasurementLike],
    sessions: Sequence[Checkin],
    program_start: dt.date | None,
    planned_days_per_week: int | None,
    today: dt.date,
    goals: Sequence[Goal] = (),
    lang: str = "en",
    phase: int | None = None,
    stops_resolved_through: dt.date | None = None,
    skin_checks: Sequence[SkinCheck] = (),
) -> ProgressOutput:
    """:func:`review` of a *stored* history: the same rules, and never refused.

    For callers that hold stored rows, which the database's constraints keep in the
    contract's shape: the per-patient progress (:mod:`dorsi.services.progress`) and the
    clinic-wide review (:mod:`dorsi.services.review`). Input is checked when it is written; a stored
    row that fails the review's checks today (written before a check existed, or a measure
    since dropped from the catalog) must not refuse every later read of the record. So the
    measurements that :func:`set_aside` names are left out (callers show them with the
    reason), and sessions dated after ``today`` are not counted yet.
    """
    aside = set_aside(measurements, today)
    if aside:
        skip = {item.index for item in aside}
        measurements = [m for i, m in enumerate(measurements) if i not in skip]
    sessions = [s for s in dated(sessions, today) if s.day <= today]
    return _decide(
        measurements,
        sessions,
        program_start,
        planned_days_per_week,
        today,
        normalize_language(lang),
        phase=phase,
        stops_resolved_through=stops_resolved_through,
        skin_checks=skin_checks,
        goals=goals,
    )


def _decide(
    measurements: Sequence[MeasurementLike],
    sessions: Sequence[Checkin],
    program_start: dt.date | None,
    planned_days_per_week: int | None,
    today: dt.date,
    lang: Language,
    *,
    phase: int | None,
    stops_resolved_through: dt.date | None,
    skin_checks: Sequence[SkinCheck] = (),
    goals: Sequence[Goal] = (),
) -> ProgressOutput:
    catalog = load_measures()
    rules = load_progress_rules()
    grouped: dict[str, list[MeasurementLike]] = defaultdict(list)
    for item in measurements:
        grouped[item.measure].append(item)
    # A measure with no published MDC (trend only, e.g. walking speed from a phone video) is
    # checked like any other but never judged: no status, no alert.
    series = [
        review_series(m, grouped[m.id], rules)
        for m in catalog.measures
        if m.id in grouped and not m.trend_only
    ]
    adh = _adherence(sessions, program_start, planned_days_per_week, today)
    stops = stop_events(sessions, stops_resolved_through)
    pain = pain_trend(sessions, rules)
    next_phase = phase_check(phase, series, rules) if phase is not None else None
    alerts: list[tuple[AlertKind, str]] = progress_alerts.build(
        series=series,
        sessions=sessions,
        adherence=adh,
        today=today,
        planned_days_per_week=planned_days_per_week,
        program_days=program_days(sessions, program_start, today),
        lang=lang,
        stops=stops,
        pain=pain,
        next_phase=next_phase,
        skin_checks=skin_checks,
    )
    return ProgressOutput(
        measures={s.measure.id: s.review for s in series},
        alerts=tuple(Alert(kind=kind, message=message) for kind, message in alerts),
        adherence=adh,
        stops=stops,
        pain_trend=pain,
        next_phase=next_phase,
        goals=goal_reports(goals, measurements, today=today),
    )


__all__ = [
    "Adherence",
    "Alert",
    "Checkin",
    "CheckinIn",
    "MeasureReview",
    "Measurement",
    "MeasurementLike",
    "ProgressInput",
    "ProgressOutput",
    "SetAside",
    "adherence",
    "dated",
    "program_days",
    "review",
    "review_history",
    "set_aside",
]
