"""The brace log's rules (pure; the clock is an argument): the entry contract, the patient's
advice, the skin_problem alert in the review, wear against the target, walking with and
without the brace."""

from __future__ import annotations

import datetime as dt

import pytest

from dorsi.catalog.brace import load_brace_rules
from dorsi.clinical.brace import (
    BraceLogIn,
    MarkedValue,
    SkinCheck,
    compare_walking,
    patient_advice,
    skin_alert,
    wear_report,
)
from dorsi.clinical.contract import parse
from dorsi.clinical.progress import ProgressInput, review
from dorsi.errors import InputError

TODAY = dt.date(2026, 3, 10)


def test_seen_without_a_skin_problem_is_refused_naming_skin_problem() -> None:
    with pytest.raises(InputError) as caught:
        parse(BraceLogIn, {"wear_hours": 3, "skin_problem": False, "seen": ["sore"]})
    assert caught.value.field == "skin_problem"


@pytest.mark.parametrize("hours", [-0.5, 24.5, float("nan")])
def test_wear_hours_outside_0_to_24_are_refused(hours: float) -> None:
    with pytest.raises(InputError) as caught:
        parse(BraceLogIn, {"wear_hours": hours, "skin_problem": False})
    assert caught.value.field == "wear_hours"


def test_advice_depends_on_what_was_seen_in_both_languages() -> None:
    advice = load_brace_rules().advice
    assert patient_advice(True, ["blister"], "en") == advice.stop.en
    assert patient_advice(True, ["redness_30min", "pressure_pain"], "es") == advice.stop.es
    assert patient_advice(True, ["pressure_pain"], "en") == advice.watch.en
    assert patient_advice(True, [], "es") == advice.unspecified.es
    assert patient_advice(False, [], "en") == advice.ok.en


def test_the_skin_alert_names_the_days_and_findings_within_its_window() -> None:
    window = int(load_brace_rules().skin_alert_days.value)
    inside = SkinCheck(TODAY - dt.timedelta(days=window - 1), ("sore",))
    outside = SkinCheck(TODAY - dt.timedelta(days=window), ("blister",))
    message = skin_alert([inside, outside], TODAY, "en")
    assert message is not None
    assert inside.day.isoformat() in message
    assert "skin breakdown (sore)" in message
    assert "blister" not in message
    assert skin_alert([outside], TODAY, "en") is None
    spanish = skin_alert([inside], TODAY, "es")
    assert spanish is not None
    assert "llaga" in spanish


def test_the_review_raises_skin_problem_and_keeps_its_three_keys() -> None:
    data = parse(
        ProgressInput,
        {
            "measurements": [],
            "sessions": [],
            "brace_log": [
                {"date": "2026-03-09", "skin_problem": True, "seen": ["blister"]},
                {"date": "2026-03-10", "skin_problem": False},
            ],
        },
    )
    out = review(data, today=TODAY)
    assert [a.kind for a in out.alerts].count("skin_problem") == 1
    assert set(out.model_dump(mode="json")) == {"measures", "alerts", "adherence"}
    quiet = parse(ProgressInput, {"measurements": [], "sessions": []})
    assert "skin_problem" not in [a.kind for a in review(quiet, today=TODAY).alerts]


def test_a_brace_log_after_today_is_refused() -> None:
    data = parse(
        ProgressInput,
        {
            "measurements": [],
            "sessions": [],
            "brace_log": [{"date": "2026-03-11", "skin_problem": True}],
        },
    )
    with pytest.raises(InputError) as caught:
        review(data, today=TODAY)
    assert caught.value.field == "brace_log.0.date"


def test_wear_against_the_target_counts_each_day_once_and_the_last_entry_wins() -> None:
    days = [
        (TODAY - dt.timedelta(days=1), 4.0),
        (TODAY - dt.timedelta(days=1), 9.0),  # a correction of the same day
        (TODAY, 7.0),
        (TODAY - dt.timedelta(days=40), 12.0),  # outside the window
    ]
    report = wear_report(days, target_hours=8, today=TODAY)
    assert report.days_logged == 2
    assert report.mean_hours == 8.0
    assert report.days_at_target == 1
    assert report.meets_target is True
    assert report.target_from == "clinician"
    default = wear_report([], target_hours=None, today=TODAY)
    assert default.target_hours == load_brace_rules().default_wear_target_hours.value
    assert default.target_from == "default"
    assert default.meets_target is None


def test_walking_is_compared_within_one_measure_only() -> None:
    values = [
        MarkedValue("gait_speed_mps", 0.5, dt.date(2026, 3, 1), False),
        MarkedValue("gait_speed_mps", 0.6, dt.date(2026, 3, 5), False),
        MarkedValue("gait_speed_mps", 0.9, dt.date(2026, 3, 5), True),
        MarkedValue("gait_speed_video_mps", 1.0, dt.date(2026, 3, 5), True),
    ]
    rows = {c.measure: c for c in compare_walking(values)}
    walk = rows["gait_speed_mps"]
    assert walk.without_brace is not None
    assert walk.without_brace.value == 0.6
    assert walk.without_brace.count == 2
    assert walk.difference == pytest.approx(0.3)
    assert walk.mdc is not None
    video = rows["gait_speed_video_mps"]
    assert video.without_brace is None
    assert video.difference is None
