"""Red-flag triage: every rule of issues 2 and 8, and every error path of the contract."""

from __future__ import annotations

from typing import Any

import pytest

from dorsi.catalog.red_flags import load_red_flags
from dorsi.clinical.contract import parse
from dorsi.clinical.screening import (
    ScreenInput,
    ScreenOutput,
    matched_rules,
    render_text,
    shown_rules,
    triage,
)
from dorsi.errors import InputError
from tests.screen_answers import STABLE_ANSWERS

OPTIONAL = load_red_flags().optional_ids
# Follow-up questions ("did you hit your head?") are only listed once their parent is a yes.
FIRST_LEVEL = tuple(
    q.id for q in load_red_flags().questions if not q.required and not q.follow_up_of
)


def stable(**changes: Any) -> dict[str, Any]:
    """A stable, already-evaluated patient with no flags (issue 2: must get proceed)."""
    answers: dict[str, Any] = dict(STABLE_ANSWERS)
    answers.update(changes)
    return answers


def _answered_no(question_id: str) -> Any:
    """A "no" to every optional question: a week-0 event and a full-strength grade where the
    question is not yes/no (so the windows stay open and nothing is unanswered)."""
    question = load_red_flags().question(question_id)
    if question.kind == "boolean":
        return False
    if question.kind == "number":
        return 0
    return question.values[0]


def all_answered(**changes: Any) -> dict[str, Any]:
    return stable(**{qid: _answered_no(qid) for qid in OPTIONAL} | changes)


def screen(answers: dict[str, Any]) -> ScreenOutput:
    return triage(parse(ScreenInput, answers))


def rule_ids(answers: dict[str, Any]) -> set[str]:
    return {rule.id for rule in matched_rules(parse(ScreenInput, answers))}


# ---- proceed --------------------------------------------------------------------------------


def test_stable_evaluated_patient_without_flags_proceeds() -> None:
    result = screen(stable())
    assert result.level == "proceed"
    assert result.program_paused is False
    assert result.reasons == [load_red_flags().proceed_reason]
    assert result.unanswered == list(FIRST_LEVEL)
    assert "not answered" in result.advice


def test_improving_evaluated_patient_with_everything_answered_no_proceeds() -> None:
    result = screen(all_answered(weakness_trend="improving", balance_affected="somewhat"))
    assert result.level == "proceed"
    assert result.unanswered == []
    assert "not answered" not in result.advice


def test_sudden_onset_with_stroke_ruled_out_by_a_physician_and_stable_proceeds() -> None:
    answers = stable(
        foot_drop_onset="sudden", days_since_onset=2, stroke_ruled_out_by_physician=True
    )
    assert screen(answers).level == "proceed"


def test_sudden_onset_evaluated_only_by_a_therapist_in_72_hours_is_an_emergency() -> None:
    answers = stable(
        foot_drop_onset="sudden", days_since_onset=2, stroke_ruled_out_by_physician=False
    )
    assert screen(answers).level == "emergency"
    assert screen(stable(foot_drop_onset="sudden", days_since_onset=2)).level == "emergency"


def test_output_dumps_to_exactly_the_contract_keys() -> None:
    dumped = screen(stable()).model_dump(mode="json")
    assert set(dumped) == {"level", "reasons", "advice", "program_paused", "unanswered"}


# ---- emergency ------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [0, 3])
def test_sudden_onset_not_evaluated_is_an_emergency(days: int) -> None:
    result = screen(
        stable(foot_drop_onset="sudden", evaluated_by_clinician=False, days_since_onset=days)
    )
    assert result.level == "emergency"
    assert result.program_paused is True
    assert "suddenly" in result.reasons[0]


@pytest.mark.parametrize("days", [4, 30, 400])
def test_sudden_onset_seen_only_by_a_therapist_after_72_hours_is_see_clinician(days: int) -> None:
    result = screen(stable(foot_drop_onset="sudden", days_since_onset=days))
    assert result.level == "see_clinician"
    assert "suddenly" in result.reasons[0]


@pytest.mark.parametrize(("days", "level"), [(4, "urgent"), (84, "urgent"), (85, "see_clinician")])
def test_sudden_onset_never_evaluated_is_urgent_for_weeks_then_see_clinician(
    days: int, level: str
) -> None:
    answers = stable(foot_drop_onset="sudden", evaluated_by_clinician=False, days_since_onset=days)
    result = screen(answers)
    assert result.level == level
    assert "suddenly" in result.reasons[0]


def test_emergency_advice_says_what_to_do_now() -> None:
    advice = screen(stable(face_droop=True)).advice
    assert "911" in advice
    assert "Do not drive yourself" in advice
    assert "time the signs started" in advice


def test_emergency_advice_does_not_ask_for_unanswered_questions() -> None:
    result = screen(stable(face_droop=True))
    assert result.unanswered == list(FIRST_LEVEL)
    assert "not answered" not in result.advice


def test_rapidly_worsening_is_an_emergency_even_when_evaluated() -> None:
    result = screen(stable(weakness_trend="rapidly_worsening"))
    assert result.level == "emergency"
    assert len(result.reasons) == 1, "the see_clinician 'worsening' reason is covered"


@pytest.mark.parametrize("flag", ["face_droop", "arm_weakness", "speech_difficulty", "vision_loss"])
def test_each_stroke_sign_is_an_emergency(flag: str) -> None:
    result = screen(stable(**{flag: True}))
    assert result.level == "emergency"
    assert "stroke" in result.reasons[0]


@pytest.mark.parametrize("flag", ["saddle_numbness", "bladder_or_bowel_change"])
def test_each_cauda_equina_sign_is_an_emergency(flag: str) -> None:
    result = screen(stable(**{flag: True}))
    assert result.level == "emergency"
    assert "MRI" in result.advice


def test_injury_with_severe_pain_or_swelling_is_an_emergency() -> None:
    result = screen(stable(injury_with_severe_pain_or_swelling=True))
    assert result.level == "emergency"
    assert "pressure" in result.reasons[0].lower()


@pytest.mark.parametrize(
    "changes",
    [
        {"evaluated_by_clinician": False, "days_since_onset": 400},
        {"days_since_onset": 10},
        {"days_since_onset": 42},
        {"weakness_trend": "worsening", "days_since_onset": 400},
    ],
    ids=["not-evaluated", "recent", "six-weeks", "worsening"],
)
def test_both_legs_weak_is_an_emergency_when_new_or_worsening(changes: dict[str, Any]) -> None:
    result = screen(stable(both_legs_weak=True, **changes))
    assert result.level == "emergency"
    assert "both_legs_new_or_worsening" in rule_ids(stable(both_legs_weak=True, **changes))


@pytest.mark.parametrize("trend", ["stable", "improving"])
def test_long_standing_evaluated_bilateral_weakness_is_see_clinician(trend: str) -> None:
    result = screen(stable(both_legs_weak=True, days_since_onset=43, weakness_trend=trend))
    assert result.level == "see_clinician"
    assert result.program_paused is True
    assert any("Both legs" in reason for reason in result.reasons)


# ---- urgent ---------------------------------------------------------------------------------


def test_severe_numbness_is_urgent() -> None:
    result = screen(stable(severe_numbness=True))
    assert result.level == "urgent"
    assert "today" in result.advice


def test_worsening_with_back_pain_is_urgent() -> None:
    result = screen(stable(weakness_trend="worsening", back_pain_with_weakness=True))
    assert result.level == "urgent"
    assert len(result.reasons) == 1


def test_back_pain_in_a_stable_evaluated_patient_alone_proceeds() -> None:
    assert screen(stable(back_pain_with_weakness=True)).level == "proceed"


def test_unevaluated_foot_drop_with_back_pain_is_urgent() -> None:
    result = screen(stable(evaluated_by_clinician=False, back_pain_with_weakness=True))
    assert result.level == "urgent"


# ---- see_clinician --------------------------------------------------------------------------


def test_worsening_without_back_pain_is_see_clinician_and_pauses() -> None:
    result = screen(stable(weakness_trend="worsening"))
    assert result.level == "see_clinician"
    assert result.program_paused is True
    assert "Pause the home exercises" in result.advice


@pytest.mark.parametrize("days", [0, 2, 5, 30])
def test_gradual_weakness_not_yet_evaluated_is_see_clinician(days: int) -> None:
    result = screen(stable(evaluated_by_clinician=False, days_since_onset=days))
    assert result.level == "see_clinician"
    assert "few days" in result.reasons[0]


def test_balance_significantly_affected_is_see_clinician() -> None:
    assert screen(stable(balance_affected="significantly")).level == "see_clinician"


def test_balance_somewhat_affected_alone_proceeds() -> None:
    assert screen(stable(balance_affected="somewhat")).level == "proceed"


@pytest.mark.parametrize("falls", [1, 4])
def test_a_fall_in_the_past_month_is_see_clinician(falls: int) -> None:
    result = screen(stable(falls_past_month=falls))
    assert result.level == "see_clinician"
    assert "fallen" in result.reasons[0]


def test_falls_while_anticoagulated_are_urgent() -> None:
    result = screen(stable(falls_past_month=1, anticoagulated=True))
    assert result.level == "urgent"
    assert len(result.reasons) == 1, "the plain fall reason is covered"


# ---- issue 8: the new optional questions ----------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "level"),
    [
        ({"recent_hip_knee_or_spine_surgery": True}, "urgent"),
        ({"recent_hip_knee_or_spine_surgery": True, "anticoagulated": True}, "emergency"),
        # Issue 17: routine anticoagulation after surgery, improving, is not an emergency.
        (
            {
                "recent_hip_knee_or_spine_surgery": True,
                "anticoagulated": True,
                "weakness_trend": "improving",
            },
            "urgent",
        ),
        (
            {
                "recent_hip_knee_or_spine_surgery": True,
                "anticoagulated": True,
                "weakness_trend": "worsening",
            },
            "emergency",
        ),
        (
            {"recent_hip_knee_or_spine_surgery": True, "increasing_leg_pain_or_swelling": True},
            "emergency",
        ),
        ({"spinal_or_epidural_anaesthesia_within_4_days": True}, "emergency"),
        (
            {
                "recent_hip_knee_or_spine_surgery": True,
                "spinal_or_epidural_anaesthesia_within_4_days": True,
            },
            "emergency",
        ),
        ({"increasing_leg_pain_or_swelling": True}, "urgent"),
        ({"knee_dislocation_or_leg_fracture": True}, "emergency"),
        ({"tight_cast_or_brace": True}, "urgent"),
        ({"tight_cast_or_brace": True, "anticoagulated": True}, "emergency"),
        ({"cold_pale_or_pulseless_foot": True}, "emergency"),
        ({"fever_or_infection_risk_with_back_pain": True}, "emergency"),
        ({"cancer_history_with_new_back_pain": True}, "emergency"),
        ({"ascending_tingling_after_infection": True}, "emergency"),
        ({"anticoagulated": True}, "proceed"),
        ({"fall_with_head_strike": True}, "urgent"),
        ({"fall_with_head_strike": True, "anticoagulated": True}, "emergency"),
        ({"diabetes": True}, "see_clinician"),
        ({"foot_wound": True}, "see_clinician"),
        ({"diabetes": True, "foot_wound": True}, "urgent"),
        ({"wound_fever_or_spreading_redness": True}, "emergency"),
        (
            {"diabetes": True, "foot_wound": True, "wound_fever_or_spreading_redness": True},
            "emergency",
        ),
        ({"brace_pressure_sore": True}, "see_clinician"),
        ({"brace_pressure_sore": True, "diabetes": True}, "urgent"),
        ({"swallowing_or_breathing_change": True}, "urgent"),
        ({"breathless_lying_flat": True}, "emergency"),
        ({"swallowing_or_breathing_change": True, "breathless_lying_flat": True}, "emergency"),
    ],
)
def test_issue_8_questions_give_their_levels(changes: dict[str, Any], level: str) -> None:
    assert screen(all_answered(**changes)).level == level
    assert screen(stable(**changes)).level == level, "the unanswered rest does not change it"


def test_injury_while_anticoagulated_stays_an_emergency() -> None:
    assert screen(stable(injury_with_severe_pain_or_swelling=True, anticoagulated=True)).level == (
        "emergency"
    )


def test_head_strike_while_anticoagulated_reason_mentions_both() -> None:
    result = screen(stable(fall_with_head_strike=True, anticoagulated=True, falls_past_month=1))
    assert len(result.reasons) == 1
    assert "blood thinner" in result.reasons[0]
    assert "hit your head" in result.reasons[0]


# ---- reasons, advice and unanswered ---------------------------------------------------------


def test_reasons_name_every_trigger_most_severe_first() -> None:
    answers = stable(
        face_droop=True,
        severe_numbness=True,
        balance_affected="significantly",
        falls_past_month=2,
    )
    result = screen(answers)
    assert result.level == "emergency"
    assert len(result.reasons) == 4
    assert "stroke" in result.reasons[0]
    assert "numb" in result.reasons[1]
    levels = [rule.level for rule in shown_rules(parse(ScreenInput, answers))]
    assert levels == ["emergency", "urgent", "see_clinician", "see_clinician"]


def test_advice_includes_the_advice_of_every_top_level_rule_once() -> None:
    result = screen(stable(face_droop=True, arm_weakness=True))
    assert result.advice.count("Stroke treatment works only in the first hours") == 1


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"severe_numbness": True}, "within a day"),
        ({"weakness_trend": "worsening"}, "next few days"),
        ({}, "go on with your home program"),
    ],
)
def test_each_level_has_its_advice(changes: dict[str, Any], words: str) -> None:
    assert words in screen(all_answered(**changes)).advice


def test_unanswered_lists_absent_and_null_optional_answers_in_form_order() -> None:
    answers = all_answered()
    del answers["diabetes"]
    answers["anticoagulated"] = None
    assert screen(answers).unanswered == ["anticoagulated", "diabetes"]


def test_text_output_is_readable_and_lists_unanswered_questions() -> None:
    text = render_text(screen(stable(balance_affected="significantly")))
    assert text.startswith("See your doctor or physical therapist soon")
    assert "What to do now:" in text
    assert "Why:" in text
    assert "paused" in text
    assert "Do you take a blood thinner?" in text
    assert "anticoagulated" not in text, "question text, not ids"


def test_text_output_for_an_emergency_is_loud_and_short() -> None:
    text = render_text(screen(stable(speech_difficulty=True)))
    assert text.startswith("EMERGENCY")
    assert "Questions not answered" not in text


def test_text_output_for_proceed_says_the_program_goes_on() -> None:
    assert "program can go on" in render_text(screen(all_answered()))


# ---- bad input: one clear error naming the field --------------------------------------------


@pytest.mark.parametrize(
    ("answers", "field", "words"),
    [
        (
            {k: v for k, v in stable().items() if k != "weakness_trend"},
            "weakness_trend",
            "required",
        ),
        (stable(colour="red"), "colour", "not a known field"),
        (stable(face_droop="yes"), "face_droop", "boolean"),
        (stable(face_droop=1), "face_droop", "boolean"),
        (stable(days_since_onset=-1), "days_since_onset", "greater than or equal to 0"),
        (stable(days_since_onset=2.5), "days_since_onset", "integer"),
        (stable(days_since_onset="3"), "days_since_onset", "integer"),
        (stable(falls_past_month=1001), "falls_past_month", "less than or equal"),
        (stable(foot_drop_onset="slow"), "foot_drop_onset", "'sudden' or 'gradual'"),
        (stable(weakness_trend="bad"), "weakness_trend", "rapidly_worsening"),
        (stable(balance_affected=False), "balance_affected", "significantly"),
        (stable(diabetes="no"), "diabetes", "boolean"),
    ],
)
def test_bad_input_names_the_field(answers: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(InputError) as info:
        parse(ScreenInput, answers)
    assert info.value.field == field
    assert words in info.value.message


@pytest.mark.parametrize("raw", ["[]", "not json", "{"])
def test_input_that_is_not_one_json_object_is_refused(raw: str) -> None:
    with pytest.raises(InputError) as info:
        parse(ScreenInput, raw)
    assert info.value.field == "(input)"


# ---- follow-up questions -------------------------------------------------------------------

ISSUE_17_FIELDS = (
    "stroke_ruled_out_by_physician",
    "stroke_signs_long_standing",
    "pain_both_legs",
    "severe_leg_pain_without_injury",
    "weeks_since_injury_or_surgery",
    "dorsiflexion_mmt",
    "numbness_long_standing",
)
ISSUE_8_FIELDS = (
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


def test_every_issue_8_question_answered_no_leaves_only_later_questions_unanswered() -> None:
    result = screen(stable(**dict.fromkeys(ISSUE_8_FIELDS, False)))
    assert result.unanswered == list(ISSUE_17_FIELDS)
    assert result.level == "proceed"
    assert screen(all_answered()).unanswered == []


@pytest.mark.parametrize(
    ("parent", "follow_up"),
    [
        (
            {"recent_hip_knee_or_spine_surgery": True},
            "spinal_or_epidural_anaesthesia_within_4_days",
        ),
        ({"recent_hip_knee_or_spine_surgery": True}, "increasing_leg_pain_or_swelling"),
        ({"falls_past_month": 1}, "fall_with_head_strike"),
        ({"foot_wound": True}, "wound_fever_or_spreading_redness"),
        ({"swallowing_or_breathing_change": True}, "breathless_lying_flat"),
    ],
)
def test_a_follow_up_is_asked_once_its_parent_is_a_yes(
    parent: dict[str, object], follow_up: str
) -> None:
    answers = dict.fromkeys(ISSUE_8_FIELDS, False) | parent
    assert follow_up in screen(stable(**answers)).unanswered
    assert follow_up not in screen(stable(**dict.fromkeys(ISSUE_8_FIELDS, False))).unanswered


def test_a_follow_up_answered_yes_counts_even_when_its_parent_is_no() -> None:
    answers = dict.fromkeys(ISSUE_8_FIELDS, False)
    result = screen(stable(**answers, spinal_or_epidural_anaesthesia_within_4_days=True))
    assert result.level == "emergency"
