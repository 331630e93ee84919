"""The exercise catalog: content, plain language, and loud failures on bad data."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from dorsi.catalog.exercises import (
    EXERCISE_IDS,
    ExerciseCatalog,
    build_catalog,
    load_exercises,
)
from dorsi.catalog.load import read_yaml
from dorsi.catalog.mmt import GRADES, at_least
from dorsi.errors import CatalogError, NotFoundError

FIXED_IDS = {
    "seated_dorsiflexion",
    "band_dorsiflexion",
    "wall_toe_raises",
    "heel_walking",
    "ankle_alphabet",
    "towel_scrunches",
    "step_taps",
    "single_leg_balance",
    "yoga_toe_lifts",
    "strap_assisted_toe_raises",
}
#: Added by issue 17: the step-by-step balance build-up and the two lumbar back exercises.
ADDED_IDS = {"balance_progression", "seated_pelvic_tilt", "seated_marching"}


@pytest.fixture(scope="module")
def catalog() -> ExerciseCatalog:
    return load_exercises()


@pytest.fixture
def raw() -> Any:
    return copy.deepcopy(read_yaml("exercises.yaml"))


def _exercise(raw: Any, exercise_id: str) -> dict[str, Any]:
    for item in raw["exercises"]:
        if item["id"] == exercise_id:
            return item  # type: ignore[no-any-return]
    raise AssertionError(exercise_id)


def test_the_ten_fixed_ids_and_the_added_ones_are_there_once(catalog: ExerciseCatalog) -> None:
    assert set(catalog.ids) == FIXED_IDS | ADDED_IDS
    assert len(catalog.ids) == len(FIXED_IDS) + len(ADDED_IDS)
    assert set(EXERCISE_IDS) == FIXED_IDS | ADDED_IDS


def test_only_the_back_exercises_are_tied_to_a_cause(catalog: ExerciseCatalog) -> None:
    tied = {e.id: e.only_for_causes for e in catalog.exercises if e.only_for_causes}
    assert tied == {"seated_pelvic_tilt": ("lumbar",), "seated_marching": ("lumbar",)}
    foci = {catalog.get(i).kind.focus for i in tied}
    assert foci == {"back_mobility", "trunk_control"}


def test_loader_is_cached() -> None:
    assert load_exercises() is load_exercises()


def test_every_entry_is_complete(catalog: ExerciseCatalog) -> None:
    for e in catalog.exercises:
        assert e.name
        assert e.purpose
        assert e.starting_position
        assert len(e.steps) >= 2
        assert e.form_cues
        assert e.common_mistakes
        assert e.phases
        assert set(e.phases) <= {1, 2, 3}
        assert e.dosage.sets.value >= 1
        assert e.dosage.days_per_week.value <= 7
        assert (e.dosage.reps is None) != (e.dosage.hold_s is None), e.id


def test_every_dosage_number_has_a_source(catalog: ExerciseCatalog) -> None:
    for e in catalog.exercises:
        d = e.dosage
        for item in (d.sets, d.reps, d.hold_s, d.rest_s, d.days_per_week):
            if item is not None:
                assert len(item.source) > 10, e.id
                assert item.evidence in ("primary", "secondary", "low", "clinician_default")


def test_stop_rules_always_cover_weakness_balance_and_pain(catalog: ExerciseCatalog) -> None:
    for e in catalog.exercises:
        text = " ".join(e.stop_rules).lower()
        assert "weakness" in text, e.id
        assert "gets worse" in text, e.id
        assert "balance" in text, e.id
        assert "pain" in text, e.id
        assert len(e.stop_rules) > len(catalog.common_stop_rules), e.id


def test_minimum_grades_are_marked_as_clinician_defaults(catalog: ExerciseCatalog) -> None:
    # REFERENCE 8.1: no source gives a minimum grade per exercise.
    for e in catalog.exercises:
        assert e.prerequisites.min_dorsiflexion_mmt.evidence == "clinician_default", e.id
        assert len(e.prerequisites.min_dorsiflexion_mmt.reason) > 40, e.id


def test_safety_review_rules_are_in_the_data(catalog: ExerciseCatalog) -> None:
    band = catalog.get("band_dorsiflexion")
    assert band.kind.resisted
    assert band.min_grade == "3"
    heel = catalog.get("heel_walking")
    assert heel.prerequisites.hand_support_below_mmt == "3+"
    for grade in GRADES:
        if at_least(grade, heel.min_grade) and not at_least(grade, "3+"):
            assert heel.prerequisites.support_for(grade, fall_risk=False) == "hand_support"


def test_only_the_band_exercise_is_resisted(catalog: ExerciseCatalog) -> None:
    assert [e.id for e in catalog.exercises if e.kind.resisted] == ["band_dorsiflexion"]


def test_resisted_and_weight_bearing_work_needs_against_gravity_strength(
    catalog: ExerciseCatalog,
) -> None:
    for e in catalog.exercises:
        if e.kind.resisted:
            assert at_least(e.min_grade, "3"), e.id
        if e.kind.weight_bearing_dorsiflexion:
            assert at_least(e.min_grade, "3-"), e.id


def test_standing_and_stepping_work_needs_support_with_fall_risk(catalog: ExerciseCatalog) -> None:
    for e in catalog.exercises:
        if e.kind.position != "seated":
            assert e.prerequisites.needs_standing_balance
            assert e.prerequisites.support_with_fall_risk != "none"
            for grade in GRADES:
                assert e.prerequisites.support_for(grade, fall_risk=True) != "none"


def test_towel_scrunches_are_honest_about_what_they_train(catalog: ExerciseCatalog) -> None:
    towel = catalog.get("towel_scrunches")
    purpose = towel.purpose.lower()
    assert "toe" in purpose
    assert "not the muscles that lift your foot" in purpose
    assert towel.kind.focus == "toe_control"
    assert "not the muscles that lift your foot" in towel.summary().lower()


def test_equipment_matches_the_contract_names(catalog: ExerciseCatalog) -> None:
    needs = {e.id: set(e.equipment) for e in catalog.exercises}
    assert needs["band_dorsiflexion"] == {"resistance_band"}
    assert needs["strap_assisted_toe_raises"] == {"strap"}
    assert needs["towel_scrunches"] == {"towel"}
    assert needs["step_taps"] == {"step"}
    assert needs["wall_toe_raises"] == {"wall"}


def test_regressions_and_progressions_point_to_real_easier_or_harder_work(
    catalog: ExerciseCatalog,
) -> None:
    for e in catalog.exercises:
        if e.regresses_to is not None:
            easier = catalog.get(e.regresses_to)
            assert at_least(e.min_grade, easier.min_grade)
        if e.progresses_to is not None:
            assert catalog.get(e.progresses_to).id != e.id


def test_get_unknown_id_lists_the_valid_ids(catalog: ExerciseCatalog) -> None:
    with pytest.raises(NotFoundError) as info:
        catalog.get("toe_yoga")
    for exercise_id in FIXED_IDS:
        assert exercise_id in info.value.message
    assert "\n" not in info.value.message


# ---- plain language ----------------------------------------------------------------------


def test_patient_text_reads_at_grade_8_or_below(catalog: ExerciseCatalog) -> None:
    from tests.education.readability import score_texts, too_hard

    for e in catalog.exercises:
        texts = [e.purpose, e.starting_position, *e.steps, *e.form_cues, *e.common_mistakes]
        texts += [*e.stop_rules, e.name]
        hard = [(round(s.grade, 1), s.text) for s in too_hard(score_texts(texts, group=e.id))]
        assert hard == [], e.id


def test_sentences_are_short(catalog: ExerciseCatalog) -> None:
    for e in catalog.exercises:
        for text in (e.purpose, e.starting_position, *e.steps, *e.form_cues):
            for sentence in re.split(r"(?<=[.!?])\s+", text):
                assert len(sentence.split()) <= 22, (e.id, sentence)


# ---- loud failures -----------------------------------------------------------------------


def _fails(data: Any, *fragments: str) -> None:
    with pytest.raises(CatalogError) as info:
        build_catalog(data)
    message = info.value.message
    assert "exercises.yaml" in message
    for fragment in fragments:
        assert fragment in message, message


def test_unknown_progression_id_fails(raw: Any) -> None:
    _exercise(raw, "seated_dorsiflexion")["progresses_to"] = "moon_walk"
    _fails(raw, "progresses_to")


def test_unknown_regression_id_fails(raw: Any) -> None:
    _exercise(raw, "heel_walking")["regresses_to"] = "nope"
    _fails(raw, "regresses_to")


def test_self_reference_fails(raw: Any) -> None:
    _exercise(raw, "step_taps")["progresses_to"] = "step_taps"
    _fails(raw, "itself")


def test_regression_needing_a_higher_grade_fails(raw: Any) -> None:
    _exercise(raw, "seated_dorsiflexion")["regresses_to"] = "heel_walking"
    _fails(raw, "regresses_to", "higher muscle grade")


@pytest.mark.parametrize("phases", [[0], [4], [2, 1], [1, 1]])
def test_bad_phases_fail(raw: Any, phases: list[int]) -> None:
    _exercise(raw, "ankle_alphabet")["phases"] = phases
    _fails(raw, "phases")


def test_reps_and_hold_together_fail(raw: Any) -> None:
    dosage = _exercise(raw, "seated_dorsiflexion")["dosage"]
    dosage["hold_s"] = {"value": 5, "source": "a test value", "evidence": "clinician_default"}
    _fails(raw, "dosage", "exactly one of reps and hold_s")


def test_neither_reps_nor_hold_fails(raw: Any) -> None:
    _exercise(raw, "seated_dorsiflexion")["dosage"]["reps"] = None
    _fails(raw, "dosage", "exactly one")


def test_fractional_sets_fail(raw: Any) -> None:
    _exercise(raw, "seated_dorsiflexion")["dosage"]["sets"]["value"] = 2.5
    _fails(raw, "dosage", "whole number")


def test_unsourced_dosage_fails(raw: Any) -> None:
    del _exercise(raw, "towel_scrunches")["dosage"]["rest_s"]["source"]
    _fails(raw, "rest_s.source")


def test_bad_evidence_grade_fails(raw: Any) -> None:
    _exercise(raw, "towel_scrunches")["dosage"]["sets"]["evidence"] = "anecdote"
    _fails(raw, "dosage.sets.evidence")


def test_bad_grade_fails(raw: Any) -> None:
    _exercise(raw, "band_dorsiflexion")["prerequisites"]["min_dorsiflexion_mmt"]["grade"] = "6"
    _fails(raw, "min_dorsiflexion_mmt.grade")


def test_unknown_equipment_fails(raw: Any) -> None:
    _exercise(raw, "band_dorsiflexion")["equipment"] = ["dumbbell"]
    _fails(raw, "equipment")


def test_unknown_key_fails(raw: Any) -> None:
    _exercise(raw, "band_dorsiflexion")["colour"] = "red"
    _fails(raw, "colour")


def test_missing_exercise_fails(raw: Any) -> None:
    raw["exercises"] = [e for e in raw["exercises"] if e["id"] != "step_taps"]
    _fails(raw, "missing exercise ids: step_taps")


def test_duplicate_exercise_fails(raw: Any) -> None:
    raw["exercises"].append(copy.deepcopy(raw["exercises"][0]))
    _fails(raw, "appears twice")


def test_standing_exercise_without_fall_risk_support_fails(raw: Any) -> None:
    _exercise(raw, "single_leg_balance")["prerequisites"]["support_with_fall_risk"] = "none"
    _fails(raw, "support_with_fall_risk")


def test_dropping_a_common_stop_rule_fails(raw: Any) -> None:
    raw["common_stop_rules"] = [r for r in raw["common_stop_rules"] if "balance" not in r["en"]]
    _fails(raw, "common_stop_rules", "balance")


def test_assisted_grade_without_reason_fails(raw: Any) -> None:
    del _exercise(raw, "seated_dorsiflexion")["prerequisites"]["assisted_below_reason"]
    _fails(raw, "assisted_below_reason")
