"""``program_rules.yaml``: every threshold sourced, and loud failures on bad data."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from dorsi.catalog.exercises import load_exercises
from dorsi.catalog.load import read_yaml
from dorsi.catalog.sourced import Sourced
from dorsi.clinical.program_rules import CAUSES, ProgramRules, build_rules, load_program_rules
from dorsi.errors import CatalogError


@pytest.fixture
def raw() -> Any:
    return copy.deepcopy(read_yaml("program_rules.yaml"))


def _fails(data: Any, *fragments: str) -> None:
    with pytest.raises(CatalogError) as info:
        build_rules(data, load_exercises())
    assert "program_rules.yaml" in info.value.message
    for fragment in fragments:
        assert fragment in info.value.message, info.value.message


def _sourced(model: Any) -> list[Sourced]:
    found: list[Sourced] = []
    if isinstance(model, Sourced):
        return [model]
    if hasattr(model, "__pydantic_fields__"):
        for name in type(model).model_fields:
            found += _sourced(getattr(model, name))
    elif isinstance(model, dict):
        for value in model.values():
            found += _sourced(value)
    elif isinstance(model, tuple | list):
        for value in model:
            found += _sourced(value)
    return found


def test_shipped_rules_load_and_are_cached() -> None:
    rules = load_program_rules()
    assert isinstance(rules, ProgramRules)
    assert load_program_rules() is rules


def test_every_threshold_has_a_source() -> None:
    numbers = _sourced(load_program_rules())
    assert len(numbers) >= 12
    for number in numbers:
        assert len(number.source) > 20
        assert number.evidence in ("primary", "secondary", "low", "clinician_default")


def test_thresholds_match_the_reference() -> None:
    rules = load_program_rules()
    assert rules.pain.too_much_nrs.value == 6  # > 5/10 "too much" (REFERENCE 3.4)
    assert rules.fall_risk.gait_speed_below_mps.value == 0.76  # PMC4912425 (REFERENCE 2.5)
    assert rules.fall_risk.single_leg_stance_below_s.value == 10  # REFERENCE 2.4
    assert rules.bracing.weak_grade_at_most.grade == "3"  # issue 8
    assert 14 <= rules.review_in_days.usual.value <= 28


def test_every_cause_has_advice() -> None:
    assert set(load_program_rules().causes) == set(CAUSES)


def test_fes_suggested_for_a_peripheral_cause_is_refused(raw: Any) -> None:
    raw["causes"]["peroneal"]["precautions"].append(
        {"en": "Ask about electrical stimulation.", "es": "Pregunte por otra cosa."}
    )
    _fails(raw, "causes.peroneal", "electrical stimulation")


def test_fes_suggested_only_in_spanish_is_refused(raw: Any) -> None:
    raw["causes"]["peroneal"]["precautions"].append(
        {"en": "Ask about something else.", "es": "Pregunte por la estimulación eléctrica."}
    )
    with pytest.raises(CatalogError, match="electrical stimulation"):
        build_rules(raw, load_exercises(), "es")


def test_a_cause_text_without_spanish_is_refused_naming_the_field(raw: Any) -> None:
    raw["causes"]["stroke"]["precautions"][0] = "Only English here."
    _fails(raw, "causes.stroke.precautions.0", "every language")


def test_fes_note_on_lumbar_is_refused(raw: Any) -> None:
    raw["causes"]["lumbar"]["fes_note"] = {"en": "FES may help.", "es": "La FES puede ayudar."}
    _fails(raw, "causes.lumbar")


def test_missing_cause_is_refused(raw: Any) -> None:
    del raw["causes"]["unknown"]
    _fails(raw, "unknown")


def test_phase_priority_must_match_the_catalog(raw: Any) -> None:
    raw["phases"][2]["priority"].remove("heel_walking")
    _fails(raw, "phases.2.priority", "heel_walking")


def test_phase_priority_with_an_exercise_of_another_phase_is_refused(raw: Any) -> None:
    raw["phases"][0]["priority"].append("heel_walking")
    _fails(raw, "phases.0.priority")


def test_phase_grades_must_increase(raw: Any) -> None:
    raw["phases"][2]["min_dorsiflexion_mmt"]["grade"] = "2"
    _fails(raw, "strictly increase")


def test_program_size_outside_the_contract_is_refused(raw: Any) -> None:
    raw["program_size"]["max_exercises"]["value"] = 8
    _fails(raw, "max_exercises")


def test_unsourced_threshold_is_refused(raw: Any) -> None:
    del raw["fall_risk"]["single_leg_stance_below_s"]["source"]
    _fails(raw, "fall_risk.single_leg_stance_below_s.source")


@pytest.mark.parametrize(
    "cause",
    ["motor_neuron_disease", "polyneuropathy", "hereditary_neuropathy", "post_operative_sciatic"],
)
def test_fes_for_a_lower_motor_neuron_cause_is_refused(raw: Any, cause: str) -> None:
    raw["causes"][cause]["fes_note"] = {
        "en": "A small device can stimulate the nerve.",
        "es": "Un aparato pequeño puede estimular el nervio.",
    }
    _fails(raw, f"causes.{cause}", "lower motor neuron")


def test_a_cause_moved_to_the_lower_motor_neuron_loses_its_fes_note(raw: Any) -> None:
    raw["causes"]["stroke"]["motor_neuron"] = "lower"
    _fails(raw, "causes.stroke", "electrical stimulation")


def test_fes_is_named_only_for_upper_motor_neuron_causes() -> None:
    rules = load_program_rules()
    with_fes = {c for c, advice in rules.causes.items() if advice.fes_note}
    upper = {c for c, advice in rules.causes.items() if advice.motor_neuron == "upper"}
    assert with_fes == upper == {"neurological", "stroke", "multiple_sclerosis"}


def test_progressive_and_nerve_tension_causes_are_as_the_issue_names_them() -> None:
    rules = load_program_rules()
    progressive = {c for c, a in rules.causes.items() if a.course == "progressive"}
    relapsing = {c for c, a in rules.causes.items() if a.course == "relapsing"}
    tension = {c for c, a in rules.causes.items() if a.nerve_tension}
    assert progressive == {"motor_neuron_disease", "hereditary_neuropathy"}
    assert relapsing == {"multiple_sclerosis", "polyneuropathy"}
    assert tension == {"lumbar", "post_operative_sciatic"}


def test_ambiguous_cut_offs_say_they_are_clinician_defaults() -> None:
    rules = load_program_rules()
    assert rules.children.adult_program_from_age_years.evidence == "clinician_default"
    assert rules.balance_cap.falls_past_month_at_least.evidence == "clinician_default"
    assert rules.nerve_tension.knee_bent_stretch_from_pain_nrs.evidence == "clinician_default"
    assert rules.bracing.tight_ankle_passive_below_deg.evidence == "clinician_default"


def test_the_balance_build_up_must_be_a_catalog_exercise(raw: Any) -> None:
    raw["balance_cap"]["build_up"] = "tightrope"
    _fails(raw, "balance_cap.build_up")


def test_a_cause_bound_exercise_must_name_a_known_cause() -> None:
    from dorsi.catalog.exercises import build_catalog
    from dorsi.clinical.program_rules import check_against_catalog

    data = copy.deepcopy(read_yaml("exercises.yaml"))
    for item in data["exercises"]:
        if item["id"] == "seated_marching":
            item["only_for_causes"] = ["gout"]
    with pytest.raises(CatalogError) as info:
        check_against_catalog(load_program_rules(), build_catalog(data))
    assert "gout" in info.value.message
