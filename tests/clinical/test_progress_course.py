"""The course of care in the progress review: best and previous values, pain trend, stop
alerts that resolve, adherence in days, and the next phase's entry criteria."""

from __future__ import annotations

from typing import Any

import pytest

from dorsi.catalog.measures import load_progress_rules
from dorsi.clinical.program_rules import load_program_rules
from tests.clinical.test_progress import daily_sessions, day, kinds, m, message, run, s


def _course(measure: str, values: list[Any]) -> list[dict[str, Any]]:
    """``values`` four weeks apart, the last one today."""
    return [m(measure, v, 28 * (len(values) - 1 - i)) for i, v in enumerate(values)]


def test_grade_up_then_down_a_full_grade_is_worse_though_above_baseline() -> None:
    out = run(_course("dorsiflexion_mmt", ["2", "4", "3"]), daily_sessions(56))
    item = out.measures["dorsiflexion_mmt"]
    assert item.status_from_baseline == "improved"
    assert item.best_date is not None
    assert (item.best, item.best_date.isoformat(), item.previous) == ("4", day(28), "4")
    assert item.change_from_best == -1
    assert item.status == "worse"
    assert item.worse_than == ("previous", "best")
    assert f"down from your best of grade 4 on {day(28)}" in message(out, "worsening")
    assert "ready_to_progress" not in kinds(out)


def test_speed_worse_uses_the_mdc_of_the_best_values_band() -> None:
    """0.90 m/s is in the > 0.8 band (MDC 0.21): 0.90 to 0.62 is worse; 0.90 to 0.70 is not."""
    worse = run(_course("gait_speed_mps", [0.5, 0.9, 0.62]), daily_sessions(56))
    assert worse.measures["gait_speed_mps"].mdc_from_best == 0.21
    assert worse.measures["gait_speed_mps"].status == "worse"
    noise = run(_course("gait_speed_mps", [0.5, 0.9, 0.7]), daily_sessions(56))
    assert noise.measures["gait_speed_mps"].status_from_best == "no_real_change"
    assert noise.measures["gait_speed_mps"].status == "improved"  # vs baseline, MDC 0.11


def test_lower_is_better_best_is_the_lowest() -> None:
    out = run(_course("tug_s", [16, 11, 13]), daily_sessions(56))
    item = out.measures["tug_s"]
    assert item.best == 11
    assert item.status == "worse"
    assert "up from your best of 11 seconds" in message(out, "worsening")


def test_spanish_names_the_best_value() -> None:
    raw = _course("dorsiflexion_mmt", ["2", "4", "3"])
    from dorsi.clinical.contract import parse
    from dorsi.clinical.progress import ProgressInput, review
    from tests.clinical.test_progress import TODAY

    out = review(
        parse(ProgressInput, {"measurements": raw, "sessions": []}), today=TODAY, lang="es"
    )
    assert "su mejor valor, grado 4" in message(out, "worsening")


# ---------------------------------------------------------------- pain trend


def test_pain_creeping_up_raises_pain_rising_and_holds_progression() -> None:
    sessions = [s(n, pain=1 + (29 - n) * 4 / 29) for n in range(29, -1, -1)]
    out = run(_course("gait_speed_mps", [0.5, 0.7]), sessions)
    assert out.pain_trend is not None
    assert out.pain_trend.rising
    assert "pain_rising" in kinds(out)
    assert "ready_to_progress" not in kinds(out)
    assert "Your pain is going up" in message(out, "pain_rising")


def test_pain_rising_needs_four_check_ins_in_each_window() -> None:
    sessions = [
        s(20, pain=1),
        s(18, pain=1),
        s(16, pain=1),
        s(6, pain=5),
        s(3, pain=5),
        s(1, pain=5),
        s(0, pain=5),
    ]
    out = run([], sessions)
    assert out.pain_trend is not None
    assert out.pain_trend.earlier_checkins == 3
    assert "pain_rising" not in kinds(out)
    out = run([], [s(21, pain=1), *sessions])
    assert "pain_rising" in kinds(out)


@pytest.mark.parametrize(
    ("earlier", "recent", "rising"),
    [(1, 1.9, False), (1, 2, True), (3, 4, True), (5, 5.9, False), (6, 8, True), (4, 3, False)],
)
def test_pain_rising_two_points_or_one_point_and_thirty_percent(
    earlier: float, recent: float, rising: bool
) -> None:
    sessions = [s(n, pain=earlier if n >= 14 else recent) for n in range(27, -1, -1)]
    assert ("pain_rising" in kinds(run([], sessions))) is rising


# ---------------------------------------------------------------- stops


def test_a_long_resolved_balance_warning_no_longer_stops() -> None:
    sessions = [*daily_sessions(60)]
    sessions[25]["balance_worse"] = True  # 35 days ago
    active = run(_course("gait_speed_mps", [0.5, 0.7]), sessions)
    assert "stop_program" in kinds(active)
    assert [x.status for x in active.stops] == ["active"]
    resolved = run(_course("gait_speed_mps", [0.5, 0.7]), sessions, stops_resolved_through=day(30))
    assert "stop_program" not in kinds(resolved)
    assert [(x.date.isoformat(), x.status) for x in resolved.stops] == [(day(35), "resolved")]
    assert "ready_to_progress" in kinds(resolved)


def test_a_stop_after_the_resolved_day_stays_active() -> None:
    sessions = [s(10, weakness_worse=True), s(2, balance_worse=True)]
    out = run([], sessions, stops_resolved_through=day(5))
    assert [x.status for x in out.stops] == ["resolved", "active"]
    text = message(out, "stop_program")
    assert day(2) in text
    assert day(10) not in text


# ---------------------------------------------------------------- adherence in days


def test_duplicate_check_ins_on_one_day_count_once() -> None:
    sessions = [s(n) for n in range(13, -1, -1) if n % 7 not in (1, 2)]  # 10 days of 14
    once = run([], sessions, program_start=day(13), planned_days_per_week=5).adherence
    twice = run(
        [], [*sessions, s(0), s(0), s(3)], program_start=day(13), planned_days_per_week=5
    ).adherence
    assert (once.sessions_done, once.sessions_planned, once.percent) == (10, 10, 100)
    assert twice == once


@pytest.mark.parametrize(
    ("extra", "basis"),
    [
        ({}, "no_program"),
        ({"program_start": "2025-04-01"}, "not_started"),
        ({"program_start": "2025-02-01", "planned_days_per_week": 0}, "no_planned_days"),
    ],
)
def test_nothing_planned_has_no_percent_and_is_not_adequate(
    extra: dict[str, Any], basis: str
) -> None:
    out = run(_course("gait_speed_mps", [0.5, 0.7]), [], **extra)
    assert out.adherence.percent is None
    assert out.adherence.basis == basis
    assert not out.adherence.adequate
    assert "ready_to_progress" not in kinds(out)


# ---------------------------------------------------------------- next phase


def _ready_with(grades: list[str], **extra: Any) -> Any:
    measures = [*_course("dorsiflexion_mmt", grades), *_course("falls_past_month", [0, 0])]
    return run(measures, daily_sessions(30), **extra)


def test_ready_needs_the_next_phases_entry_criteria_when_the_phase_is_given() -> None:
    assert "ready_to_progress" in kinds(_ready_with(["2", "3"]))  # phase unknown: as before
    held = _ready_with(["2", "3"], phase=2)
    assert held.next_phase is not None
    assert not held.next_phase.met
    assert [(c.measure, c.met) for c in held.next_phase.criteria] == [
        ("dorsiflexion_mmt", False),
        ("falls_past_month", True),
    ]
    assert "ready_to_progress" not in kinds(held)
    ready = _ready_with(["2+", "3+"], phase=2)
    assert ready.next_phase is not None
    assert ready.next_phase.met
    assert "phase 3" in message(ready, "ready_to_progress")


def test_an_unmeasured_criterion_is_not_met() -> None:
    out = run(_course("dorsiflexion_mmt", ["2", "4"]), daily_sessions(30), phase=2)
    assert out.next_phase is not None
    falls = next(c for c in out.next_phase.criteria if c.measure == "falls_past_month")
    assert falls.latest is None
    assert not falls.met
    assert "ready_to_progress" not in kinds(out)


def test_the_last_phase_has_no_entry_criteria() -> None:
    out = _ready_with(["2+", "3+"], phase=3)
    assert out.next_phase is not None
    assert out.next_phase.next_phase is None
    assert "ready_to_progress" in kinds(out)


def test_entry_grades_are_the_program_builders_phase_grades() -> None:
    """One rule, two places: the grade that opens a phase in the plan opens it in the review."""
    rules = load_progress_rules()
    for phase in load_program_rules().phases[1:]:
        entry = rules.entry_of(phase.phase)
        assert entry is not None
        grades = [c.at_least for c in entry.criteria if c.measure == "dorsiflexion_mmt"]
        assert grades == [phase.min_dorsiflexion_mmt.grade]


def test_every_new_rule_has_a_source() -> None:
    rules = load_progress_rules()
    for name in (
        "plateau_trend_window_days",
        "plateau_min_values",
        "pain_rising_window_days",
        "pain_rising_min_checkins",
        "pain_rising_points",
    ):
        assert len(getattr(rules, name).source) > 20
    for entry in rules.phase_entry:
        for item in entry.criteria:
            assert len(item.source) > 20
