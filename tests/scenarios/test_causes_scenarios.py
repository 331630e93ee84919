"""`dorsi plan` and `dorsi outlook` scenarios for the causes and inputs of issue 17.

Written from the contract text of issue 17 ("The contract changes", "Causes and the program",
"Outlook"), through the real CLI.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.scenarios._cli import bad, exercise_entry, ok, text_of

NEW_CAUSES = (
    "stroke",
    "multiple_sclerosis",
    "motor_neuron_disease",
    "polyneuropathy",
    "hereditary_neuropathy",
    "post_operative_sciatic",
)
OLD_CAUSES = ("peroneal", "lumbar", "neurological", "unknown")
PROGRESSIVE = ("motor_neuron_disease", "hereditary_neuropathy")
RELAPSING = ("multiple_sclerosis", "polyneuropathy")
BASE: dict[str, Any] = {
    "side": "left",
    "cause": "peroneal",
    "weeks_since_onset": 8,
    "dorsiflexion_mmt": "3",
    "single_leg_stance_s": 20,
    "falls_past_month": 0,
    "pain_nrs": 1,
    "uses_afo": False,
}
PLAN_KEYS = {
    "phase",
    "phase_name",
    "exercises",
    "gait_training",
    "bracing",
    "precautions",
    "rationale",
    "review_in_days",
}


def plan(**changes: Any) -> dict[str, Any]:
    out = ok("plan", {**BASE, **changes})
    assert set(out) == PLAN_KEYS
    return out  # type: ignore[no-any-return]


def outlook(**changes: Any) -> dict[str, Any]:
    raw = {"cause": "peroneal", "severity": "unknown", "weeks_since_onset": 8} | changes
    return ok("outlook", raw)  # type: ignore[no-any-return]


# --- the contract ---------------------------------------------------------------------------


@pytest.mark.parametrize("cause", NEW_CAUSES + OLD_CAUSES)
def test_every_cause_gives_an_adult_program(cause: str) -> None:
    out = plan(cause=cause)
    assert 3 <= len(out["exercises"]) <= 6
    assert out["rationale"]


def test_both_sides_are_accepted_and_the_cues_say_so() -> None:
    out = plan(side="both", cause="polyneuropathy")
    cues = text_of([e["cues"] for e in out["exercises"]])
    assert "left" in cues
    assert "right" in cues


def test_the_new_optional_inputs_are_accepted() -> None:
    out = plan(age_years=70, sensation="reduced", gait_speed_mps=1.0, ankle_df_passive_deg=10)
    assert out["exercises"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sensation", "numb"),
        ("age_years", -1),
        ("age_years", 12.5),
        ("ankle_df_passive_deg", "tight"),
        ("side", "middle"),
        ("cause", "gout"),
    ],
)
def test_bad_new_inputs_are_refused_by_name(field: str, value: Any) -> None:
    bad("plan", {**BASE, field: value}, field)


@pytest.mark.parametrize("age", [3, 10, 15])
def test_a_child_gets_no_adult_program_and_is_told_why(age: int) -> None:
    out = plan(age_years=age)
    assert out["exercises"] == []
    assert "paediatric" in text_of(out["rationale"])


def test_from_sixteen_the_adult_program_is_given() -> None:
    assert plan(age_years=16)["exercises"]


# --- outlook ----------------------------------------------------------------------------------


@pytest.mark.parametrize("cause", PROGRESSIVE)
@pytest.mark.parametrize("severity", ["unknown", "axonotmesis", "neurotmesis"])
def test_progressive_causes_have_no_recovery_window(cause: str, severity: str) -> None:
    out = outlook(cause=cause, severity=severity)
    assert out["expected_weeks"] is None
    assert out["prognosis"] == "progressive"
    words = text_of(out["basis"])
    assert "gets worse" in words
    assert "brace" in words  # what helps instead
    assert out["signs_of_healing"]  # what to watch for


@pytest.mark.parametrize("cause", RELAPSING)
def test_ms_and_polyneuropathy_are_uncertain_with_what_to_watch_for(cause: str) -> None:
    out = outlook(cause=cause)
    assert out["prognosis"] == "uncertain"
    weeks = out["expected_weeks"]
    assert 0 <= weeks["low"] <= weeks["high"]
    assert out["signs_of_healing"]
    assert "worse" in text_of(out["signs_of_healing"])


@pytest.mark.parametrize("cause", ["stroke", "post_operative_sciatic"])
def test_recovering_new_causes_have_a_window(cause: str) -> None:
    out = outlook(cause=cause)
    assert out["prognosis"] != "progressive"
    assert 0 <= out["expected_weeks"]["low"] <= out["expected_weeks"]["high"]


def test_stroke_follows_the_stroke_window_like_the_old_neurological_cause() -> None:
    assert (
        outlook(cause="stroke")["expected_weeks"] == outlook(cause="neurological")["expected_weeks"]
    )


# --- electrical stimulation and progressive causes --------------------------------------------

STIMULATION = ("fes", "electric", "stimulat")
UPPER = ("neurological", "stroke", "multiple_sclerosis")
LOWER = ("peroneal", "lumbar", "motor_neuron_disease", "polyneuropathy", "hereditary_neuropathy")


@pytest.mark.parametrize("cause", UPPER)
@pytest.mark.parametrize("uses_afo", [True, False])
def test_fes_is_suggested_where_the_lower_motor_neuron_is_intact(
    cause: str, uses_afo: bool
) -> None:
    out = plan(cause=cause, uses_afo=uses_afo)
    assert "fes" in text_of(out["bracing"]["reason"])


@pytest.mark.parametrize("cause", [*LOWER, "post_operative_sciatic"])
@pytest.mark.parametrize("changes", [{}, {"uses_afo": True}, {"dorsiflexion_mmt": "1"}])
def test_fes_is_never_suggested_for_nerve_or_motor_neuron_causes(
    cause: str, changes: dict[str, Any]
) -> None:
    words = text_of(plan(cause=cause, **changes)) + " " + text_of(outlook(cause=cause))
    assert not any(word in words for word in STIMULATION), cause


@pytest.mark.parametrize("cause", PROGRESSIVE)
def test_progressive_causes_get_bracing_energy_and_follow_up_not_a_promise(cause: str) -> None:
    out = plan(cause=cause, dorsiflexion_mmt="4", trips_per_week=0)
    assert out["bracing"]["recommend_afo_evaluation"] is True
    safety = text_of(out["precautions"])
    assert "energy" in safety
    assert "specialist" in safety or "team" in safety
    assert "does not promise recovery" in text_of(out["rationale"])


# --- safe calf stretching and the exercise pain rule ------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"cause": "lumbar", "pain_nrs": 0},
        {"cause": "post_operative_sciatic", "pain_nrs": 0},
        {"cause": "peroneal", "pain_nrs": 4},
        {"cause": "stroke", "pain_nrs": 5},
        {"cause": "lumbar", "pain_nrs": 0, "dorsiflexion_arom_deg": 2},
    ],
)
@pytest.mark.parametrize("grade", ["1", "3", "4+"])
def test_nerve_causes_and_pain_get_the_knee_bent_stretch_only(
    changes: dict[str, Any], grade: str
) -> None:
    out = plan(dorsiflexion_mmt=grade, **changes)
    assert "strap_assisted_toe_raises" not in [e["id"] for e in out["exercises"]]
    stretches = [p for p in out["precautions"] if p.lower().startswith("calf stretch")]
    if out["phase"] == 1 or "dorsiflexion_arom_deg" in changes:
        assert stretches
    for text in stretches:
        assert "knee bent" in text
        assert "knee straight" not in text


def test_a_peroneal_cause_with_little_pain_keeps_the_strap_stretch() -> None:
    out = plan(cause="peroneal", pain_nrs=1, dorsiflexion_mmt="1")
    assert "strap_assisted_toe_raises" in [e["id"] for e in out["exercises"]]


def test_one_exercise_pain_rule_in_the_stop_rules_and_the_catalog() -> None:
    for cause in ("peroneal", "lumbar"):
        rules = text_of(plan(cause=cause)["precautions"])
        assert "up to 3 out of 10" in rules
        assert "above 3 out of 10" in rules
        assert "5 out of 10" not in rules


def test_the_catalog_entry_states_the_same_pain_rule() -> None:
    shown = exercise_entry("seated_dorsiflexion")
    assert shown.code == 0, shown.stderr
    words = text_of(shown.json())
    assert "above 3 out of 10" in words
    assert "5 out of 10" not in words


# --- balance and speed cap the phase; sensation; bracing from impairment ----------------------

STRONG: dict[str, Any] = {"dorsiflexion_mmt": "4+", "single_leg_stance_s": 30}


@pytest.mark.parametrize(
    "changes",
    [{"single_leg_stance_s": 4}, {"falls_past_month": 1}, {"gait_speed_mps": 0.7}],
)
def test_poor_balance_or_slow_walking_keeps_standing_work_supported(
    changes: dict[str, Any],
) -> None:
    out = plan(**{**STRONG, **changes})
    assert out["phase"] <= 2
    chosen = [e["id"] for e in out["exercises"]]
    assert "balance_progression" in chosen
    assert not {"single_leg_balance", "heel_walking", "step_taps"} & set(chosen)
    standing = [
        e for e in out["exercises"] if e["id"] in ("balance_progression", "wall_toe_raises")
    ]
    assert standing
    assert all(e["support"] == "hand_support" for e in standing)
    assert "step by step" in text_of(out["rationale"])


def test_good_balance_and_speed_reach_dynamic_stepping() -> None:
    out = plan(**STRONG, gait_speed_mps=1.2)
    assert out["phase"] == 3
    assert "balance_progression" not in [e["id"] for e in out["exercises"]]


def test_the_balance_build_up_goes_from_feet_together_to_one_leg() -> None:
    steps = exercise_entry("balance_progression").json()["steps"]
    text = " ".join(steps).lower()
    order = [
        text.index(w) for w in ("side by side", "beside the big toe", "heel to toe", "weak leg")
    ]
    assert order == sorted(order)


@pytest.mark.parametrize("sensation", ["reduced", "absent"])
def test_reduced_feeling_adds_skin_checks_and_footwear(sensation: str) -> None:
    safety = text_of(plan(sensation=sensation)["precautions"])
    assert "every day" in safety
    assert "shoes" in safety
    assert "cannot warn you" not in text_of(plan(sensation="intact")["precautions"])


@pytest.mark.parametrize(
    "changes",
    [
        {"dorsiflexion_mmt": "2", "trips_per_week": 0},
        {"ankle_df_passive_deg": -5, "trips_per_week": 0},
        {"gait_speed_mps": 0.6, "trips_per_week": 1},
    ],
)
def test_an_afo_assessment_follows_the_impairment_not_only_trips(changes: dict[str, Any]) -> None:
    out = plan(**{"dorsiflexion_mmt": "4", **changes})
    assert out["bracing"]["recommend_afo_evaluation"] is True


def test_no_afo_assessment_without_impairment_or_events() -> None:
    out = plan(dorsiflexion_mmt="4", trips_per_week=0, gait_speed_mps=0.6, ankle_df_passive_deg=5)
    assert out["bracing"]["recommend_afo_evaluation"] is False


# --- lumbar: graded mobility and trunk control as exercises -----------------------------------


@pytest.mark.parametrize("grade", ["0", "3", "5"])
def test_lumbar_programs_hold_real_back_exercises(grade: str) -> None:
    out = plan(cause="lumbar", dorsiflexion_mmt=grade)
    chosen = [e["id"] for e in out["exercises"]]
    assert {"seated_pelvic_tilt", "seated_marching"} <= set(chosen)
    assert len(chosen) <= 6
    for ex_id in ("seated_pelvic_tilt", "seated_marching"):
        entry = exercise_entry(ex_id)
        assert entry.code == 0, entry.stderr


def test_other_causes_do_not_get_the_back_exercises() -> None:
    chosen = [e["id"] for e in plan(cause="peroneal")["exercises"]]
    assert "seated_pelvic_tilt" not in chosen


# --- outlook: complete lesions and factors ----------------------------------------------------


@pytest.mark.parametrize("repair_week", [0, 1, 3])
def test_a_repaired_nerve_cannot_recover_before_regrowth(repair_week: int) -> None:
    out = outlook(
        cause="peroneal",
        severity="neurotmesis",
        weeks_since_onset=4,
        nerve_repair_week=repair_week,
        lesion_to_muscle_cm=5,
    )
    # repair + 2-week start delay + 5 cm at 2 mm/day + 12 weeks of muscle recovery
    assert out["expected_weeks"]["low"] >= repair_week + 2 + 12
    assert out["expected_weeks"]["low"] > 4
    assert str(repair_week) in out["basis"]


def test_a_repair_after_today_is_refused_by_name() -> None:
    bad(
        "outlook",
        {
            "cause": "peroneal",
            "severity": "neurotmesis",
            "weeks_since_onset": 2,
            "nerve_repair_week": 3,
        },
        "nerve_repair_week",
    )


def test_diabetes_and_older_age_make_the_high_end_later_and_say_so() -> None:
    plain = outlook(severity="axonotmesis")
    slower = outlook(severity="axonotmesis", age_years=75, factors={"diabetes": "hinders"})
    assert slower["expected_weeks"]["low"] == plain["expected_weeks"]["low"]
    assert slower["expected_weeks"]["high"] > plain["expected_weeks"]["high"]
    assert "made later" in slower["basis"]


@pytest.mark.parametrize("factor", ["smoking", "sleep", "nutrition", "consistency", "training_age"])
def test_other_seed_factors_change_the_confidence_not_the_weeks(factor: str) -> None:
    plain = outlook(severity="axonotmesis")
    out = outlook(severity="axonotmesis", factors={factor: "hinders"})
    assert out["expected_weeks"] == plain["expected_weeks"]
    assert "later end more likely" in out["basis"]
    assert out["factors_hindering"]
