"""The red-flag catalog: complete, consistent with the screening contract, and loud when wrong."""

from __future__ import annotations

import copy
from typing import Any, Literal, get_args, get_origin

import pytest

from dorsi.catalog.load import read_yaml
from dorsi.catalog.red_flags import (
    LEVELS,
    AllOf,
    FieldTest,
    build_catalog,
    load_red_flags,
    severity,
)
from dorsi.clinical.screening import ScreenInput
from dorsi.errors import CatalogError

FILE = "red_flags.yaml"


def _raw() -> dict[str, Any]:
    data = read_yaml(FILE)
    assert isinstance(data, dict)
    return copy.deepcopy(data)


def _rule(raw: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(rule for rule in raw["rules"] if rule["id"] == rule_id)


def _invalid(raw: dict[str, Any]) -> str:
    with pytest.raises(CatalogError) as info:
        build_catalog(raw)
    assert "red_flags.yaml" in info.value.message
    return info.value.message


def test_questions_are_exactly_the_screen_fields_in_form_order() -> None:
    catalog = load_red_flags()
    assert [q.id for q in catalog.questions] == list(ScreenInput.model_fields)


def test_required_questions_match_the_contract() -> None:
    catalog = load_red_flags()
    for question in catalog.questions:
        field = ScreenInput.model_fields[question.id]
        assert question.required == field.is_required(), question.id


def _literal_values(annotation: Any) -> set[str]:
    """The values of a ``Literal`` annotation, also inside ``Literal[...] | None``."""
    if get_origin(annotation) is Literal:
        return set(get_args(annotation))
    return {v for arg in get_args(annotation) for v in _literal_values(arg)}


def test_choice_questions_offer_exactly_the_contract_values() -> None:
    catalog = load_red_flags()
    for question in catalog.questions:
        if question.kind != "choice":
            continue
        annotation = ScreenInput.model_fields[question.id].annotation
        assert set(question.values) == _literal_values(annotation), question.id
        assert all(choice.label for choice in question.choices)


def test_count_maximums_match_the_contract() -> None:
    catalog = load_red_flags()
    for question in catalog.questions:
        if question.kind not in ("count", "number"):
            continue
        metadata = ScreenInput.model_fields[question.id].metadata
        le = [m.le for m in metadata if hasattr(m, "le")]
        assert le == [question.maximum], question.id


def test_issue_8_optional_questions_are_all_present() -> None:
    named_in_issue_8 = {
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
    }
    added_by_dorsi = {
        "spinal_or_epidural_anaesthesia_within_4_days",
        "increasing_leg_pain_or_swelling",
        "fall_with_head_strike",
        "wound_fever_or_spreading_redness",
        "breathless_lying_flat",
    }
    named_in_issue_17 = {
        "stroke_ruled_out_by_physician",
        "stroke_signs_long_standing",
        "weeks_since_injury_or_surgery",
        "pain_both_legs",
        "severe_leg_pain_without_injury",
        "dorsiflexion_mmt",
        "numbness_long_standing",
    }
    assert set(load_red_flags().optional_ids) == (
        named_in_issue_8 | added_by_dorsi | named_in_issue_17
    )


def test_every_question_has_patient_and_clinician_words() -> None:
    for question in load_red_flags().questions:
        assert question.question.endswith("?"), question.id
        assert len(question.help) >= 10
        assert question.clinician


def test_every_rule_is_sourced_and_every_level_has_rules() -> None:
    catalog = load_red_flags()
    for rule in catalog.rules:
        assert rule.sources, rule.id
        assert rule.reason
        assert rule.advice
        assert rule.rationale
    assert {rule.level for rule in catalog.rules} == set(LEVELS) - {"proceed"}


def test_levels_are_ordered_most_severe_first() -> None:
    catalog = load_red_flags()
    assert tuple(info.level for info in catalog.levels) == LEVELS
    assert [severity(level) for level in LEVELS] == [3, 2, 1, 0]


def test_emergency_advice_says_call_do_not_drive_and_note_the_time() -> None:
    advice = load_red_flags().level_info("emergency").advice
    assert "911" in advice
    assert "Do not drive yourself" in advice
    assert "time" in advice


def test_loader_is_cached() -> None:
    assert load_red_flags() is load_red_flags()


def test_absent_answer_never_satisfies_a_test() -> None:
    test = FieldTest.model_validate({"field": "diabetes", "is": True})
    assert test.holds({"diabetes": True})
    assert not test.holds({"diabetes": None})
    assert not test.holds({})


def test_boolean_test_does_not_match_the_number_one() -> None:
    test = FieldTest.model_validate({"field": "diabetes", "is": True})
    assert not test.holds({"diabetes": 1})


def test_count_tests_compare_numbers() -> None:
    at_least = FieldTest.model_validate(
        {"field": "falls_past_month", "at_least": 2, "source": "x" * 5, "evidence": "low"}
    )
    assert at_least.holds({"falls_past_month": 2})
    assert not at_least.holds({"falls_past_month": 1})
    assert not at_least.holds({"falls_past_month": True})
    at_most = FieldTest.model_validate(
        {"field": "days_since_onset", "at_most": 5, "source": "x" * 5, "evidence": "low"}
    )
    assert at_most.holds({"days_since_onset": 5})
    assert not at_most.holds({"days_since_onset": 6})


# ---- the loader refuses bad data, naming the file and the problem ---------------------------


def test_unknown_field_in_a_rule_is_refused() -> None:
    raw = _raw()
    _rule(raw, "severe_numbness")["when"] = {"field": "no_such_question", "is": True}
    assert "no_such_question" in _invalid(raw)


def test_testing_the_reassuring_answer_is_refused() -> None:
    raw = _raw()
    _rule(raw, "severe_numbness")["when"] = {"field": "severe_numbness", "is": False}
    assert "concerning answer" in _invalid(raw)


def test_choice_slice_that_is_not_upward_closed_is_refused() -> None:
    raw = _raw()
    _rule(raw, "worsening")["when"] = {"field": "weakness_trend", "in": ["worsening"]}
    assert "ordered by concern" in _invalid(raw)


def test_unknown_choice_value_is_refused() -> None:
    raw = _raw()
    _rule(raw, "worsening")["when"] = {"field": "weakness_trend", "is": "terrible"}
    assert "choose from" in _invalid(raw)


def test_at_most_on_a_count_where_more_is_worse_is_refused() -> None:
    raw = _raw()
    _rule(raw, "falls_past_month")["when"] = {
        "field": "falls_past_month",
        "at_most": 3,
        "source": "somewhere",
        "evidence": "low",
    }
    assert "only at_least" in _invalid(raw)


def test_numeric_test_without_source_is_refused() -> None:
    raw = _raw()
    _rule(raw, "falls_past_month")["when"] = {"field": "falls_past_month", "at_least": 1}
    assert "source" in _invalid(raw)


def test_test_with_two_comparisons_is_refused() -> None:
    raw = _raw()
    _rule(raw, "worsening")["when"] = {
        "field": "weakness_trend",
        "is": "worsening",
        "in": ["worsening", "rapidly_worsening"],
    }
    assert "exactly one of" in _invalid(raw)


def test_rule_without_sources_is_refused() -> None:
    raw = _raw()
    _rule(raw, "worsening")["sources"] = []
    assert "sources" in _invalid(raw)


def test_rule_at_level_proceed_is_refused() -> None:
    raw = _raw()
    _rule(raw, "worsening")["level"] = "proceed"
    assert "level" in _invalid(raw)


def test_covering_a_more_severe_rule_is_refused() -> None:
    raw = _raw()
    _rule(raw, "worsening")["covers"] = ["rapidly_worsening"]
    assert "its level or lower" in _invalid(raw)


def test_covering_an_unknown_rule_is_refused() -> None:
    raw = _raw()
    _rule(raw, "worsening")["covers"] = ["nope"]
    assert "unknown rule" in _invalid(raw)


def test_duplicate_rule_ids_are_refused() -> None:
    raw = _raw()
    raw["rules"].append(copy.deepcopy(_rule(raw, "worsening")))
    assert "unique" in _invalid(raw)


def test_levels_out_of_order_are_refused() -> None:
    raw = _raw()
    raw["levels"].reverse()
    assert "levels must be exactly" in _invalid(raw)


def test_choice_question_without_choices_is_refused() -> None:
    raw = _raw()
    raw["questions"][0]["choices"] = []
    assert "at least two choices" in _invalid(raw)


def test_unknown_key_is_refused() -> None:
    raw = _raw()
    _rule(raw, "worsening")["colour"] = "red"
    assert "colour" in _invalid(raw)


def test_patient_words_read_at_grade_8_or_lower() -> None:
    """Questions, help, reasons and advice are for patients, often older or after a stroke."""
    from tests.education.readability import MAX_GRADE, score_texts, too_hard

    catalog = load_red_flags()
    texts: list[tuple[str, str]] = []
    for question in catalog.questions:
        texts += [(f"{question.id}.question", question.question)]
        texts += [(f"{question.id}.help", question.help)]
        texts += [(f"{question.id}.{c.value}", c.label) for c in question.choices]
    for rule in catalog.rules:
        texts += [(f"{rule.id}.reason", rule.reason), (f"{rule.id}.advice", rule.advice)]
    for info in catalog.levels:
        texts += [(f"{info.level}.advice", info.advice), (f"{info.level}.title", info.title)]
    texts += [("proceed_reason", catalog.proceed_reason), ("unanswered", catalog.unanswered_note)]
    hard = too_hard(score_texts(texts))
    assert hard == [], [f"{s.label}: grade {s.grade:.1f} > {MAX_GRADE}" for s in hard]


# ---- issue 17: answers that soften a rule (long-standing, ruled out, weeks since) ----------

_LONG_STANDING = {"field": "stroke_signs_long_standing", "is": False}


def test_a_softening_answer_used_in_a_rule_it_does_not_name_is_refused() -> None:
    raw = _raw()
    rule = _rule(raw, "cauda_equina_saddle_numbness")
    rule["when"] = {"all": [rule["when"], _LONG_STANDING]}
    assert "does not list this rule in softens" in _invalid(raw)


def test_a_softening_answer_nested_in_any_is_refused() -> None:
    raw = _raw()
    rule = _rule(raw, "stroke_face_droop")
    rule["when"] = {"all": [{"field": "face_droop", "is": True}, {"any": [_LONG_STANDING]}]}
    assert "directly in the rule's all" in _invalid(raw)


def test_a_rule_made_only_of_softening_answers_is_refused() -> None:
    raw = _raw()
    _rule(raw, "stroke_face_droop")["when"] = {"all": [_LONG_STANDING]}
    assert "needs a warning sign" in _invalid(raw)


def test_a_softening_answer_tested_on_its_reassuring_side_is_refused() -> None:
    raw = _raw()
    _rule(raw, "stroke_face_droop")["when"]["all"][1] = {
        "field": "stroke_signs_long_standing",
        "is": True,
    }
    assert "concerning answer" in _invalid(raw)


def test_weeks_since_the_event_tested_with_at_least_is_refused() -> None:
    raw = _raw()
    window = _rule(raw, "knee_dislocation_or_leg_fracture")["when"]["all"][1]
    window["at_least"] = window.pop("at_most")
    assert "at_most only" in _invalid(raw)


def test_a_softening_question_naming_an_unknown_rule_is_refused() -> None:
    raw = _raw()
    question = next(q for q in raw["questions"] if q["id"] == "numbness_long_standing")
    question["softens"] = ["nope"]
    assert "softens unknown rule" in _invalid(raw)


def test_every_time_window_names_its_source_and_evidence() -> None:
    """Windows on days or weeks since an event carry a source; defaults say so."""
    catalog = load_red_flags()

    def tests(cond: Any) -> list[FieldTest]:
        if isinstance(cond, FieldTest):
            return [cond]
        parts = cond.all if isinstance(cond, AllOf) else cond.any
        return [t for part in parts for t in tests(part)]

    windows = [
        t
        for rule in catalog.rules
        for t in tests(rule.when)
        if t.field in ("days_since_onset", "weeks_since_injury_or_surgery")
    ]
    assert len(windows) >= 6
    for window in windows:
        assert window.source
        assert window.evidence
        if window.evidence == "clinician_default":
            assert "default" in window.source.lower()
