"""Invariants of the recovery outlook, over generated inputs (hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dorsi.catalog.recovery import load_recovery
from dorsi.clinical.contract import parse
from dorsi.clinical.outlook import OutlookInput, estimate_outlook
from tests.clinical.outlook_helpers import weeks_of

CAUSES = ("peroneal", "lumbar", "neurological", "unknown")
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
    assert 0 <= weeks_of(result).low <= weeks_of(result).high
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
    assert weeks_of(high_far).high >= weeks_of(high_near).high


@settings(max_examples=150, deadline=None)
@given(outlook_inputs(), factors)
def test_factors_never_move_the_numbers(raw: dict[str, Any], other: dict[str, str]) -> None:
    without = {k: v for k, v in raw.items() if k != "factors"}
    plain = estimate_outlook(parse(OutlookInput, without))
    with_factors = estimate_outlook(parse(OutlookInput, without | {"factors": other}))
    assert with_factors.expected_weeks == plain.expected_weeks
    assert with_factors.prognosis == plain.prognosis
