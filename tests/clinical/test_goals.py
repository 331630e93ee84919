"""Goal status: met, on track, not on track, not yet measured (the clock is an argument)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dorsi.clinical.contract import parse
from dorsi.clinical.goal_contract import Goal, RecordedGoal
from dorsi.clinical.goal_words import goal_words, status_words, why_words
from dorsi.clinical.goals import check_goal, report
from dorsi.clinical.progress import ProgressInput, review
from dorsi.clinical.progress_contract import Measurement
from dorsi.errors import InputError

TODAY = dt.date(2026, 3, 1)


def _m(measure: str, value: float | str, day: str) -> Measurement:
    return parse(Measurement, {"measure": measure, "value": value, "date": day})


def _goal(**fields: Any) -> Goal:
    return parse(Goal, fields)


SPEED_GOAL = {"measure": "gait_speed_mps", "target": 0.8, "by": "2026-05-01"}


def test_no_values_is_not_yet_measured() -> None:
    out = report(_goal(**SPEED_GOAL), [_m("tug_s", 12, "2026-02-01")], today=TODAY)
    assert (out.status, out.reason) == ("not_yet_measured", "no_values")


def test_plain_words_goal_is_judged_by_the_clinician() -> None:
    out = report(_goal(text="Walk to the corner shop"), [], today=TODAY)
    assert (out.status, out.reason) == ("not_yet_measured", "plain_words")
    assert goal_words(out) == "Walk to the corner shop"


def test_latest_value_reaching_the_target_is_met() -> None:
    values = [_m("gait_speed_mps", 0.5, "2026-01-01"), _m("gait_speed_mps", 0.82, "2026-02-20")]
    out = report(_goal(**SPEED_GOAL), values, today=TODAY)
    assert (out.status, out.latest, out.latest_date) == ("met", 0.82, dt.date(2026, 2, 20))


def test_lower_is_better_measures_are_met_from_below() -> None:
    goal = _goal(measure="tug_s", target=12, by="2026-05-01")
    assert report(goal, [_m("tug_s", 11.5, "2026-02-01")], today=TODAY).status == "met"
    assert report(goal, [_m("tug_s", 12.5, "2026-02-01")], today=TODAY).status != "met"


def test_muscle_grade_goals_compare_grades_in_order() -> None:
    goal = _goal(measure="dorsiflexion_mmt", target="3+", by="2026-05-01")
    assert report(goal, [_m("dorsiflexion_mmt", "4-", "2026-02-01")], today=TODAY).status == "met"
    assert report(goal, [_m("dorsiflexion_mmt", "3", "2026-02-01")], today=TODAY).status != "met"


def test_a_passed_date_without_the_target_is_not_on_track() -> None:
    goal = _goal(measure="gait_speed_mps", target=0.8, by="2026-02-15")
    values = [_m("gait_speed_mps", 0.5, "2026-01-01"), _m("gait_speed_mps", 0.7, "2026-02-10")]
    out = report(goal, values, today=TODAY)
    assert (out.status, out.reason) == ("not_on_track", "date_passed")


def test_one_value_shows_no_trend_yet() -> None:
    out = report(_goal(**SPEED_GOAL), [_m("gait_speed_mps", 0.5, "2026-02-01")], today=TODAY)
    assert (out.status, out.reason) == ("not_on_track", "too_few_values")
    assert out.trend_per_week is None


def test_a_real_trend_that_reaches_the_target_in_time_is_on_track() -> None:
    # 0.50 -> 0.62 m/s over 28 days: +0.12 m/s (above the 0.11 MDC at 0.5 m/s, Hosoi 2023),
    # 0.03 m/s a week; the 42 days (6 weeks) more to the date reach 0.62 + 0.18 = 0.80.
    values = [_m("gait_speed_mps", 0.50, "2026-01-01"), _m("gait_speed_mps", 0.62, "2026-01-29")]
    out = report(_goal(measure="gait_speed_mps", target=0.8, by="2026-03-12"), values, today=TODAY)
    assert (out.status, out.reason) == ("on_track", "trend_reaches_target")
    assert out.projected == pytest.approx(0.80, abs=1e-3)
    assert out.trend_per_week == pytest.approx(0.03, abs=1e-4)


def test_the_same_trend_with_less_time_is_too_slow() -> None:
    values = [_m("gait_speed_mps", 0.50, "2026-01-01"), _m("gait_speed_mps", 0.62, "2026-01-29")]
    # 35 days (5 weeks) at 0.03 m/s a week: 0.62 + 0.15 = 0.77, short of 0.8.
    out = report(_goal(measure="gait_speed_mps", target=0.8, by="2026-03-05"), values, today=TODAY)
    assert (out.status, out.reason) == ("not_on_track", "trend_too_slow")
    assert out.projected == pytest.approx(0.77, abs=1e-3)


def test_a_change_within_measurement_error_is_no_trend_however_far_the_date() -> None:
    # +0.08 m/s from 0.5 m/s is below the 0.11 MDC: measurement error, even though a straight
    # line through it would pass 0.8 by 2027.
    values = [_m("gait_speed_mps", 0.50, "2026-01-01"), _m("gait_speed_mps", 0.58, "2026-01-29")]
    out = report(_goal(measure="gait_speed_mps", target=0.8, by="2027-01-01"), values, today=TODAY)
    assert (out.status, out.reason) == ("not_on_track", "no_real_trend")


def test_a_real_trend_the_wrong_way_is_not_on_track() -> None:
    values = [_m("tug_s", 14, "2026-01-01"), _m("tug_s", 17, "2026-01-29")]
    out = report(_goal(measure="tug_s", target=10, by="2026-12-01"), values, today=TODAY)
    assert (out.status, out.reason) == ("not_on_track", "no_real_trend")


def test_values_after_today_are_not_read() -> None:
    values = [_m("gait_speed_mps", 0.5, "2026-02-01"), _m("gait_speed_mps", 0.9, "2026-04-01")]
    assert report(_goal(**SPEED_GOAL), values, today=TODAY).status == "not_on_track"
    assert report(_goal(**SPEED_GOAL), values, today=dt.date(2026, 4, 2)).status == "met"


def test_projection_stays_within_the_scale() -> None:
    values = [_m("fga_score", 10, "2026-01-01"), _m("fga_score", 20, "2026-01-29")]
    out = report(_goal(measure="fga_score", target=28, by="2026-12-01"), values, today=TODAY)
    assert out.status == "on_track"
    assert out.projected == 30


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({}, "(input)", "give measure, target and by"),
        ({"measure": "gait_speed_mps", "target": 0.8}, "by", "is required"),
        ({**SPEED_GOAL, "measure": "speed"}, "measure", "valid measure ids"),
        ({**SPEED_GOAL, "measure": "gait_speed_video_mps"}, "measure", "trend only"),
        ({**SPEED_GOAL, "target": 9}, "target", "from 0 to 3"),
        ({**SPEED_GOAL, "target": "4"}, "target", "must be a number"),
        ({**SPEED_GOAL, "measure": "dorsiflexion_mmt", "target": 4}, "target", "muscle grade"),
        ({**SPEED_GOAL, "by": "2026-02-01"}, "by", "must not be in the past"),
    ],
)
def test_bad_goals_are_refused_naming_the_field(
    fields: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(InputError, match=words) as info:
        check_goal(_goal(**fields), not_before=TODAY)
    assert info.value.field == field


def test_the_review_reports_goals_only_when_given() -> None:
    base = {
        "measurements": [{"measure": "fga_score", "value": 18, "date": "2026-02-01"}],
        "sessions": [],
    }
    plain = review(parse(ProgressInput, base), today=TODAY)
    assert set(plain.model_dump(mode="json")) == {"measures", "alerts", "adherence"}
    goals = [{"measure": "fga_score", "target": 18, "by": "2026-06-01"}, {"text": "Dance"}]
    out = review(parse(ProgressInput, {**base, "goals": goals}), today=TODAY)
    data = out.model_dump(mode="json")
    assert [g["status"] for g in data["goals"]] == ["met", "not_yet_measured"]
    with pytest.raises(InputError) as info:
        review(parse(ProgressInput, {**base, "goals": [{"measure": "fga_score"}]}), today=TODAY)
    assert info.value.field == "goals.0.target"


def test_goal_words_in_both_languages() -> None:
    values = [_m("gait_speed_mps", 0.50, "2026-01-01"), _m("gait_speed_mps", 0.62, "2026-01-29")]
    out = report(_goal(measure="gait_speed_mps", target=0.8, by="2026-03-30"), values, today=TODAY)
    assert out.status == "on_track"
    assert status_words(out.status) == "on track"
    assert status_words(out.status, "es") == "en camino"
    assert "0.8 m/s by 2026-03-30" in goal_words(out)
    assert "0,8 m/s para el 2026-03-30" in goal_words(out, "es")
    assert "0.62 m/s on 2026-01-29" in why_words(out)
    assert "0,62 m/s el 2026-01-29" in why_words(out, "es")


def test_a_goal_the_clinician_marked_met_is_met_from_that_day() -> None:
    """The clinician's mark decides from its day on; before it, the measurements do."""
    day = dt.date(2026, 3, 1)
    words = RecordedGoal(text="Walk to the shop", met_on=day)
    assert report(words, [], today=day - dt.timedelta(days=1)).status == "not_yet_measured"
    marked = report(words, [], today=day)
    assert (marked.status, marked.reason, marked.met_on) == ("met", "marked_met", day)
    assert report(RecordedGoal(text="Walk to the shop"), [], today=day).status == (
        "not_yet_measured"
    )
    assert why_words(marked, "en") == "Your therapist marked it met on 2026-03-01."
    assert why_words(marked, "es") == "Su terapeuta la marcó como cumplida el 2026-03-01."


def test_the_clinicians_mark_stands_over_a_measure_below_the_target() -> None:
    """Met on paper, or in a way the numbers miss: the mark wins, the latest value is shown."""
    day = dt.date(2026, 3, 1)
    goal = RecordedGoal(measure="tug_s", target=10, by=day + dt.timedelta(days=30), met_on=day)
    values = [Measurement(measure="tug_s", value=14, date=day - dt.timedelta(days=1))]
    item = report(goal, values, today=day)
    assert (item.status, item.reason, item.latest) == ("met", "marked_met", 14)
    data = {
        "measurements": [v.model_dump(mode="json") for v in values],
        "sessions": [],
        "goals": [goal.model_dump(mode="json")],
    }
    out = review(parse(ProgressInput, data), today=day)
    assert [(g.status, g.met_on) for g in out.goals] == [("met", day)]
