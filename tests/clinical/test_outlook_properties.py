"""Invariants of the recovery outlook, over generated inputs (hypothesis)."""

from __future__ import annotations

import math
from typing import Any, get_args

from hypothesis import given, settings
from hypothesis import strategies as st

from dorsi.catalog.recovery import load_recovery
from dorsi.clinical.contract import parse
from dorsi.clinical.outlook import OutlookInput, estimate_outlook
from dorsi.clinical.program_rules import Cause
from tests.clinical.outlook_helpers import weeks_of

CAUSES = get_args(Cause)
NERVE_CAUSES = ("peroneal", "lumbar", "unknown", "post_operative_sciatic")
REC = load_recovery()
SEVERITIES = ("neurapraxia", "axonotmesis", "neurotmesis", "unknown")
FACTOR_IDS = [factor.id for factor in load_recovery().factors]

weeks = st.floats(min_value=0, max_value=5200, allow_nan=False) | st.integers(0, 5200)
distance = st.floats(min_value=0, max_value=150, allow_nan=False)
factors = st.dictionaries(
    st.sampled_from(FACTOR_IDS), st.sampled_from(["helps", "hinders", "neutral"])
)


@st.composite
def outlook_inputs(draw: st.DrawFn) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "cause": draw(st.sampled_from(CAUSES)),
        "severity": draw(st.sampled_from(SEVERITIES)),
        "weeks_since_onset": draw(weeks),
    }
    if draw(st.booleans()):
        raw["lesion_to_muscle_cm"] = draw(distance)
    if draw(st.booleans()):
        raw["factors"] = draw(factors)
    return raw


@settings(max_examples=300, deadline=None)
@given(outlook_inputs())
def test_low_is_at_most_high_and_neither_is_negative(raw: dict[str, Any]) -> None:
    result = estimate_outlook(parse(OutlookInput, raw))
    if raw["cause"] in ("motor_neuron_disease", "hereditary_neuropathy"):
        assert result.expected_weeks is None
        assert result.prognosis == "progressive"
    else:
        assert 0 <= weeks_of(result).low <= weeks_of(result).high
        assert result.prognosis != "progressive"
    assert result.weeks_counted_from == "onset"
    assert result.basis
    assert result.when_to_discuss_surgery
    assert result.signs_of_healing
    given_factors = raw.get("factors", {})
    assert len(result.factors_helping) == sum(v == "helps" for v in given_factors.values())
    assert len(result.factors_hindering) == sum(v == "hinders" for v in given_factors.values())


@settings(max_examples=300, deadline=None)
@given(outlook_inputs(), distance, distance)
def test_a_longer_lesion_distance_never_shortens_the_high_bound(
    raw: dict[str, Any], first: float, second: float
) -> None:
    near, far = sorted((first, second))
    high_near = estimate_outlook(parse(OutlookInput, raw | {"lesion_to_muscle_cm": near}))
    high_far = estimate_outlook(parse(OutlookInput, raw | {"lesion_to_muscle_cm": far}))
    if high_far.expected_weeks is None:
        assert high_near.expected_weeks is None
        return
    assert weeks_of(high_far).high >= weeks_of(high_near).high


@settings(max_examples=150, deadline=None)
@given(outlook_inputs(), factors)
def test_factors_never_move_the_low_bound_and_only_hindering_ones_stretch_the_high(
    raw: dict[str, Any], other: dict[str, str]
) -> None:
    without = {k: v for k, v in raw.items() if k != "factors"}
    plain = estimate_outlook(parse(OutlookInput, without))
    with_factors = estimate_outlook(parse(OutlookInput, without | {"factors": other}))
    assert with_factors.prognosis == plain.prognosis
    if plain.expected_weeks is None:
        assert with_factors.expected_weeks is None
        return
    assert weeks_of(with_factors).low == weeks_of(plain).low
    assert weeks_of(with_factors).high >= weeks_of(plain).high
    stretching = {f.id for f in REC.factors if f.hinders_high_weeks_pct is not None}
    if not any(other.get(i) == "hinders" for i in stretching):
        assert with_factors.expected_weeks == plain.expected_weeks


def _distance_range(raw: dict[str, Any]) -> tuple[float, float]:
    if "lesion_to_muscle_cm" in raw:
        return raw["lesion_to_muscle_cm"], raw["lesion_to_muscle_cm"]
    key = (
        raw["cause"]
        if raw["cause"] in ("peroneal", "lumbar", "post_operative_sciatic")
        else "unknown"
    )
    rng = getattr(REC.default_distance_cm, key)
    return rng.low.value, rng.high.value


@st.composite
def complete_lesions(draw: st.DrawFn) -> dict[str, Any]:
    """Neurotmesis, or a nerve repaired at some week up to now, for a nerve-injury cause."""
    raw = draw(outlook_inputs())
    raw["cause"] = draw(st.sampled_from(NERVE_CAUSES))
    raw.pop("factors", None)
    if draw(st.booleans()):
        raw["severity"] = "neurotmesis"
    else:
        raw["nerve_repair_week"] = draw(
            st.floats(min_value=0, max_value=raw["weeks_since_onset"], allow_nan=False)
        )
    return raw


@settings(max_examples=300, deadline=None)
@given(complete_lesions())
def test_complete_lesions_follow_the_regrowth_arithmetic(raw: dict[str, Any]) -> None:
    """Issue 17: a nerve repaired at week r cannot recover before r + delay + distance / rate
    + muscle time (the fast rate and the short distance for the low bound)."""
    result = estimate_outlook(parse(OutlookInput, raw))
    nerve = REC.nerve
    repair = raw.get("nerve_repair_week", raw["weeks_since_onset"])
    d_low, d_high = _distance_range(raw)
    fixed = repair + nerve.regrowth_start_delay_weeks.value + nerve.muscle_recovery_weeks.value
    low = fixed + d_low * 10 / nerve.regrowth_fast_mm_per_day.value / 7
    high = fixed + d_high * 10 / nerve.regrowth_mm_per_day.value / 7
    weeks = weeks_of(result)
    assert weeks.low == max(0, math.floor(low))
    assert weeks.high == max(weeks.low, math.ceil(high))
    assert weeks.low >= math.floor(repair + nerve.muscle_recovery_weeks.value)


def test_a_nerve_repaired_at_week_one_cannot_recover_in_four_weeks() -> None:
    result = estimate_outlook(
        parse(
            OutlookInput,
            {
                "cause": "peroneal",
                "severity": "axonotmesis",
                "weeks_since_onset": 4,
                "nerve_repair_week": 1,
                "lesion_to_muscle_cm": 5,
            },
        )
    )
    assert weeks_of(result).low > 4
