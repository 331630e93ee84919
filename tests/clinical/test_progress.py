"""Progress review (`dorsi progress`): statuses against the MDC, adherence, alerts, errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dorsi.clinical.contract import parse
from dorsi.clinical.progress import ProgressInput, ProgressOutput, review
from dorsi.errors import InputError

TODAY = dt.date(2025, 3, 1)


def day(offset_days: int) -> str:
    """The date ``offset_days`` before TODAY, as YYYY-MM-DD."""
    return (TODAY - dt.timedelta(days=offset_days)).isoformat()


def m(measure: str, value: float | str, days_ago: int) -> dict[str, Any]:
    return {"measure": measure, "value": value, "date": day(days_ago)}


def s(
    days_ago: int,
    *,
    completed: bool = True,
    pain: float = 1,
    difficulty: str = "ok",
    weakness_worse: bool = False,
    balance_worse: bool = False,
) -> dict[str, Any]:
    return {
        "date": day(days_ago),
        "completed": completed,
        "pain_nrs": pain,
        "difficulty": difficulty,
        "weakness_worse": weakness_worse,
        "balance_worse": balance_worse,
    }


def daily_sessions(first_days_ago: int, **kwargs: Any) -> list[dict[str, Any]]:
    """One completed session every day from ``first_days_ago`` to today."""
    return [s(n, **kwargs) for n in range(first_days_ago, -1, -1)]


def run(
    measurements: list[dict[str, Any]] | None = None,
    sessions: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> ProgressOutput:
    raw: dict[str, Any] = {"measurements": measurements or [], "sessions": sessions or []}
    raw.update(extra)
    return review(parse(ProgressInput, raw), today=TODAY)


def kinds(out: ProgressOutput) -> list[str]:
    return [a.kind for a in out.alerts]


def message(out: ProgressOutput, kind: str) -> str:
    found = [a.message for a in out.alerts if a.kind == kind]
    assert found, f"no {kind} alert in {kinds(out)}"
    return " ".join(found)


def no_change_window(measure: str = "lefs", value: float = 40) -> list[dict[str, Any]]:
    """Three equal values over five weeks: a flat trend (a trend needs three values)."""
    return [m(measure, value, 35), m(measure, value, 17), m(measure, value, 0)]


# ---------------------------------------------------------------- statuses against the MDC


def test_single_value_is_insufficient_data() -> None:
    out = run([m("tug_s", 15, 3)])
    item = out.measures["tug_s"]
    assert item.status == "insufficient_data"
    assert item.change == 0
    assert item.baseline == item.latest == 15
    assert item.mdc == pytest.approx(1.14)


def test_lower_tug_is_improvement_higher_is_worse() -> None:
    assert run([m("tug_s", 15, 30), m("tug_s", 13, 0)]).measures["tug_s"].status == "improved"
    worse = run([m("tug_s", 13, 30), m("tug_s", 15, 0)]).measures["tug_s"]
    assert worse.status == "worse"
    assert worse.change == pytest.approx(2.0)


def test_change_within_mdc_is_no_real_change_and_equal_to_mdc_is_real() -> None:
    assert run([m("lefs", 40, 30), m("lefs", 48, 0)]).measures["lefs"].status == "no_real_change"
    assert run([m("lefs", 40, 30), m("lefs", 49, 0)]).measures["lefs"].status == "improved"
    assert run([m("lefs", 49, 30), m("lefs", 40, 0)]).measures["lefs"].status == "worse"


def test_baseline_is_earliest_date_not_first_in_list() -> None:
    out = run([m("lefs", 60, 0), m("lefs", 40, 30), m("lefs", 50, 10)])
    item = out.measures["lefs"]
    assert (item.baseline, item.latest, item.change) == (40, 60, 20)


def test_same_day_values_keep_input_order() -> None:
    out = run([m("lefs", 40, 5), m("lefs", 50, 0), m("lefs", 52, 0)])
    assert out.measures["lefs"].latest == 52


@pytest.mark.parametrize(
    ("before", "after", "change", "status"),
    [
        ("3", "4", 1.0, "improved"),
        ("3-", "4-", 1.0, "improved"),
        ("2+", "3+", 1.0, "improved"),
        ("0", "1", 1.0, "improved"),
        ("3", "3+", 0.33, "no_real_change"),
        ("3", "4-", 0.67, "no_real_change"),
        ("4", "3+", -0.67, "no_real_change"),
        ("4", "3", -1.0, "worse"),
        ("4+", "2", -2.33, "worse"),
    ],
)
def test_mmt_one_full_grade_is_the_smallest_real_change(
    before: str, after: str, change: float, status: str
) -> None:
    item = run([m("dorsiflexion_mmt", before, 30), m("dorsiflexion_mmt", after, 0)]).measures[
        "dorsiflexion_mmt"
    ]
    assert (item.baseline, item.latest) == (before, after)
    assert item.change == pytest.approx(change, abs=0.01)
    assert item.mdc == 1.0
    assert item.status == status


def test_mmt_full_grade_drop_holds_progression_and_asks_for_screening() -> None:
    out = run(
        [m("dorsiflexion_mmt", "4", 30), m("dorsiflexion_mmt", "3", 0), *no_change_window()],
        daily_sessions(30),
    )
    text = message(out, "worsening")
    assert "screening" in text
    assert "Do not move on to harder exercises" in text
    assert "ready_to_progress" not in kinds(out)


@pytest.mark.parametrize(
    ("before", "after", "mdc", "status"),
    [
        (0.30, 0.35, 0.05, "improved"),
        (0.30, 0.34, 0.05, "no_real_change"),
        (0.50, 0.60, 0.11, "no_real_change"),
        (0.50, 0.61, 0.11, "improved"),
        (0.80, 0.70, 0.11, "no_real_change"),
        (0.90, 1.05, 0.21, "no_real_change"),
        (0.90, 0.68, 0.21, "worse"),
    ],
)
def test_gait_speed_mdc_depends_on_baseline(
    before: float, after: float, mdc: float, status: str
) -> None:
    item = run([m("gait_speed_mps", before, 30), m("gait_speed_mps", after, 0)]).measures[
        "gait_speed_mps"
    ]
    assert item.mdc == mdc
    assert item.status == status


@pytest.mark.parametrize(
    ("before", "after", "mdc", "status"),
    [
        (4, 6, 2.0, "improved"),
        (4, 5.5, 2.0, "no_real_change"),
        (1, 3, 2.0, "improved"),
        (10, 15, 5.0, "improved"),
        (10, 4, 5.0, "worse"),
        (30, 40, 15.0, "no_real_change"),
        (60, 36, 24.1, "no_real_change"),
        (60, 35, 24.1, "worse"),
    ],
)
def test_single_leg_stance_relative_rule(
    before: float, after: float, mdc: float, status: str
) -> None:
    item = run([m("single_leg_stance_s", before, 30), m("single_leg_stance_s", after, 0)])
    assert item.measures["single_leg_stance_s"].mdc == pytest.approx(mdc)
    assert item.measures["single_leg_stance_s"].status == status


def test_single_leg_stance_worsening_message_states_the_rule() -> None:
    out = run([m("single_leg_stance_s", 10, 30), m("single_leg_stance_s", 4, 0)])
    assert "half the starting time" in message(out, "worsening")


def test_worsening_is_one_alert_per_worse_measure() -> None:
    out = run(
        [
            m("tug_s", 12, 30),
            m("tug_s", 16, 0),
            m("lefs", 50, 30),
            m("lefs", 30, 0),
            m("pain_nrs", 2, 30),
            m("pain_nrs", 3, 0),
        ]
    )
    assert kinds(out).count("worsening") == 2
    assert "Timed Up and Go" in message(out, "worsening")


def test_more_falls_is_worsening_with_medical_advice() -> None:
    out = run([m("falls_past_month", 0, 30), m("falls_past_month", 2, 0)])
    assert out.measures["falls_past_month"].status == "worse"
    assert "hit your head" in message(out, "worsening")


def test_measures_come_in_catalog_order() -> None:
    out = run([m("lefs", 40, 1), m("tug_s", 12, 1), m("dorsiflexion_mmt", "3", 1)])
    assert list(out.measures) == ["dorsiflexion_mmt", "tug_s", "lefs"]


# ---------------------------------------------------------------- stop, regress


@pytest.mark.parametrize("flag", ["weakness_worse", "balance_worse"])
def test_weakness_or_balance_worse_stops_the_program(flag: str) -> None:
    flagged = {**s(2), flag: True}
    out = run(no_change_window(), [s(5), flagged, s(0)])
    assert kinds(out)[0] == "stop_program"
    text = message(out, "stop_program")
    assert "Stop the home exercises" in text
    assert "therapist" in text
    assert "911" in text
    assert day(2) in text


def test_stop_blocks_ready_to_progress() -> None:
    sessions = daily_sessions(30)
    sessions[-1]["weakness_worse"] = True
    out = run([m("lefs", 40, 30), m("lefs", 60, 0)], sessions)
    assert "stop_program" in kinds(out)
    assert "ready_to_progress" not in kinds(out)


@pytest.mark.parametrize(("pain", "regress"), [(5, False), (5.5, True), (6, True), (10, True)])
def test_last_session_pain_above_5_regresses(pain: float, regress: bool) -> None:
    out = run(no_change_window(), [s(3, pain=1), s(0, pain=pain)])
    assert ("regress" in kinds(out)) is regress


def test_earlier_high_pain_that_settled_does_not_regress() -> None:
    out = run(no_change_window(), [s(3, pain=8), s(0, pain=2)])
    assert "regress" not in kinds(out)


def test_two_hard_sessions_in_a_row_regress_one_does_not() -> None:
    two = run(
        no_change_window(),
        [s(3, difficulty="easy"), s(2, difficulty="hard"), s(0, difficulty="hard")],
    )
    assert "hard" in message(two, "regress")
    one = run(no_change_window(), [s(2, difficulty="hard"), s(0, difficulty="ok")])
    assert "regress" not in kinds(one)


def test_regress_message_names_pain_and_what_to_do() -> None:
    out = run(no_change_window(), [s(1, difficulty="hard"), s(0, pain=7, difficulty="hard")])
    text = message(out, "regress")
    assert "7/10" in text
    assert "easier" in text


# ---------------------------------------------------------------- plateau, adherence


def test_plateau_needs_four_weeks_and_adequate_adherence() -> None:
    out = run(
        [
            *(m("lefs", v, d) for v, d in ((40, 28), (42, 14), (44, 0))),
            *(m("tug_s", v, d) for v, d in ((14, 28), (14.3, 14), (14.5, 0))),
        ],
        daily_sessions(28),
    )
    assert "plateau" in kinds(out)
    assert "review your plan" in message(out, "plateau")


def test_two_values_are_judged_by_their_one_change() -> None:
    """Two reassessments have no slope: their change against the MDC decides, as before."""
    out = run([m("lefs", 40, 35), m("lefs", 41, 0)], daily_sessions(35))
    assert "plateau" in kinds(out)
    assert out.measures["lefs"].trend_per_week is None
    moved = run([m("lefs", 40, 35), m("lefs", 52, 0)], daily_sessions(35))
    assert "plateau" not in kinds(moved)


def test_plateau_reads_the_recent_trend_not_first_versus_last() -> None:
    """Grade 2 to 4 early, then flat for two months: the recent course is a plateau."""
    grades = [("2", 90), ("4", 56), ("4", 28), ("4", 0)]
    out = run([m("dorsiflexion_mmt", g, d) for g, d in grades], daily_sessions(90))
    assert out.measures["dorsiflexion_mmt"].status == "improved"
    assert out.measures["dorsiflexion_mmt"].trend_per_week == 0
    assert "plateau" in kinds(out)
    assert "ready_to_progress" not in kinds(out)  # the plan is to be reviewed first


def test_one_odd_value_does_not_break_a_flat_trend() -> None:
    """Theil-Sen: the median slope ignores one outlier among flat values."""
    values = [(40, 56), (40, 42), (28, 28), (40, 14), (40, 0)]
    out = run([m("lefs", v, d) for v, d in values], daily_sessions(56))
    assert out.measures["lefs"].trend_per_week == 0
    assert "plateau" in kinds(out)


def test_a_steady_rise_in_small_steps_is_no_plateau() -> None:
    """Each step is within the MDC, but the trend over the window is a real change."""
    values = [(40, 56), (43, 42), (46, 28), (49, 14), (52, 0)]
    out = run([m("lefs", v, d) for v, d in values], daily_sessions(56))
    assert out.measures["lefs"].status_from_previous == "no_real_change"
    assert "plateau" not in kinds(out)


def test_no_plateau_under_four_weeks() -> None:
    out = run([m("lefs", 40, 27), m("lefs", 42, 13), m("lefs", 44, 0)], daily_sessions(27))
    assert "plateau" not in kinds(out)


def test_no_plateau_when_adherence_is_low_but_low_adherence_alert() -> None:
    sessions = [s(n) for n in range(35, -1, -7)]  # once a week
    out = run(no_change_window(), sessions)
    assert "plateau" not in kinds(out)
    assert "low_adherence" in kinds(out)
    assert "we assumed 5 days a week" in message(out, "low_adherence")


def test_no_plateau_without_any_session_logged() -> None:
    out = run(no_change_window())
    assert "plateau" not in kinds(out)
    assert out.adherence.sessions_planned == 0


def test_no_plateau_when_a_measure_improved() -> None:
    out = run([*no_change_window(), m("tug_s", 16, 35), m("tug_s", 12, 0)], daily_sessions(35))
    assert "plateau" not in kinds(out)
    assert "ready_to_progress" in kinds(out)


def test_flat_muscle_grade_raises_nerve_tests_and_surgical_opinion() -> None:
    grades = [m("dorsiflexion_mmt", g, d) for g, d in (("2", 42), ("2+", 21), ("2+", 0))]
    out = run(grades, daily_sessions(42))
    text = message(out, "plateau")
    assert "surgeon" in text
    assert "nerve" in text
    assert "6 weeks" in text


def test_plateau_without_grade_does_not_mention_surgery() -> None:
    out = run(no_change_window(), daily_sessions(35))
    assert "surgeon" not in message(out, "plateau")


@pytest.mark.parametrize(
    ("start_days_ago", "per_week", "done", "planned", "percent"),
    [
        (6, 3, 3, 3, 100),  # 7 days x 3/7
        (13, 3, 3, 6, 50),
        (13, 5, 7, 10, 70),
        # The start day counts as a practice day (was 0 planned before: "100% (1/0)").
        (0, 5, 1, 1, 100),
        (0, 5, 0, 1, 0),  # day one, nothing done yet: shown, but no alert (first full week)
        (1, 3, 1, 1, 100),  # 2 days x 3/7 = 0.86 rounds to 1
        (4, 5, 2, 4, 50),  # 5 days x 5/7 = 3.57 rounds to 4
        (9, 3, 4, 4, 100),  # 10 days x 3/7 = 4.29 rounds to 4
        (6, 3, 5, 3, 100),  # more done than planned: capped
        (27, 2, 5, 8, 63),  # 62.5 rounds half up
        (6, 0, 2, 0, None),  # no planned days: no percent (was "2 of 0 (100%)")
    ],
)
def test_adherence(
    start_days_ago: int, per_week: int, done: int, planned: int, percent: int | None
) -> None:
    sessions = [s(n % (start_days_ago + 1)) for n in range(done)]
    out = run([], sessions, program_start=day(start_days_ago), planned_days_per_week=per_week)
    assert _figures(out) == (done, planned, percent)


def _figures(out: ProgressOutput) -> tuple[int, int, int | None]:
    a = out.adherence
    return a.sessions_done, a.sessions_planned, a.percent


def test_adherence_counts_only_completed_and_defaults_to_first_session_and_5_days() -> None:
    out = run([], [s(13), s(6, completed=False), s(0)])
    assert out.adherence.sessions_done == 2
    assert out.adherence.sessions_planned == 10  # 14 days x 5/7
    assert out.adherence.percent == 20


@pytest.mark.parametrize("start_days_ago", [0, 3, 5])
def test_no_low_adherence_alert_before_the_first_full_week(start_days_ago: int) -> None:
    out = run([], [], program_start=day(start_days_ago), planned_days_per_week=5)
    assert out.adherence.sessions_planned >= 1
    assert out.adherence.percent == 0
    assert "low_adherence" not in kinds(out)


def test_low_adherence_alert_from_the_seventh_day() -> None:
    out = run([], [s(6)], program_start=day(6), planned_days_per_week=5)
    assert _figures(out) == (1, 5, 20)
    assert "low_adherence" in kinds(out)


def test_check_in_on_the_day_the_program_starts_reads_one_of_one() -> None:
    out = run([], [s(0)], program_start=day(0), planned_days_per_week=3)
    assert _figures(out) == (1, 1, 100)
    assert "low_adherence" not in kinds(out)


def test_future_program_start_plans_nothing() -> None:
    out = run([], [], program_start="2025-04-01")
    assert out.adherence.sessions_planned == 0
    assert "low_adherence" not in kinds(out)


# ---------------------------------------------------------------- reassessment, ready


def test_reassessment_due_without_measurements() -> None:
    out = run([], [s(0)])
    assert "No measurements" in message(out, "reassessment_due")


@pytest.mark.parametrize(("days_ago", "due"), [(27, False), (28, True), (90, True)])
def test_reassessment_due_after_28_days(days_ago: int, due: bool) -> None:
    out = run([m("lefs", 40, days_ago + 10), m("lefs", 41, days_ago)])
    assert ("reassessment_due" in kinds(out)) is due


def _ready_case(**last: Any) -> ProgressOutput:
    sessions = daily_sessions(30)
    sessions[-1].update(last)
    return run([m("gait_speed_mps", 0.5, 30), m("gait_speed_mps", 0.7, 0)], sessions)


def test_ready_to_progress_when_all_conditions_hold() -> None:
    out = _ready_case()
    assert kinds(out) == ["ready_to_progress"]
    assert "next, harder step" in message(out, "ready_to_progress")


@pytest.mark.parametrize("last", [{"pain_nrs": 4}, {"difficulty": "hard"}, {"balance_worse": True}])
def test_not_ready_with_pain_hard_session_or_stop(last: dict[str, Any]) -> None:
    assert "ready_to_progress" not in kinds(_ready_case(**last))


def test_not_ready_with_low_adherence_or_a_worse_measure() -> None:
    few = run([m("gait_speed_mps", 0.5, 30), m("gait_speed_mps", 0.7, 0)], [s(30), s(0)])
    assert "ready_to_progress" not in kinds(few)
    worse = run(
        [
            m("gait_speed_mps", 0.5, 30),
            m("gait_speed_mps", 0.7, 0),
            m("tug_s", 12, 30),
            m("tug_s", 15, 0),
        ],
        daily_sessions(30),
    )
    assert "worsening" in kinds(worse)
    assert "ready_to_progress" not in kinds(worse)


def test_ready_message_states_the_single_leg_stance_rule() -> None:
    sessions = daily_sessions(30)
    out = run([m("single_leg_stance_s", 3, 30), m("single_leg_stance_s", 6, 0)], sessions)
    assert "half the starting time" in message(out, "ready_to_progress")


# ---------------------------------------------------------------- today, output shape


def test_today_in_input_wins_over_the_callers_clock() -> None:
    raw = {"measurements": [m("lefs", 40, 0)], "sessions": [], "today": "2025-06-01"}
    out = review(parse(ProgressInput, raw), today=dt.date(2000, 1, 1))
    assert "reassessment_due" in kinds(out)  # 92 days after the measurement


def test_output_dumps_to_the_issue_contract() -> None:
    out = run([m("dorsiflexion_mmt", "3", 30), m("dorsiflexion_mmt", "4", 0)], [s(0)])
    data = out.model_dump(mode="json")
    # The top-level keys of issue 2 stay exactly; issue 16 added the references per measure.
    assert set(data) == {"measures", "alerts", "adherence"}
    assert out.stops == ()  # the course is still there for the pages and the text
    assert data["measures"]["dorsiflexion_mmt"] == {
        "baseline": "3",
        "latest": "4",
        "change": 1.0,
        "mdc": 1.0,
        "status": "improved",
        "baseline_date": day(30),
        "latest_date": day(0),
        "status_from_baseline": "improved",
        "previous": "3",
        "previous_date": day(30),
        "change_from_previous": 1.0,
        "mdc_from_previous": 1.0,
        "status_from_previous": "improved",
        "best": "3",
        "best_date": day(30),
        "change_from_best": 1.0,
        "mdc_from_best": 1.0,
        "status_from_best": "improved",
        "worse_than": [],
        "trend_per_week": None,
        "trend_values": 2,
    }
    assert set(data["adherence"]) == {
        "sessions_done",
        "sessions_planned",
        "percent",
    }
    for alert in data["alerts"]:
        assert set(alert) == {"kind", "message"}


# ---------------------------------------------------------------- errors


def _error(raw: dict[str, Any]) -> InputError:
    with pytest.raises(InputError) as info:
        review(parse(ProgressInput, raw), today=TODAY)
    return info.value


def _raw(**extra: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {"measurements": [m("lefs", 40, 5)], "sessions": [s(1)]}
    raw.update(extra)
    return raw


def test_unknown_measure_lists_valid_ids() -> None:
    err = _error(_raw(measurements=[m("lefs", 40, 5), m("lefs", 41, 4), m("grip", 3, 1)]))
    assert err.field == "measurements.2.measure"
    assert "grip" in err.message
    assert "gait_speed_mps" in err.message


def test_grade_string_on_a_numeric_measure_is_refused() -> None:
    err = _error(_raw(measurements=[m("lefs", 40, 5), m("tug_s", "3+", 1)]))
    assert err.field == "measurements.1.value"
    assert "dorsiflexion_mmt" in err.message


@pytest.mark.parametrize("value", [3, "6", "3++", "three"])
def test_mmt_needs_a_grade_string(value: Any) -> None:
    err = _error(_raw(measurements=[m("dorsiflexion_mmt", value, 1)]))
    assert err.field == "measurements.0.value"
    assert "3+" in err.message


@pytest.mark.parametrize(
    ("measure", "value"),
    [("pain_nrs", 11), ("lefs", -1), ("gait_speed_mps", 4.5), ("tug_s", 301)],
)
def test_out_of_range_values_name_the_field_and_range(measure: str, value: float) -> None:
    err = _error(_raw(measurements=[m("lefs", 40, 5), m("lefs", 41, 4), m(measure, value, 1)]))
    assert err.field == "measurements.2.value"
    assert "must be from" in err.message


@pytest.mark.parametrize("value", [True, None, [1], {"a": 1}])
def test_value_of_wrong_type(value: Any) -> None:
    err = _error(_raw(measurements=[m("lefs", value, 1)]))
    assert err.field == "measurements.0.value"


def test_future_dates_are_refused() -> None:
    err = _error(_raw(measurements=[m("lefs", 40, -1)]))
    assert err.field == "measurements.0.date"
    err = _error(_raw(sessions=[s(2), s(-3)]))
    assert err.field == "sessions.1.date"
    assert "after today" in err.message


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sessions": [{**s(1), "pain_nrs": 11}]}, "sessions.0.pain_nrs"),
        ({"sessions": [{**s(1), "difficulty": "brutal"}]}, "sessions.0.difficulty"),
        ({"sessions": [{**s(1), "completed": "yes"}]}, "sessions.0.completed"),
        ({"sessions": [{**s(1), "date": "2025-2-1"}]}, "sessions.0.date"),
        ({"planned_days_per_week": 8}, "planned_days_per_week"),
        ({"planned_days_per_week": 2.5}, "planned_days_per_week"),
        ({"program_start": "yesterday"}, "program_start"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_contract_errors_name_the_field(change: dict[str, Any], field: str) -> None:
    err = _error(_raw(**change))
    assert err.field == field


def test_missing_lists_are_required() -> None:
    with pytest.raises(InputError) as info:
        parse(ProgressInput, {"measurements": []})
    assert info.value.field == "sessions"
    assert "required" in info.value.message
