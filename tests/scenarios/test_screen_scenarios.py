"""`dorsi screen` scenarios written from the text of issues 2 and 8 (red-flag triage)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scenarios._cli import LEVELS, bad, ok, rank

STABLE: dict[str, Any] = {
    "foot_drop_onset": "gradual",
    "days_since_onset": 60,
    "evaluated_by_clinician": True,
    "weakness_trend": "stable",
    "face_droop": False,
    "arm_weakness": False,
    "speech_difficulty": False,
    "vision_loss": False,
    "saddle_numbness": False,
    "bladder_or_bowel_change": False,
    "both_legs_weak": False,
    "severe_numbness": False,
    "injury_with_severe_pain_or_swelling": False,
    "back_pain_with_weakness": False,
    "balance_affected": "no",
    "falls_past_month": 0,
}
REQUIRED = tuple(STABLE)

# The optional questions issue 8 names.
NEW_QUESTIONS = (
    "recent_hip_knee_or_spine_surgery",
    "knee_dislocation_or_leg_fracture",
    "tight_cast_or_brace",
    "cold_pale_or_pulseless_foot",
    "fever_or_infection_risk_with_back_pain",
    "cancer_history_with_new_back_pain",
    "ascending_tingling_after_infection",
    "anticoagulated",
    "diabetes",
    "foot_wound",
    "brace_pressure_sore",
    "swallowing_or_breathing_change",
)
ALL_ANSWERED_NO: dict[str, Any] = {**STABLE, **dict.fromkeys(NEW_QUESTIONS, False)}

STROKE_AND_CAUDA_EQUINA = (
    "face_droop",
    "arm_weakness",
    "speech_difficulty",
    "vision_loss",
    "saddle_numbness",
    "bladder_or_bowel_change",
)


def screen(**changes: Any) -> dict[str, Any]:
    return ok("screen", {**STABLE, **changes})  # type: ignore[no-any-return]


def assert_shape(out: dict[str, Any]) -> None:
    assert set(out) >= {"level", "reasons", "advice", "program_paused"}
    assert set(out) <= {"level", "reasons", "advice", "program_paused", "unanswered"}
    assert out["level"] in LEVELS
    assert isinstance(out["reasons"], list)
    assert out["reasons"]
    assert all(isinstance(r, str) and r.strip() for r in out["reasons"])
    assert isinstance(out["advice"], str)
    assert out["advice"].strip()
    assert out["program_paused"] is (out["level"] != "proceed")
    if "unanswered" in out:
        assert isinstance(out["unanswered"], list)
        assert all(isinstance(q, str) for q in out["unanswered"])


# --- the contract's shape and the "proceed" case ---------------------------------------------


def test_stable_evaluated_patient_without_flags_proceeds() -> None:
    out = screen()
    assert_shape(out)
    assert out["level"] == "proceed"
    assert out["program_paused"] is False


def test_improving_evaluated_patient_proceeds() -> None:
    out = screen(weakness_trend="improving")
    assert out["level"] == "proceed"


def test_absent_new_questions_are_listed_as_unanswered() -> None:
    out = screen()
    assert set(NEW_QUESTIONS) <= set(out["unanswered"])


def test_all_new_questions_answered_no_still_proceeds_and_none_is_unanswered() -> None:
    out = ok("screen", ALL_ANSWERED_NO)
    assert_shape(out)
    assert out["level"] == "proceed"
    assert not set(NEW_QUESTIONS) & set(out.get("unanswered", []))


def test_answered_question_leaves_the_unanswered_list() -> None:
    out = screen(diabetes=False, anticoagulated=False)
    assert "diabetes" not in out["unanswered"]
    assert "anticoagulated" not in out["unanswered"]
    assert "tight_cast_or_brace" in out["unanswered"]


def test_level_is_computed_from_what_is_known_when_questions_are_unanswered() -> None:
    out = screen(face_droop=True)
    assert out["level"] == "emergency"
    assert "cold_pale_or_pulseless_foot" in out["unanswered"]


# --- emergencies -------------------------------------------------------------------------------


@pytest.mark.parametrize("flag", [*STROKE_AND_CAUDA_EQUINA, "injury_with_severe_pain_or_swelling"])
def test_stroke_cauda_equina_and_compartment_signs_are_emergencies(flag: str) -> None:
    out = screen(**{flag: True})
    assert_shape(out)
    assert out["level"] == "emergency"
    assert out["program_paused"] is True


def test_rapidly_worsening_weakness_is_an_emergency() -> None:
    out = screen(weakness_trend="rapidly_worsening")
    assert out["level"] == "emergency"
    assert out["program_paused"] is True


@pytest.mark.parametrize("days", [0, 1, 3])
def test_new_sudden_foot_drop_not_yet_evaluated_is_an_emergency(days: int) -> None:
    out = screen(foot_drop_onset="sudden", evaluated_by_clinician=False, days_since_onset=days)
    assert out["level"] == "emergency"


def test_sudden_unevaluated_foot_drop_is_never_below_urgent_even_weeks_later() -> None:
    out = screen(foot_drop_onset="sudden", evaluated_by_clinician=False, days_since_onset=60)
    assert rank(out["level"]) >= rank("urgent")


@pytest.mark.parametrize(
    "changes",
    [
        {"evaluated_by_clinician": False, "days_since_onset": 2},
        {"weakness_trend": "worsening"},
        {"weakness_trend": "rapidly_worsening"},
    ],
    ids=["new", "worsening", "rapidly_worsening"],
)
def test_both_legs_weak_when_new_or_worsening_is_an_emergency(changes: dict[str, Any]) -> None:
    out = screen(both_legs_weak=True, **changes)
    assert out["level"] == "emergency"


def test_long_standing_evaluated_bilateral_weakness_is_not_an_emergency() -> None:
    out = screen(both_legs_weak=True, days_since_onset=400, weakness_trend="stable")
    assert out["level"] != "emergency"


# --- urgent and see-clinician levels ------------------------------------------------------------


def test_worsening_weakness_with_back_pain_is_at_least_urgent() -> None:
    out = screen(weakness_trend="worsening", back_pain_with_weakness=True)
    assert rank(out["level"]) >= rank("urgent")
    assert out["program_paused"] is True


def test_worsening_weakness_without_back_pain_is_at_least_see_clinician_and_pauses() -> None:
    out = screen(weakness_trend="worsening")
    assert rank(out["level"]) >= rank("see_clinician")
    assert out["program_paused"] is True


def test_severe_numbness_is_at_least_urgent() -> None:
    out = screen(severe_numbness=True)
    assert rank(out["level"]) >= rank("urgent")


def test_balance_significantly_affected_means_see_a_clinician() -> None:
    out = screen(balance_affected="significantly")
    assert rank(out["level"]) >= rank("see_clinician")
    assert out["program_paused"] is True


def test_balance_levels_are_ordered() -> None:
    levels = [
        rank(screen(balance_affected=b)["level"]) for b in ("no", "somewhat", "significantly")
    ]
    assert levels == sorted(levels)


@pytest.mark.parametrize("days", [0, 2, 10, 365])
def test_foot_drop_never_seen_by_a_clinician_never_proceeds(days: int) -> None:
    out = screen(evaluated_by_clinician=False, days_since_onset=days)
    assert rank(out["level"]) >= rank("see_clinician")
    assert out["program_paused"] is True


# --- issue 8: the new questions ---------------------------------------------------------------


def test_new_foot_drop_after_surgery_is_urgent() -> None:
    assert screen(recent_hip_knee_or_spine_surgery=True)["level"] == "urgent"


def test_foot_drop_after_surgery_while_anticoagulated_is_an_emergency() -> None:
    out = screen(recent_hip_knee_or_spine_surgery=True, anticoagulated=True)
    assert out["level"] == "emergency"


@pytest.mark.parametrize(
    ("flag", "level"),
    [
        ("knee_dislocation_or_leg_fracture", "emergency"),
        ("tight_cast_or_brace", "urgent"),
        ("cold_pale_or_pulseless_foot", "emergency"),
        ("ascending_tingling_after_infection", "emergency"),
        ("brace_pressure_sore", "see_clinician"),
    ],
)
def test_single_new_question_levels(flag: str, level: str) -> None:
    out = screen(**{flag: True})
    assert_shape(out)
    assert out["level"] == level


@pytest.mark.parametrize(
    "flag", ["fever_or_infection_risk_with_back_pain", "cancer_history_with_new_back_pain"]
)
def test_infection_or_cancer_with_back_pain_and_weakness_is_an_emergency(flag: str) -> None:
    # Foot drop is weakness; with back pain named as well the issue's "with weakness" clearly holds.
    assert screen(**{flag: True, "back_pain_with_weakness": True})["level"] == "emergency"
    assert screen(**{flag: True})["level"] == "emergency"


def test_injury_while_anticoagulated_is_an_emergency() -> None:
    out = screen(injury_with_severe_pain_or_swelling=True, anticoagulated=True)
    assert out["level"] == "emergency"


def test_anticoagulation_alone_does_not_pause_a_stable_patient() -> None:
    # Issue 8: a blood thinner raises injury-, surgery- and head-strike cases, not a stable patient.
    out = ok("screen", {**ALL_ANSWERED_NO, "anticoagulated": True})
    assert out["level"] == "proceed"


def test_painless_foot_drop_with_diabetes_means_see_a_clinician() -> None:
    out = screen(diabetes=True)
    assert out["level"] == "see_clinician"


def test_diabetes_with_a_foot_wound_is_urgent() -> None:
    assert screen(diabetes=True, foot_wound=True)["level"] == "urgent"


def test_brace_pressure_sore_with_diabetes_is_urgent() -> None:
    assert screen(diabetes=True, brace_pressure_sore=True)["level"] == "urgent"


def test_swallowing_or_breathing_change_with_slow_painless_weakness_is_urgent() -> None:
    out = screen(
        swallowing_or_breathing_change=True,
        foot_drop_onset="gradual",
        weakness_trend="worsening",
        back_pain_with_weakness=False,
    )
    assert rank(out["level"]) >= rank("urgent")


def test_swallowing_or_breathing_change_alone_is_at_least_urgent() -> None:
    assert rank(screen(swallowing_or_breathing_change=True)["level"]) >= rank("urgent")


# Dorsi's names for the sub-cases issue 8 lists without a field name (documented in the catalog).
DORSI_QUESTIONS = (
    "spinal_or_epidural_anaesthesia_within_4_days",
    "increasing_leg_pain_or_swelling",
    "fall_with_head_strike",
    "wound_fever_or_spreading_redness",
    "breathless_lying_flat",
)


@pytest.mark.parametrize(
    "answers",
    [
        {
            "recent_hip_knee_or_spine_surgery": True,
            "spinal_or_epidural_anaesthesia_within_4_days": True,
        },
        {"recent_hip_knee_or_spine_surgery": True, "increasing_leg_pain_or_swelling": True},
        {"anticoagulated": True, "fall_with_head_strike": True},
        {"diabetes": True, "foot_wound": True, "wound_fever_or_spreading_redness": True},
        {"swallowing_or_breathing_change": True, "breathless_lying_flat": True},
    ],
    ids=[
        "epidural_within_4_days",
        "surgery_growing_pain",
        "head_strike_on_thinner",
        "wound_fever",
        "breathless_lying_flat",
    ],
)
def test_issue_8_emergency_sub_cases(answers: dict[str, Any]) -> None:
    assert screen(**answers)["level"] == "emergency"


# --- never under-triage: adding a flag never lowers the level -----------------------------------

BOOL_FLAGS = (
    "face_droop",
    "arm_weakness",
    "speech_difficulty",
    "vision_loss",
    "saddle_numbness",
    "bladder_or_bowel_change",
    "both_legs_weak",
    "severe_numbness",
    "injury_with_severe_pain_or_swelling",
    "back_pain_with_weakness",
    *NEW_QUESTIONS,
    *DORSI_QUESTIONS,
)
BASES: dict[str, dict[str, Any]] = {
    "worsening_unevaluated": {
        "weakness_trend": "worsening",
        "evaluated_by_clinician": False,
        "days_since_onset": 5,
    },
    "diabetic_with_back_pain": {"diabetes": True, "back_pain_with_weakness": True},
}


@pytest.mark.parametrize("base", list(BASES))
@pytest.mark.parametrize("flag", BOOL_FLAGS)
def test_adding_any_flag_never_lowers_the_level(base: str, flag: str) -> None:
    before = {**STABLE, **BASES[base]}
    if before.get(flag) is True:
        pytest.skip("flag already set in this base")
    after = {**before, flag: True}
    assert rank(ok("screen", after)["level"]) >= rank(ok("screen", before)["level"])


ORDERED: dict[str, tuple[Any, ...]] = {
    "weakness_trend": ("improving", "stable", "worsening", "rapidly_worsening"),
    "balance_affected": ("no", "somewhat", "significantly"),
    "foot_drop_onset": ("gradual", "sudden"),
    "evaluated_by_clinician": (True, False),
    "falls_past_month": (0, 1, 5),
}


@pytest.mark.parametrize("field", list(ORDERED))
def test_worse_answers_never_lower_the_level(field: str) -> None:
    for base in ({}, {"evaluated_by_clinician": False, "days_since_onset": 3}):
        levels = [rank(screen(**{**base, field: v})["level"]) for v in ORDERED[field]]
        assert levels == sorted(levels), (field, base, levels)


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["foot_drop_onset", "evaluated_by_clinician", "falls_past_month"])
def test_missing_required_field_is_named(field: str) -> None:
    payload = {k: v for k, v in STABLE.items() if k != field}
    bad("screen", payload, field)


def test_every_required_field_is_really_required() -> None:
    line = bad("screen", {}, REQUIRED[0])
    assert "required" in line


def test_unknown_field_is_refused_by_name() -> None:
    bad("screen", {**STABLE, "chest_pain": True}, "chest_pain")


@pytest.mark.parametrize(
    ("field", "value", "allowed"),
    [
        ("foot_drop_onset", "slow", "gradual"),
        ("weakness_trend", "better", "rapidly_worsening"),
        ("balance_affected", "yes", "significantly"),
    ],
)
def test_bad_enum_value_names_field_and_allowed_values(
    field: str, value: str, allowed: str
) -> None:
    bad("screen", {**STABLE, field: value}, field, allowed)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("days_since_onset", -1),
        ("falls_past_month", -1),
        ("days_since_onset", 2.5),
        ("days_since_onset", "3"),
        ("days_since_onset", True),
        ("face_droop", "true"),
        ("face_droop", 1),
        ("face_droop", None),
        ("diabetes", "yes"),
        ("evaluated_by_clinician", "no"),
    ],
)
def test_wrong_type_or_out_of_range_is_refused(field: str, value: Any) -> None:
    bad("screen", {**STABLE, field: value}, field)


def test_edge_zero_values_are_accepted() -> None:
    out = screen(days_since_onset=0, falls_past_month=0)
    assert out["level"] in LEVELS


def test_huge_counts_are_refused_cleanly_by_name() -> None:
    # A hundred years of foot drop or a thousand falls a month is a typing error, not an answer.
    bad("screen", {**STABLE, "days_since_onset": 10**9}, "days_since_onset")
    bad("screen", {**STABLE, "falls_past_month": 10**6}, "falls_past_month")


def test_null_for_an_optional_question_means_unanswered() -> None:
    out = screen(diabetes=None)
    assert "diabetes" in out["unanswered"]
    assert out["level"] == "proceed"


# --- judgement calls (the issue is silent; the documented reading is asserted) -------------------


def test_sudden_onset_with_stroke_ruled_out_by_a_physician_and_stable_proceeds() -> None:
    # Issue 8 made *unevaluated* sudden onset an emergency; issue 17: in the first 72 hours only
    # a physician's in-person rule-out of a stroke makes a stable, evaluated patient "proceed".
    out = screen(foot_drop_onset="sudden", days_since_onset=1, stroke_ruled_out_by_physician=True)
    assert out["level"] == "proceed"
    assert screen(foot_drop_onset="sudden", days_since_onset=1)["level"] == "emergency"


def test_back_pain_with_stable_evaluated_weakness_proceeds() -> None:
    # The seed's trigger is weakness that *worsens* with back pain (covered above as urgent);
    # stable, evaluated lumbar foot drop is the program's ordinary lumbar patient.
    assert screen(back_pain_with_weakness=True)["level"] == "proceed"
    assert screen(back_pain_with_weakness=True, evaluated_by_clinician=False)["level"] == "urgent"


def test_evaluated_stable_bilateral_weakness_still_needs_a_clinician() -> None:
    assert screen(both_legs_weak=True, days_since_onset=400)["level"] == "see_clinician"
