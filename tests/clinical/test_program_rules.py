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
    raw["causes"]["peroneal"]["precautions"].append("Ask about electrical stimulation.")
    _fails(raw, "causes.peroneal", "electrical stimulation")


def test_fes_note_on_lumbar_is_refused(raw: Any) -> None:
    raw["causes"]["lumbar"]["fes_note"] = "FES may help."
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
