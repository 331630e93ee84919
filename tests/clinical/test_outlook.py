"""Recovery outlook: each case of issues 2 and 8, with the figures taken from the catalog."""

from __future__ import annotations

import math
from typing import Any

import pytest

from dorsi.catalog.recovery import FactorId, load_recovery
from dorsi.clinical.contract import parse
from dorsi.clinical.outlook import OutlookInput, OutlookOutput, estimate_outlook, render_text
from dorsi.errors import InputError
from tests.clinical.outlook_helpers import weeks_of

REC = load_recovery()
NERVE = REC.nerve


def outlook(**fields: Any) -> OutlookOutput:
    raw = {"cause": "peroneal", "severity": "axonotmesis", "weeks_since_onset": 4} | fields
    return estimate_outlook(parse(OutlookInput, raw))


def regrowth_high(distance_cm: float) -> float:
    return (
        NERVE.regrowth_start_delay_weeks.value
        + distance_cm * 10 / NERVE.regrowth_mm_per_day.value / 7
        + NERVE.muscle_recovery_weeks.value
    )


def test_output_has_the_contract_keys_and_counts_from_onset() -> None:
    dumped = outlook().model_dump(mode="json")
    assert set(dumped) == {
        "expected_weeks",
        "weeks_counted_from",
        "prognosis",
        "basis",
        "signs_of_healing",
        "when_to_discuss_surgery",
        "factors_helping",
        "factors_hindering",
    }
    assert set(dumped["expected_weeks"]) == {"low", "high"}
    assert dumped["weeks_counted_from"] == "onset"
    assert "counted from onset" in dumped["basis"]
    assert "not from today" in dumped["basis"]


def test_weeks_since_onset_is_restated() -> None:
    assert "You are now at week 7.5." in outlook(weeks_since_onset=7.5).basis


# ---- neurapraxia ----------------------------------------------------------------------------


@pytest.mark.parametrize("cause", ["peroneal", "lumbar", "unknown"])
def test_neurapraxia_recovers_within_weeks_to_about_three_months(cause: str) -> None:
    result = outlook(cause=cause, severity="neurapraxia")
    assert weeks_of(result).low == NERVE.neurapraxia_low_weeks.value
    assert weeks_of(result).high == 13
    assert result.prognosis == "good"
    assert "3 months" in result.basis


def test_neurapraxia_ignores_the_distance_and_says_so() -> None:
    near = outlook(severity="neurapraxia", lesion_to_muscle_cm=2)
    far = outlook(severity="neurapraxia", lesion_to_muscle_cm=40)
    assert near.expected_weeks == far.expected_weeks
    assert "distance to the muscle does not change" in far.basis


# ---- axonotmesis ----------------------------------------------------------------------------


def test_axonotmesis_30_cm_gives_at_least_43_weeks_plus_muscle_recovery() -> None:
    result = outlook(severity="axonotmesis", lesion_to_muscle_cm=30, weeks_since_onset=2)
    assert weeks_of(result).high >= 43 + NERVE.muscle_recovery_weeks.value
    assert weeks_of(result).high == math.ceil(regrowth_high(30))
    assert result.prognosis == "guarded"
    assert "1 mm a day" in result.basis
    assert "30 cm" in result.basis
    assert "guarded" in result.basis
    assert "referral to a nerve specialist" in result.when_to_discuss_surgery
    assert result.when_to_discuss_surgery.startswith("Ask now")


def test_axonotmesis_low_bound_uses_the_fastest_published_regrowth() -> None:
    result = outlook(severity="axonotmesis", lesion_to_muscle_cm=14)
    assert weeks_of(result).low == math.floor(140 / NERVE.regrowth_fast_mm_per_day.value / 7)


def test_axonotmesis_close_to_the_muscle_is_not_guarded() -> None:
    result = outlook(cause="unknown", severity="axonotmesis", lesion_to_muscle_cm=8)
    assert result.prognosis == "good"
    assert "specialist" not in result.when_to_discuss_surgery


def test_peroneal_axonotmesis_close_to_the_muscle_is_fair() -> None:
    result = outlook(cause="peroneal", severity="axonotmesis", lesion_to_muscle_cm=8)
    assert result.prognosis == "fair"
    assert "peroneal nerve regrows less well" in result.basis


def test_axonotmesis_beyond_18_inches_is_poor() -> None:
    result = outlook(severity="axonotmesis", lesion_to_muscle_cm=50)
    assert result.prognosis == "poor"
    assert "18 inches" in result.basis
    assert "specialist" in result.when_to_discuss_surgery


def test_axonotmesis_without_distance_assumes_the_peroneal_range() -> None:
    result = outlook(cause="peroneal", severity="axonotmesis")
    rng = REC.default_distance_cm.peroneal
    assert weeks_of(result).high == math.ceil(regrowth_high(rng.high.value))
    assert "no distance was given" in result.basis


def test_lumbar_axonotmesis_without_distance_uses_the_lumbar_series() -> None:
    result = outlook(cause="lumbar", severity="axonotmesis")
    assert weeks_of(result).low == REC.lumbar.low_weeks.value
    assert weeks_of(result).high == REC.lumbar.high_weeks.value
    assert "Macki" in result.basis
    assert "Overdevest" in result.basis
    assert result.prognosis == "fair"


# ---- neurotmesis ----------------------------------------------------------------------------


@pytest.mark.parametrize("cause", ["peroneal", "lumbar", "unknown", "neurological"])
def test_neurotmesis_needs_surgical_referral_now(cause: str) -> None:
    result = outlook(cause=cause, severity="neurotmesis")
    assert result.when_to_discuss_surgery.startswith("Now.")
    assert "does not recover without surgery" in result.when_to_discuss_surgery
    assert "referral to a nerve surgeon now" in result.when_to_discuss_surgery
    assert result.prognosis == "poor"
    assert "repaired now" in result.basis


def test_neurotmesis_weeks_count_from_onset_with_repair_now() -> None:
    early = outlook(severity="neurotmesis", lesion_to_muscle_cm=10, weeks_since_onset=1)
    late = outlook(severity="neurotmesis", lesion_to_muscle_cm=10, weeks_since_onset=11)
    assert weeks_of(late).low - weeks_of(early).low == 10
    assert weeks_of(late).high - weeks_of(early).high == 10


# ---- unknown severity -----------------------------------------------------------------------


def test_unknown_severity_gives_a_wide_honest_range() -> None:
    result = outlook(cause="unknown", severity="unknown")
    assert weeks_of(result).low <= NERVE.neurapraxia_low_weeks.value
    assert weeks_of(result).high >= REC.unknown.high_weeks.value
    assert result.prognosis == "uncertain"
    assert "not known" in result.basis
    assert "EMG/NCS" in result.basis
    assert "cut through" in result.when_to_discuss_surgery


def test_unknown_severity_covers_both_neurapraxia_and_axonotmesis() -> None:
    for cause in ("peroneal", "lumbar", "unknown"):
        wide = weeks_of(outlook(cause=cause, severity="unknown"))
        for severity in ("neurapraxia", "axonotmesis"):
            narrow = weeks_of(outlook(cause=cause, severity=severity))
            assert wide.low <= narrow.low, (cause, severity)
            assert wide.high >= narrow.high, (cause, severity)


def test_unknown_severity_far_from_the_muscle_is_guarded() -> None:
    assert outlook(severity="unknown", lesion_to_muscle_cm=25).prognosis == "guarded"


# ---- cause specifics ------------------------------------------------------------------------


def test_peroneal_no_recovery_by_3_to_4_months_means_nerve_studies_and_surgical_opinion() -> None:
    text = outlook(cause="peroneal", severity="neurapraxia").when_to_discuss_surgery
    assert "3 months" in text
    assert "4 months" in text
    assert "EMG/NCS" in text
    assert "surgical opinion" in text
    assert "weeks 13 to 17" in text
    assert "ask now" not in text


def test_peroneal_past_3_months_says_ask_now() -> None:
    text = outlook(cause="peroneal", weeks_since_onset=14).when_to_discuss_surgery
    assert "You are at week 14: if there is no recovery yet, ask now." in text


def test_lumbar_surgery_advice_names_warning_signs_and_timing() -> None:
    text = outlook(
        cause="lumbar", severity="axonotmesis", weeks_since_onset=8
    ).when_to_discuss_surgery
    assert "spine surgeon" in text
    assert "bladder or bowel" in text
    assert "911" in text
    assert "You are at week 8" in text


@pytest.mark.parametrize("severity", ["unknown", "neurapraxia", "axonotmesis"])
def test_neurological_cause_uses_the_copenhagen_stroke_study(severity: str) -> None:
    result = outlook(cause="neurological", severity=severity, weeks_since_onset=3)
    assert weeks_of(result).low == REC.stroke.low_weeks.value
    assert weeks_of(result).high == 11
    assert "Copenhagen" in result.basis
    assert "still possible" in result.basis
    assert "stroke" in result.when_to_discuss_surgery


def test_neurological_cause_ignores_distance_and_grade_and_says_so() -> None:
    result = outlook(cause="neurological", severity="axonotmesis", lesion_to_muscle_cm=30)
    assert weeks_of(result).high == 11
    assert "grade was not used" in result.basis
    assert "distance to the muscle is not used" in result.basis


def test_stroke_past_the_window_keeps_hope_for_later_gains() -> None:
    result = outlook(cause="neurological", severity="unknown", weeks_since_onset=30)
    assert "past the weeks when most recovery happens" in result.basis


def test_nerve_injury_past_the_window_asks_for_review() -> None:
    result = outlook(cause="peroneal", severity="neurapraxia", weeks_since_onset=20)
    assert "already past this range" in result.basis


def test_unknown_cause_asks_to_find_the_cause_first() -> None:
    text = outlook(
        cause="unknown", severity="axonotmesis", weeks_since_onset=20
    ).when_to_discuss_surgery
    assert text.startswith("First find the cause")
    assert "ask now" in text


# ---- factors and signs of healing -----------------------------------------------------------


def test_confidence_factors_are_listed_in_plain_words_and_do_not_move_the_numbers() -> None:
    factors = {"sleep": "helps", "consistency": "helps", "workload": "hinders", "rest": "neutral"}
    plain = outlook()
    result = outlook(factors=factors)
    assert result.expected_weeks == plain.expected_weeks
    assert result.factors_helping == [
        REC.factor("sleep").helps,
        REC.factor("consistency").helps,
    ]
    assert result.factors_hindering == [REC.factor("workload").hinders]
    assert "do not change the weeks" in result.basis
    assert "later end more likely" in result.basis
    assert "earlier end more likely" in result.basis


@pytest.mark.parametrize("factor", ["age", "diabetes"])
def test_age_and_diabetes_stretch_the_high_bound_by_their_sourced_share(factor: FactorId) -> None:
    pct = REC.factor(factor).hinders_high_weeks_pct
    assert pct is not None
    assert pct.source
    plain = outlook()
    slower = outlook(factors={factor: "hinders"})
    assert weeks_of(slower).low == weeks_of(plain).low
    raw_high = regrowth_high(REC.default_distance_cm.peroneal.high.value)
    assert weeks_of(slower).high == math.ceil(raw_high * (1 + pct.value / 100))
    assert "made later" in slower.basis
    assert weeks_of(outlook(factors={factor: "helps"})) == weeks_of(plain)


def test_age_in_years_sets_the_age_factor() -> None:
    older = outlook(age_years=int(REC.older_age_from_years.value))
    younger = outlook(age_years=30)
    assert REC.factor("age").hinders in older.factors_hindering
    assert REC.factor("age").helps in younger.factors_helping
    assert weeks_of(older).high > weeks_of(younger).high
    given = outlook(age_years=80, factors={"age": "neutral"})
    assert weeks_of(given) == weeks_of(outlook())


def test_all_factors_are_accepted() -> None:
    ids = [factor.id for factor in REC.factors]
    assert len(ids) == 14  # the protocol's ten, and age, diabetes, smoking, nutrition
    result = outlook(factors=dict.fromkeys(ids, "hinders"))
    assert len(result.factors_hindering) == 14
    assert result.factors_helping == []


def test_without_factors_nothing_is_listed() -> None:
    result = outlook()
    assert result.factors_helping == []
    assert result.factors_hindering == []


def test_signs_of_healing_come_from_the_protocol_and_reference() -> None:
    signs = outlook().signs_of_healing
    assert len(signs) >= 5
    assert any("trip" in sign for sign in signs)
    assert any("pins and needles" in sign for sign in signs)


def test_text_output_is_readable() -> None:
    text = render_text(outlook(factors={"sleep": "helps", "workload": "hinders"}))
    assert text.startswith("Expected recovery: about")
    assert "counted from onset" in text
    assert "When to talk about surgery:" in text
    assert "What helps you:" in text
    assert "What may slow you down:" in text


# ---- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"cause": "spine"}, "cause", "'peroneal'"),
        ({"severity": "bad"}, "severity", "'neurotmesis'"),
        ({"weeks_since_onset": -1}, "weeks_since_onset", "greater than or equal to 0"),
        ({"weeks_since_onset": "3"}, "weeks_since_onset", "number"),
        ({"weeks_since_onset": True}, "weeks_since_onset", "number"),
        ({"lesion_to_muscle_cm": -2}, "lesion_to_muscle_cm", "greater than or equal to 0"),
        ({"lesion_to_muscle_cm": 151}, "lesion_to_muscle_cm", "less than or equal to 150"),
        ({"factors": {"sleepy": "helps"}}, "factors.sleepy.[key]", "'sleep'"),
        ({"factors": {"sleep": "good"}}, "factors.sleep", "'helps'"),
        ({"factors": ["sleep"]}, "factors", "object"),
        ({"colour": "red"}, "colour", "not a known field"),
    ],
)
def test_bad_input_names_the_field(changes: dict[str, Any], field: str, words: str) -> None:
    raw = {"cause": "peroneal", "severity": "axonotmesis", "weeks_since_onset": 4} | changes
    with pytest.raises(InputError) as info:
        parse(OutlookInput, raw)
    assert info.value.field == field
    assert words in info.value.message


def test_missing_required_field_is_named() -> None:
    with pytest.raises(InputError) as info:
        parse(OutlookInput, {"cause": "peroneal", "severity": "unknown"})
    assert info.value.field == "weeks_since_onset"


def test_not_a_number_is_refused() -> None:
    with pytest.raises(InputError) as info:
        parse(
            OutlookInput, '{"cause": "peroneal", "severity": "unknown", "weeks_since_onset": NaN}'
        )
    assert info.value.field == "weeks_since_onset"


@pytest.mark.parametrize("cause", ["peroneal", "lumbar", "neurological", "unknown"])
def test_outlook_words_read_at_grade_8_or_lower(cause: str) -> None:
    from tests.education.readability import MAX_GRADE, score_texts, too_hard

    texts: list[tuple[str, str]] = []
    for severity in ("neurapraxia", "axonotmesis", "neurotmesis", "unknown"):
        for distance in (None, 8, 30, 50):
            fields: dict[str, Any] = {"cause": cause, "severity": severity}
            fields |= {"weeks_since_onset": 20, "factors": {"sleep": "helps", "rest": "hinders"}}
            if distance is not None:
                fields["lesion_to_muscle_cm"] = distance
            result = outlook(**fields)
            label = f"{severity}/{distance}"
            texts += [(f"{label}.basis", result.basis)]
            texts += [(f"{label}.surgery", result.when_to_discuss_surgery)]
    texts += [(f"factor.{f.id}", f"{f.helps} {f.hinders}") for f in REC.factors]
    texts += [(f"sign.{i}", sign.text) for i, sign in enumerate(REC.signs_of_healing)]
    hard = too_hard(score_texts(texts))
    assert hard == [], [f"{s.label}: grade {s.grade:.1f} > {MAX_GRADE}" for s in hard]
