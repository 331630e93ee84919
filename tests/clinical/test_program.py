"""``build_program``: the contract of issue 2 and the program rules of issue 8, rule by rule."""

from __future__ import annotations

import copy
import itertools
import re
from typing import Any

import pytest

from dorsi.catalog.exercises import EQUIPMENT, build_catalog, load_exercises
from dorsi.catalog.load import read_yaml
from dorsi.catalog.mmt import GRADES, at_least
from dorsi.clinical.contract import parse
from dorsi.clinical.program import PlanInput, PlanOutput, build_program, build_with
from dorsi.clinical.program_rules import load_program_rules
from dorsi.errors import InputError

CATALOG = load_exercises()
RULES = load_program_rules()
UPRIGHT = {e.id for e in CATALOG.exercises if e.kind.position != "seated"}
STIMULATION = re.compile(r"\b(fes|stimulat\w*|electric\w*)\b", re.IGNORECASE)

BASE: dict[str, Any] = {
    "side": "left",
    "cause": "peroneal",
    "weeks_since_onset": 8,
    "dorsiflexion_mmt": "4",
    "single_leg_stance_s": 25,
    "falls_past_month": 0,
    "pain_nrs": 1,
    "uses_afo": False,
}


def plan(**changes: Any) -> PlanOutput:
    data = {**BASE, **changes}
    for key in [k for k, v in changes.items() if v is ...]:
        del data[key]
    return build_program(parse(PlanInput, data))


def ids(result: PlanOutput) -> list[str]:
    return [e.id for e in result.exercises]


def all_text(result: PlanOutput) -> str:
    parts = [
        result.phase_name,
        *result.gait_training,
        result.bracing.reason,
        *result.precautions,
        *result.rationale,
    ]
    for item in result.exercises:
        parts.extend(item.cues)
    return "\n".join(parts)


# ---- the input contract ------------------------------------------------------------------


REQUIRED = [
    "side",
    "cause",
    "weeks_since_onset",
    "dorsiflexion_mmt",
    "single_leg_stance_s",
    "falls_past_month",
    "pain_nrs",
    "uses_afo",
]


@pytest.mark.parametrize("field", REQUIRED)
def test_missing_field_is_named(field: str) -> None:
    data = {k: v for k, v in BASE.items() if k != field}
    with pytest.raises(InputError) as info:
        parse(PlanInput, data)
    assert info.value.field == field
    assert "required" in info.value.message


def test_unknown_field_is_named() -> None:
    with pytest.raises(InputError) as info:
        parse(PlanInput, {**BASE, "age": 70})
    assert info.value.field == "age"
    assert "not a known field" in info.value.message


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("falls_past_month", "2"),
        ("falls_past_month", 1.5),
        ("pain_nrs", True),
        ("uses_afo", "no"),
        ("uses_afo", 0),
        ("weeks_since_onset", "8"),
        ("single_leg_stance_s", None),
        ("dorsiflexion_mmt", 3),
        ("equipment", "strap"),
        ("trips_per_week", "often"),
    ],
)
def test_wrong_type_is_named(field: str, value: Any) -> None:
    with pytest.raises(InputError) as info:
        parse(PlanInput, {**BASE, field: value})
    assert info.value.field == field


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("weeks_since_onset", -1),
        ("single_leg_stance_s", -0.5),
        ("falls_past_month", -1),
        ("pain_nrs", 11),
        ("pain_nrs", -1),
        ("trips_per_week", -2),
        ("gait_speed_mps", -0.1),
        ("gait_speed_mps", 9),
        ("dorsiflexion_arom_deg", 120),
    ],
)
def test_out_of_range_is_named(field: str, value: Any) -> None:
    with pytest.raises(InputError) as info:
        parse(PlanInput, {**BASE, field: value})
    assert info.value.field == field
    assert "must be" in info.value.message


@pytest.mark.parametrize("grade", ["6", "3++", "", "III", "4 +", "-1"])
def test_bad_mmt_grade_lists_the_scale(grade: str) -> None:
    with pytest.raises(InputError) as info:
        parse(PlanInput, {**BASE, "dorsiflexion_mmt": grade})
    assert info.value.field == "dorsiflexion_mmt"
    assert "'3+'" in info.value.message


@pytest.mark.parametrize("value", [["dumbbell"], ["strap", "bike"], ["Strap"]])
def test_bad_equipment_item_is_named(value: list[str]) -> None:
    with pytest.raises(InputError) as info:
        parse(PlanInput, {**BASE, "equipment": value})
    assert info.value.field is not None
    assert info.value.field.startswith("equipment.")
    assert "resistance_band" in info.value.message


@pytest.mark.parametrize(("field", "value"), [("side", "middle"), ("cause", "diabetes")])
def test_bad_enum_value_is_named(field: str, value: str) -> None:
    with pytest.raises(InputError) as info:
        parse(PlanInput, {**BASE, field: value})
    assert info.value.field == field


def test_optional_fields_absent_or_null_work() -> None:
    absent = plan()
    nulls = plan(trips_per_week=None, gait_speed_mps=None, dorsiflexion_arom_deg=None)
    assert absent == nulls


def test_equipment_defaults_to_everything() -> None:
    assert plan() == plan(equipment=list(EQUIPMENT))


@pytest.mark.parametrize(
    ("side", "cause", "grade"),
    list(
        itertools.product(
            ["left", "right"], ["peroneal", "lumbar", "neurological", "unknown"], GRADES
        )
    ),
)
def test_every_enum_value_gives_a_valid_program(side: str, cause: str, grade: str) -> None:
    result = plan(side=side, cause=cause, dorsiflexion_mmt=grade)
    assert 3 <= len(result.exercises) <= 6
    assert result.phase in (1, 2, 3)
    assert any(side in cue for e in result.exercises for cue in e.cues)


# ---- the output contract -----------------------------------------------------------------


def test_output_has_exactly_the_contract_fields() -> None:
    dumped = plan(trips_per_week=2).model_dump(mode="json")
    assert set(dumped) == {
        "phase",
        "phase_name",
        "exercises",
        "gait_training",
        "bracing",
        "precautions",
        "rationale",
        "review_in_days",
    }
    assert set(dumped["bracing"]) == {"recommend_afo_evaluation", "reason"}
    for item in dumped["exercises"]:
        assert set(item) == {
            "id",
            "sets",
            "reps",
            "hold_s",
            "rest_s",
            "days_per_week",
            "support",
            "cues",
        }
        assert (item["reps"] is None) != (item["hold_s"] is None)
        assert item["support"] in ("none", "hand_support", "assisted")
        assert all(isinstance(c, str) and c for c in item["cues"])
    for key in ("gait_training", "precautions", "rationale"):
        assert dumped[key]
        assert all(isinstance(s, str) and s for s in dumped[key])
    assert isinstance(dumped["review_in_days"], int)


def test_dose_comes_from_the_catalog() -> None:
    for item in plan().exercises:
        d = CATALOG.get(item.id).dosage
        assert item.sets == d.sets.value
        assert item.reps == (None if d.reps is None else d.reps.value)
        assert item.hold_s == (None if d.hold_s is None else d.hold_s.value)
        assert item.rest_s == d.rest_s.value
        assert item.days_per_week == d.days_per_week.value


def test_program_size_is_three_to_the_rules_maximum() -> None:
    maximum = int(RULES.program_size.max_exercises.value)
    for grade in GRADES:
        result = plan(dorsiflexion_mmt=grade)
        assert 3 <= len(result.exercises) <= maximum
        assert len(set(ids(result))) == len(result.exercises)


# ---- phase -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grade", "phase"),
    [
        ("0", 1),
        ("1", 1),
        ("2-", 1),
        ("2", 1),
        ("2+", 2),
        ("3-", 2),
        ("3", 2),
        ("3+", 3),
        ("4-", 3),
        ("4", 3),
        ("4+", 3),
        ("5", 3),
    ],
)
def test_phase_follows_the_grade(grade: str, phase: int) -> None:
    result = plan(dorsiflexion_mmt=grade)
    assert result.phase == phase
    assert result.phase_name == RULES.phase(phase).name
    assert f"grade {grade}" in result.rationale[0]


def test_phase_names_follow_the_seed_progression() -> None:
    names = [RULES.phase(p).name.lower() for p in (1, 2, 3)]
    assert "seated" in names[0]
    assert "standing" in names[1]
    assert "stepping" in names[2]


@pytest.mark.parametrize("pain", [6, 7, 10])
def test_too_much_pain_keeps_it_gentle_and_says_so(pain: int) -> None:
    result = plan(pain_nrs=pain)
    assert result.phase == 1
    assert all(item.sets <= RULES.pain.gentle_max_sets.value for item in result.exercises)
    assert any("too much" in s and "gentle" in s for s in result.rationale)
    assert any(f"{pain} out of 10" in s for s in result.precautions)
    assert result.review_in_days == RULES.review_in_days.soon.value


def test_pain_five_does_not_cap_the_phase() -> None:
    result = plan(pain_nrs=5)
    assert result.phase == 3
    assert "band_dorsiflexion" not in ids(result)  # resisted work waits for pain <= 3
    assert any("band ankle lifts" in s and "pain" in s for s in result.rationale)


def test_two_falls_in_a_month_hold_back_dynamic_stepping() -> None:
    result = plan(falls_past_month=2)
    assert result.phase == 2
    assert not {"heel_walking", "step_taps"} & set(ids(result))
    assert any("high risk of falling" in s for s in result.rationale)


def test_one_fall_caps_the_phase_and_builds_balance_up_with_hand_support() -> None:
    # issue 17: a fall in the last month keeps standing work supported (phase 2 at most)
    result = plan(falls_past_month=1)
    assert result.phase == 2
    assert "balance_progression" in ids(result)
    assert not {"single_leg_balance", "heel_walking", "step_taps"} & set(ids(result))
    for item in result.exercises:
        if item.id in UPRIGHT:
            assert item.support == "hand_support"


def test_first_two_weeks_no_stepping_and_no_resisted_work() -> None:
    early = plan(weeks_since_onset=1.5)
    assert early.phase == 2
    assert "band_dorsiflexion" not in ids(early)
    assert any("less than 2 weeks" in s for s in early.rationale)
    assert plan(weeks_since_onset=2).phase == 3


# ---- fall risk and support ---------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"falls_past_month": 1},
        {"single_leg_stance_s": 9.9},
        {"single_leg_stance_s": 0},
        {"gait_speed_mps": 0.7},
    ],
)
def test_fall_risk_puts_every_standing_exercise_at_the_counter(changes: dict[str, Any]) -> None:
    for grade in GRADES:
        result = plan(dorsiflexion_mmt=grade, **changes)
        for item in result.exercises:
            if item.id in UPRIGHT:
                assert item.support in ("hand_support", "assisted")
                cues = " ".join(item.cues).lower()
                assert "counter" in cues
                assert "not" in cues
                assert "chair" in cues
        assert any("Fall risk is shown" in s for s in result.rationale)
        assert result.review_in_days == RULES.review_in_days.soon.value


def test_no_fall_risk_at_the_cut_offs() -> None:
    result = plan(single_leg_stance_s=10, gait_speed_mps=0.8)
    assert all(item.support == "none" for item in result.exercises)
    assert result.review_in_days == RULES.review_in_days.usual.value


def test_standing_support_is_a_counter_not_a_chair() -> None:
    result = plan(dorsiflexion_mmt="3", falls_past_month=1)
    balance = next(e for e in result.exercises if e.id == "balance_progression")
    assert any("counter" in c and "chair" in c and "not" in c.lower() for c in balance.cues)


def test_weak_seated_lifts_are_assisted() -> None:
    result = plan(dorsiflexion_mmt="1")
    support = {e.id: e.support for e in result.exercises}
    assert support["seated_dorsiflexion"] == "assisted"
    assert any("helped (assisted)" in s for s in result.rationale)


def test_heel_walking_below_3_plus_needs_hand_support() -> None:
    heel = CATALOG.get("heel_walking").prerequisites
    assert heel.support_for("3", fall_risk=False) == "hand_support"
    assert heel.support_for("3+", fall_risk=False) == "none"
    for grade in GRADES:
        result = plan(dorsiflexion_mmt=grade)
        for item in result.exercises:
            if item.id == "heel_walking" and not at_least(grade, "3+"):
                assert item.support != "none"


# ---- prerequisites and equipment ---------------------------------------------------------


def test_band_work_never_below_grade_3() -> None:
    for grade in GRADES:
        if not at_least(grade, "3"):
            assert "band_dorsiflexion" not in ids(plan(dorsiflexion_mmt=grade))
    assert "band_dorsiflexion" in ids(plan(dorsiflexion_mmt="3"))


@pytest.mark.parametrize("item", EQUIPMENT)
def test_missing_equipment_is_never_chosen(item: str) -> None:
    have = [e for e in EQUIPMENT if e != item]
    for grade in GRADES:
        result = plan(dorsiflexion_mmt=grade, equipment=have)
        for chosen in result.exercises:
            assert item not in CATALOG.get(chosen.id).equipment


def test_missing_equipment_is_explained() -> None:
    result = plan(dorsiflexion_mmt="3", equipment=["strap", "towel", "wall"])
    assert any("band ankle lifts" in s and "resistance band" in s for s in result.rationale)


def test_no_equipment_still_gives_a_program_in_every_case() -> None:
    for grade, pain, falls, weeks, sls in itertools.product(
        GRADES, [0, 4, 8], [0, 1, 3], [0, 6], [0, 30]
    ):
        result = plan(
            dorsiflexion_mmt=grade,
            pain_nrs=pain,
            falls_past_month=falls,
            weeks_since_onset=weeks,
            single_leg_stance_s=sls,
            equipment=[],
        )
        assert len(result.exercises) >= 3
        assert all(not CATALOG.get(e.id).equipment for e in result.exercises)


def test_impossible_program_is_an_input_error_on_equipment() -> None:
    raw = copy.deepcopy(read_yaml("exercises.yaml"))
    for item in raw["exercises"]:
        if not item["equipment"]:
            item["equipment"] = ["towel"]
    catalog = build_catalog(raw)
    data = parse(PlanInput, {**BASE, "dorsiflexion_mmt": "0", "equipment": ["wall"]})
    with pytest.raises(InputError) as info:
        build_with(data, catalog, RULES)
    assert info.value.field == "equipment"
    assert "at least 3" in info.value.message


def test_every_chosen_exercise_meets_its_prerequisites() -> None:
    for grade, pain in itertools.product(GRADES, range(11)):
        result = plan(dorsiflexion_mmt=grade, pain_nrs=pain)
        for item in result.exercises:
            exercise = CATALOG.get(item.id)
            assert at_least(grade, exercise.min_grade)
            limit = exercise.prerequisites.max_pain_nrs
            assert limit is None or pain <= limit.value


# ---- calf stretching and range of motion -------------------------------------------------


def test_phase_1_has_calf_stretch_and_range_of_motion() -> None:
    result = plan(dorsiflexion_mmt="1")
    assert {"strap_assisted_toe_raises", "ankle_alphabet"} <= set(ids(result))
    foci = {CATALOG.get(i).kind.focus for i in ids(result)}
    assert {"calf_stretch", "range_of_motion"} <= foci


@pytest.mark.parametrize("equipment", [[], ["towel"], ["wall", "step"]])
def test_phase_1_without_strap_gives_calf_stretch_guidance(equipment: list[str]) -> None:
    result = plan(dorsiflexion_mmt="2", equipment=equipment)
    assert "ankle_alphabet" in ids(result)
    guidance = [p for p in result.precautions if p.startswith("Calf stretch without a strap")]
    assert len(guidance) == 1
    assert ("towel" in guidance[0]) == ("towel" in equipment)
    assert any("no strap" in s for s in result.rationale)


def test_stiff_ankle_keeps_calf_stretching_in_later_phases() -> None:
    result = plan(dorsiflexion_mmt="5", dorsiflexion_arom_deg=5)
    assert "strap_assisted_toe_raises" in ids(result)
    assert any("5 degrees" in s for s in result.rationale)
    assert "strap_assisted_toe_raises" not in ids(plan(dorsiflexion_mmt="5"))


# ---- cause-specific advice ---------------------------------------------------------------


def test_peroneal_protects_the_outer_knee() -> None:
    text = " ".join(plan(cause="peroneal").precautions).lower()
    assert "cross your legs" in text
    assert "outer side of the knee" in text
    assert "cast" in text


def test_lumbar_names_cauda_equina_signs_and_immediate_care() -> None:
    result = plan(cause="lumbar")
    warning = next(p for p in result.precautions if "saddle" in p)
    lowered = warning.lower()
    assert "seek immediate care" in lowered
    assert "bladder or bowel" in lowered
    assert "weakness in both legs" in lowered
    rationale = " ".join(result.rationale).lower()
    assert "graded" in rationale
    assert "trunk control" in rationale


def test_neurological_stresses_repetition_coordination_and_safe_gait() -> None:
    result = plan(cause="neurological")
    rationale = " ".join(result.rationale).lower()
    assert "repetition" in rationale
    assert "coordination" in rationale
    gait = " ".join(result.gait_training).lower()
    assert "repeat" in gait
    assert "safe" in gait


def test_unknown_cause_asks_for_a_diagnosis() -> None:
    text = " ".join(plan(cause="unknown").precautions).lower()
    assert "not known" in text


@pytest.mark.parametrize("cause", ["peroneal", "lumbar", "unknown"])
def test_no_electrical_stimulation_outside_neurological_causes(cause: str) -> None:
    for grade, afo, trips in itertools.product(GRADES, [True, False], [0, 3]):
        text = all_text(
            plan(cause=cause, dorsiflexion_mmt=grade, uses_afo=afo, trips_per_week=trips)
        )
        assert not STIMULATION.search(text), (cause, grade)


def test_neurological_may_mention_fes_as_a_clinician_option() -> None:
    text = all_text(plan(cause="neurological", trips_per_week=2))
    assert "FES" in text
    assert "clinician may consider" in text


def test_cause_advice_does_not_leak_between_causes() -> None:
    assert not any("saddle" in p for p in plan(cause="peroneal").precautions)
    assert not any("cross your legs" in p.lower() for p in plan(cause="lumbar").precautions)


# ---- bracing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"trips_per_week": 2, "dorsiflexion_mmt": "2"}, True),
        ({"trips_per_week": 0.5, "dorsiflexion_mmt": "3"}, True),
        ({"falls_past_month": 1, "dorsiflexion_mmt": "3"}, True),
        ({"trips_per_week": 3, "dorsiflexion_mmt": "5"}, True),
        ({"trips_per_week": 2, "uses_afo": True}, False),
        ({"falls_past_month": 2, "uses_afo": True, "dorsiflexion_mmt": "1"}, False),
        # issue 17: grade 2 or below suggests an AFO assessment from the impairment itself
        ({"trips_per_week": 0, "falls_past_month": 0, "dorsiflexion_mmt": "2"}, True),
        ({"trips_per_week": 0, "falls_past_month": 0, "dorsiflexion_mmt": "2+"}, False),
        ({"trips_per_week": ..., "dorsiflexion_mmt": "4"}, False),
    ],
)
def test_afo_evaluation(changes: dict[str, Any], expected: bool) -> None:
    result = plan(**changes)
    assert result.bracing.recommend_afo_evaluation is expected
    assert len(result.bracing.reason) > 20


def test_afo_reason_says_why_in_plain_words() -> None:
    reason = plan(trips_per_week=2, dorsiflexion_mmt="2").bracing.reason
    assert "trip" in reason
    assert "grade 2" in reason
    assert "brace" in reason
    uses = plan(trips_per_week=2, uses_afo=True).bracing.reason
    assert "already use a brace" in uses


def test_unrecorded_trips_with_a_weak_foot_prompt_the_question() -> None:
    reason = plan(dorsiflexion_mmt="3").bracing.reason
    assert "trips were not recorded" in reason


# ---- gait training and review ------------------------------------------------------------


def test_gait_training_fits_the_situation() -> None:
    weak = plan(dorsiflexion_mmt="2", falls_past_month=1).gait_training
    assert any("knee a little higher" in s for s in weak)
    assert any("near support" in s for s in weak)
    assert any("shorter steps" in s for s in weak)
    strong = plan(dorsiflexion_mmt="4+").gait_training
    assert any("heel first" in s for s in strong)
    assert not any("knee a little higher" in s for s in strong)
    braced = plan(dorsiflexion_mmt="1", uses_afo=True).gait_training
    assert any("brace" in s for s in braced)


def test_review_in_days() -> None:
    assert plan().review_in_days == RULES.review_in_days.usual.value
    assert plan(weeks_since_onset=0).review_in_days == RULES.review_in_days.soon.value
    assert 7 <= plan().review_in_days <= 28


def test_rationale_names_every_chosen_exercise() -> None:
    for grade in ("0", "2+", "4"):
        result = plan(dorsiflexion_mmt=grade)
        rationale = " ".join(result.rationale)
        for item in result.exercises:
            assert CATALOG.get(item.id).name in rationale
        assert "Review in" in result.rationale[-1]


def test_output_is_stable_for_the_same_input() -> None:
    assert plan(cause="lumbar").model_dump(mode="json") == plan(cause="lumbar").model_dump(
        mode="json"
    )


# ---- plain language ----------------------------------------------------------------------


def test_generated_text_reads_at_grade_8_or_below() -> None:
    from tests.education.readability import score_texts, too_hard

    parts: dict[str, set[str]] = {}
    grid = itertools.product(
        ["peroneal", "lumbar", "neurological", "unknown"],
        ["0", "2+", "3", "4"],
        [0, 2],
        [1, 5, 7],
        [False, True],
        [..., 2],
        [1, 8],
        [..., []],
        [..., 0],
    )
    for cause, grade, falls, pain, afo, trips, weeks, equipment, arom in grid:
        result = plan(
            cause=cause,
            dorsiflexion_mmt=grade,
            falls_past_month=falls,
            pain_nrs=pain,
            uses_afo=afo,
            trips_per_week=trips,
            weeks_since_onset=weeks,
            equipment=equipment,
            dorsiflexion_arom_deg=arom,
        )
        parts.setdefault("precautions", set()).update(result.precautions)
        parts.setdefault("gait_training", set()).update(result.gait_training)
        parts.setdefault("bracing", set()).add(result.bracing.reason)
        parts.setdefault("rationale", set()).update(result.rationale)
        parts.setdefault("cues", set()).update(c for e in result.exercises for c in e.cues)
    hard = [
        (part, round(score.grade, 1), score.text)
        for part, texts in parts.items()
        for score in too_hard(score_texts(sorted(texts), group=part))
    ]
    assert hard == []
