"""Invariants of the cost estimate (hypothesis)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dorsi.clinical.contract import parse
from dorsi.clinical.cost import CostInput, CostOutput, estimate_cost

FAST = settings(max_examples=200, deadline=None)

money = st.decimals(min_value=0, max_value=2000, places=2).map(str)
# A coinsurance between 0 and 1 is refused as a fraction (issue 17), so percents are 0 or 1-100.
percent = st.just("0") | st.decimals(min_value=1, max_value=100, places=1).map(str)


@st.composite
def inputs(draw: st.DrawFn) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "visits": draw(st.integers(0, 40)),
        "allowed_per_visit": draw(money),
        "deductible_remaining": draw(money),
        "copay_per_visit": draw(money),
        "coinsurance_pct": draw(percent),
        "oop_max_remaining": draw(st.one_of(st.none(), money)),
        "covered_visits_remaining": draw(st.one_of(st.none(), st.integers(0, 40))),
    }
    if draw(st.booleans()):
        raw["in_network"] = False
        raw["out_of_network"] = {
            "billed_per_visit": draw(money),
            "deductible_remaining": draw(money),
            "coinsurance_pct": draw(percent),
        }
    return raw


def _run(raw: dict[str, Any]) -> CostOutput:
    return estimate_cost(parse(CostInput, raw))


def _visit_total(raw: dict[str, Any]) -> Decimal:
    if raw.get("in_network", True):
        return Decimal(raw["allowed_per_visit"])
    return Decimal(raw["out_of_network"]["billed_per_visit"])


def _balance(raw: dict[str, Any]) -> Decimal:
    if raw.get("in_network", True):
        return Decimal(0)
    billed = Decimal(raw["out_of_network"]["billed_per_visit"])
    return max(billed - Decimal(raw["allowed_per_visit"]), Decimal(0))


@FAST
@given(inputs())
def test_totals_are_the_sums_and_each_visit_splits_its_cost(raw: dict[str, Any]) -> None:
    out = _run(raw)
    assert len(out.per_visit) == raw["visits"]
    assert out.total_patient == sum((v.patient for v in out.per_visit), Decimal(0))
    assert out.total_insurer == sum((v.insurer for v in out.per_visit), Decimal(0))
    for item in out.per_visit:
        assert item.patient + item.insurer == _visit_total(raw)
        assert item.patient >= 0
        assert item.insurer >= 0
        assert item.patient == item.patient.quantize(Decimal("0.01"))


@FAST
@given(inputs())
def test_capped_share_never_exceeds_the_out_of_pocket_maximum(raw: dict[str, Any]) -> None:
    out = _run(raw)
    covered = raw["covered_visits_remaining"]
    capped = [
        v.patient - _balance(raw) for v in out.per_visit if covered is None or v.visit <= covered
    ]
    if raw["oop_max_remaining"] is not None:
        assert sum(capped, Decimal(0)) <= Decimal(raw["oop_max_remaining"])


@FAST
@given(inputs())
def test_one_more_visit_never_costs_the_patient_less(raw: dict[str, Any]) -> None:
    more = {**raw, "visits": raw["visits"] + 1}
    assert _run(more).total_patient >= _run(raw).total_patient
    assert _run(more).per_visit[: raw["visits"]] == _run(raw).per_visit


@FAST
@given(inputs())
def test_json_money_has_at_most_two_decimals(raw: dict[str, Any]) -> None:
    data = _run(raw).model_dump(mode="json")
    amounts = [data["total_patient"], data["total_insurer"]]
    amounts += [v[k] for v in data["per_visit"] for k in ("patient", "insurer")]
    for amount in amounts:
        assert isinstance(amount, float)
        assert Decimal(repr(amount)) == Decimal(repr(amount)).quantize(Decimal("0.01"))
