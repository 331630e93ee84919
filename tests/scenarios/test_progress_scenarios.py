"""`dorsi progress` scenarios written from the text of issues 2 and 8 (progress review)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.scenarios._cli import bad, ok, text_of

KINDS = {
    "stop_program",
    "worsening",
    "plateau",
    "reassessment_due",
    "ready_to_progress",
    "regress",
    "low_adherence",
    "pain_rising",
}
STATUSES = {"improved", "worse", "no_real_change", "insufficient_data"}
START = dt.date(2024, 3, 4)  # a Monday


def day(offset: int) -> str:
    return (START + dt.timedelta(days=offset)).isoformat()


def m(measure: str, value: Any, offset: int) -> dict[str, Any]:
    return {"measure": measure, "value": value, "date": day(offset)}


def s(
    offset: int,
    *,
    completed: bool = True,
    pain: float = 2,
    difficulty: str = "ok",
    weakness_worse: bool = False,
    balance_worse: bool = False,
) -> dict[str, Any]:
    return {
        "date": day(offset),
        "completed": completed,
        "pain_nrs": pain,
        "difficulty": difficulty,
        "weakness_worse": weakness_worse,
        "balance_worse": balance_worse,
    }


def regular_sessions(days: int, per_week: int = 3, **kw: Any) -> list[dict[str, Any]]:
    """Sessions on the first ``per_week`` days of every week from START, all completed."""
    return [s(i, **kw) for i in range(days) if i % 7 < per_week]


def review(
    measurements: list[dict[str, Any]],
    sessions: list[dict[str, Any]] | None = None,
    *,
    today: int = 35,
    per_week: int | None = 3,
    start: bool = True,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "measurements": measurements,
        "sessions": sessions if sessions is not None else regular_sessions(today + 1),
        "today": day(today),
    }
    if per_week is not None:
        payload["planned_days_per_week"] = per_week
    if start:
        payload["program_start"] = day(0)
    out = ok("progress", payload)
    assert_shape(out)
    return out  # type: ignore[no-any-return]


def kinds(out: dict[str, Any]) -> set[str]:
    return {a["kind"] for a in out["alerts"]}


def alert(out: dict[str, Any], kind: str) -> str:
    return " ".join(a["message"] for a in out["alerts"] if a["kind"] == kind).lower()


def assert_shape(out: dict[str, Any]) -> None:
    assert set(out) == {"measures", "alerts", "adherence"}
    assert isinstance(out["measures"], dict)
    for review_ in out["measures"].values():
        assert {"baseline", "latest", "change", "mdc", "status"} <= set(review_)
        assert {"previous", "best", "change_from_previous", "change_from_best"} <= set(review_)
        assert review_["status"] in STATUSES
    assert isinstance(out["alerts"], list)
    for a in out["alerts"]:
        assert set(a) == {"kind", "message"}
        assert a["kind"] in KINDS
        assert isinstance(a["message"], str)
        assert a["message"].strip()
    assert set(out["adherence"]) == {"sessions_done", "sessions_planned", "percent"}
    assert isinstance(out["adherence"]["sessions_done"], int)


# --- change against the MDC ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("measure", "before", "after", "status"),
    [
        ("lefs", 40, 52, "improved"),
        ("lefs", 40, 44, "no_real_change"),
        ("lefs", 50, 38, "worse"),
        ("tug_s", 16.0, 12.0, "improved"),  # lower is better
        ("tug_s", 12.0, 16.0, "worse"),
        ("tug_s", 12.0, 11.8, "no_real_change"),
        ("pain_nrs", 7, 1, "improved"),  # lower is better
        ("dorsiflexion_arom_deg", -5, 10, "improved"),
        ("dorsiflexion_arom_deg", 0, 2, "no_real_change"),
        ("gait_speed_mps", 0.30, 0.36, "improved"),  # slow walker: MDC about 0.05
        ("gait_speed_mps", 1.00, 1.10, "no_real_change"),  # fast walker: MDC about 0.2
        ("gait_speed_mps", 1.00, 0.70, "worse"),
    ],
)
def test_change_counts_only_beyond_the_mdc(
    measure: str, before: Any, after: Any, status: str
) -> None:
    out = review([m(measure, before, 0), m(measure, after, 28)], today=28)
    r = out["measures"][measure]
    assert r["status"] == status
    assert r["baseline"] == before
    assert r["latest"] == after
    assert r["change"] == pytest.approx(after - before, abs=1e-3)
    assert r["mdc"] > 0
    if status == "no_real_change":
        assert abs(r["change"]) < r["mdc"] + 1e-9
    else:
        assert abs(r["change"]) >= r["mdc"] - 1e-9


def test_gait_speed_mdc_is_stratified_by_baseline_speed() -> None:
    slow = review([m("gait_speed_mps", 0.3, 0), m("gait_speed_mps", 0.3, 28)], today=28)
    fast = review([m("gait_speed_mps", 1.0, 0), m("gait_speed_mps", 1.0, 28)], today=28)
    assert slow["measures"]["gait_speed_mps"]["mdc"] < fast["measures"]["gait_speed_mps"]["mdc"]


def test_change_equal_to_the_mdc_counts_as_real() -> None:
    # Judgement call: REFERENCE defines real change as a change >= the MDC (LEFS MDC = 9).
    out = review([m("lefs", 40, 0), m("lefs", 49, 28)], today=28)
    assert out["measures"]["lefs"]["mdc"] == 9
    assert out["measures"]["lefs"]["status"] == "improved"


def test_one_measurement_is_insufficient_data() -> None:
    out = review([m("lefs", 40, 0)], today=10)
    r = out["measures"]["lefs"]
    assert r["status"] == "insufficient_data"
    assert r["baseline"] == r["latest"] == 40


def test_baseline_is_the_earliest_and_latest_the_newest_whatever_the_input_order() -> None:
    out = review([m("lefs", 60, 30), m("lefs", 40, 0), m("lefs", 45, 14)], today=30)
    r = out["measures"]["lefs"]
    assert (r["baseline"], r["latest"], r["status"]) == (40, 60, "improved")


def test_only_measured_ids_are_reported() -> None:
    out = review([m("lefs", 40, 0), m("lefs", 41, 20)], today=20)
    assert set(out["measures"]) == {"lefs"}


# --- muscle grade: one full grade is the smallest real change ------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "status"),
    [
        ("3", "4", "improved"),
        ("2", "3", "improved"),
        ("0", "1", "improved"),
        ("3", "3+", "no_real_change"),
        ("3+", "3", "no_real_change"),
        ("4-", "4", "no_real_change"),
        ("4", "3", "worse"),
        ("5", "4", "worse"),
    ],
)
def test_muscle_grade_full_grade_rule(before: str, after: str, status: str) -> None:
    out = review([m("dorsiflexion_mmt", before, 0), m("dorsiflexion_mmt", after, 28)], today=28)
    r = out["measures"]["dorsiflexion_mmt"]
    assert r["status"] == status
    assert r["baseline"] == before
    assert r["latest"] == after


def test_drop_of_a_full_grade_holds_progression_and_asks_for_rescreening() -> None:
    sessions = regular_sessions(29, difficulty="easy", pain=0)
    out = review(
        [m("dorsiflexion_mmt", "4", 0), m("dorsiflexion_mmt", "3", 28)], sessions, today=28
    )
    assert "ready_to_progress" not in kinds(out)
    assert kinds(out) & {"worsening", "regress"}
    assert "screen" in text_of(out["alerts"])


# --- single-leg stance: a documented rule that sees change from a low baseline ------------------


@pytest.mark.parametrize(
    ("before", "after", "status"),
    [
        (2, 6, "improved"),
        (3, 9, "improved"),
        (3, 3.5, "no_real_change"),
        (40, 44, "no_real_change"),
        (8, 2, "worse"),
    ],
)
def test_single_leg_stance_rule(before: float, after: float, status: str) -> None:
    out = review(
        [m("single_leg_stance_s", before, 0), m("single_leg_stance_s", after, 28)], today=28
    )
    r = out["measures"]["single_leg_stance_s"]
    assert r["status"] == status
    assert r["mdc"] < 24  # below the absolute published MDC when the baseline is low or moderate


# --- stop rule -----------------------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["weakness_worse", "balance_worse"])
def test_weakness_or_balance_worse_stops_the_program(flag: str) -> None:
    worse = {**s(20), flag: True}
    sessions = [*regular_sessions(20), worse]
    out = review([m("lefs", 40, 0)], sessions, today=21)
    assert "stop_program" in kinds(out)


def test_no_stop_without_a_worse_session() -> None:
    assert "stop_program" not in kinds(review([m("lefs", 40, 0)], today=21))


# --- plateau -------------------------------------------------------------------------------------


def flat(measure: str, value: Any, offsets: tuple[int, ...]) -> list[dict[str, Any]]:
    return [m(measure, value, o) for o in offsets]


def test_plateau_over_four_weeks_with_good_adherence_asks_for_clinician_review() -> None:
    out = review(flat("lefs", 40, (0, 14, 28)), today=30)
    assert out["adherence"]["percent"] >= 80
    assert "plateau" in kinds(out)
    assert "clinician" in alert(out, "plateau") or "therapist" in alert(out, "plateau")


def test_plateau_at_exactly_four_weeks_between_two_reassessments() -> None:
    out = review(flat("lefs", 40, (0, 28)), today=28)
    assert "plateau" in kinds(out)


def test_plateau_at_exactly_four_weeks_over_three_reassessments() -> None:
    out = review(flat("lefs", 40, (0, 14, 28)), today=28)
    assert "plateau" in kinds(out)


def test_no_plateau_when_reassessments_span_less_than_four_weeks() -> None:
    out = review(flat("lefs", 40, (0, 13, 27)), today=27)
    assert "plateau" not in kinds(out)


def test_no_plateau_when_adherence_was_poor() -> None:
    sessions = [s(0), s(20)]
    out = review(flat("lefs", 40, (0, 14, 35)), sessions, today=35, per_week=5)
    assert "plateau" not in kinds(out)
    assert "low_adherence" in kinds(out)


def test_no_plateau_when_there_was_real_change() -> None:
    out = review([m("lefs", 40, 0), m("lefs", 45, 14), m("lefs", 55, 30)], today=30)
    assert "plateau" not in kinds(out)


def test_muscle_grade_plateau_raises_the_question_of_a_surgical_opinion() -> None:
    out = review(flat("dorsiflexion_mmt", "2", (0, 14, 35)), today=35)
    assert "plateau" in kinds(out)
    message = alert(out, "plateau")
    assert "surg" in message
    assert "referral" in message or "refer" in message


# --- reassessment, progression, regression -------------------------------------------------------


def test_reassessment_due_when_the_last_measurement_is_old() -> None:
    out = review([m("lefs", 40, 0)], today=70)
    assert "reassessment_due" in kinds(out)


def test_no_reassessment_due_right_after_one() -> None:
    out = review([m("lefs", 40, 0), m("lefs", 41, 20)], today=21)
    assert "reassessment_due" not in kinds(out)


def test_ready_to_progress_after_real_improvement_with_easy_sessions() -> None:
    sessions = regular_sessions(29, difficulty="easy", pain=0)
    out = review(
        [m("dorsiflexion_mmt", "3", 0), m("dorsiflexion_mmt", "4", 28)], sessions, today=28
    )
    assert "ready_to_progress" in kinds(out)
    assert "stop_program" not in kinds(out)


def test_hard_painful_sessions_ask_to_regress() -> None:
    sessions = regular_sessions(21, difficulty="hard", pain=7)
    out = review([m("lefs", 40, 0)], sessions, today=21)
    assert "regress" in kinds(out)
    assert "ready_to_progress" not in kinds(out)


def test_real_worsening_raises_a_worsening_alert() -> None:
    out = review([m("lefs", 50, 0), m("lefs", 30, 28)], today=28)
    assert "worsening" in kinds(out)


# --- adherence -----------------------------------------------------------------------------------


def test_adherence_math_over_four_weeks() -> None:
    # Program from Monday 4 March to Sunday 31 March: 28 days = 4 weeks x 5 planned = 20 sessions.
    sessions = [s(i) for i in range(10)] + [s(i, completed=False) for i in range(10, 15)]
    out = review([], sessions, today=27, per_week=5)
    adh = out["adherence"]
    assert (adh["sessions_done"], adh["sessions_planned"], adh["percent"]) == (10, 20, 50)


def test_adherence_counts_only_completed_sessions() -> None:
    sessions = [s(0), s(1, completed=False), s(2)]
    out = review([], sessions, today=6, per_week=7)
    assert out["adherence"]["sessions_done"] == 2
    assert out["adherence"]["sessions_planned"] == 7


def test_empty_history_is_valid() -> None:
    out = review([], [], today=0)
    assert out["measures"] == {}
    assert out["adherence"]["sessions_done"] == 0


def test_optional_fields_absent() -> None:
    out = ok("progress", {"measurements": [m("lefs", 40, 0)], "sessions": [s(0)], "today": day(3)})
    assert_shape(out)
    assert out["adherence"]["sessions_done"] == 1


def test_optional_fields_null() -> None:
    payload = {
        "measurements": [m("lefs", 40, 0)],
        "sessions": [s(0)],
        "program_start": None,
        "planned_days_per_week": None,
        "today": day(3),
    }
    assert_shape(ok("progress", payload))


def test_today_in_the_input_wins_over_the_clock() -> None:
    # With today in 2024 the review is as of that day: a measurement 70 days earlier is old.
    out = review([m("lefs", 40, 0)], [], today=70)
    assert "reassessment_due" in kinds(out)


# --- bad input -----------------------------------------------------------------------------------

GOOD: dict[str, Any] = {
    "measurements": [m("lefs", 40, 0)],
    "sessions": [s(0)],
    "today": day(5),
}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**GOOD, "measurements": [m("grip_strength", 30, 0)]}, "measurements.0.measure"),
        (
            {**GOOD, "measurements": [{"measure": "lefs", "value": 40, "date": "2024-13-01"}]},
            "date",
        ),
        ({**GOOD, "measurements": [{"measure": "lefs", "value": 40}]}, "date"),
        ({**GOOD, "measurements": [m("lefs", 81, 0)]}, "value"),
        ({**GOOD, "measurements": [m("dorsiflexion_mmt", "6", 0)]}, "value"),
        ({**GOOD, "measurements": [m("gait_speed_mps", "fast", 0)]}, "value"),
        ({**GOOD, "measurements": [m("gait_speed_mps", -0.2, 0)]}, "value"),
        ({**GOOD, "sessions": [{**s(0), "pain_nrs": 11}]}, "pain_nrs"),
        ({**GOOD, "sessions": [{**s(0), "difficulty": "medium"}]}, "difficulty"),
        ({**GOOD, "sessions": [{**s(0), "completed": "yes"}]}, "completed"),
        ({**GOOD, "sessions": [{**s(0), "mood": "good"}]}, "mood"),
        ({**GOOD, "planned_days_per_week": 8}, "planned_days_per_week"),
        ({**GOOD, "planned_days_per_week": -1}, "planned_days_per_week"),
        ({**GOOD, "today": "31/03/2024"}, "today"),
        ({**GOOD, "program_start": "soon"}, "program_start"),
        ({"sessions": []}, "measurements"),
        ({"measurements": []}, "sessions"),
        ({**GOOD, "extra": 1}, "extra"),
        ({**GOOD, "measurements": {"lefs": 40}}, "measurements"),
    ],
)
def test_bad_input_is_refused_by_name(payload: dict[str, Any], field: str) -> None:
    bad("progress", payload, field)
