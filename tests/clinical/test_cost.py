"""Out-of-pocket estimate (`dorsi cost`): the per-visit rule, exact cents, errors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from dorsi.clinical.contract import parse
from dorsi.clinical.cost import CostInput, CostOutput, estimate_cost
from dorsi.errors import InputError


def plan(**change: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "visits": 3,
        "allowed_per_visit": 100,
        "deductible_remaining": 0,
        "copay_per_visit": 0,
        "coinsurance_pct": 20,
        "oop_max_remaining": None,
        "covered_visits_remaining": None,
    }
    raw.update(change)
    return raw


def cost(**change: Any) -> CostOutput:
    return estimate_cost(parse(CostInput, plan(**change)))


def patient(out: CostOutput) -> list[Decimal]:
    return [v.patient for v in out.per_visit]


def D(text: str) -> Decimal:
    return Decimal(text)


def test_deductible_then_copay_then_coinsurance() -> None:
    out = cost(
        visits=4,
        allowed_per_visit=120,
        deductible_remaining=150,
        copay_per_visit=20,
        coinsurance_pct=20,
        oop_max_remaining=250,
        covered_visits_remaining=3,
    )
    # 1: 120 toward the deductible. 2: 30 deductible + 20 copay + 20% of 70 = 64.
    # 3: 20 copay + 20% of 100 = 40. 4: beyond covered visits -> 120 in full.
    assert patient(out) == [D("120"), D("64"), D("40"), D("120")]
    assert [v.insurer for v in out.per_visit] == [D("0"), D("56"), D("80"), D("0")]
    assert (out.total_patient, out.total_insurer) == (D("344"), D("136"))
    assert [v.visit for v in out.per_visit] == [1, 2, 3, 4]


def test_copay_never_exceeds_what_is_left_of_the_allowed_amount() -> None:
    out = cost(visits=1, allowed_per_visit=100, deductible_remaining=90, copay_per_visit=25)
    assert patient(out) == [D("100")]  # 90 deductible + 10 copay, nothing left for coinsurance


def test_coinsurance_rounds_half_up_to_cents() -> None:
    out = cost(visits=1, allowed_per_visit="100.05", coinsurance_pct=10)
    assert patient(out) == [D("10.01")]  # 10.005 -> 10.01
    assert out.per_visit[0].insurer == D("90.04")


def test_input_money_is_rounded_to_cents_half_up() -> None:
    out = cost(visits=1, allowed_per_visit="100.005", coinsurance_pct=0)
    assert out.per_visit[0].insurer == D("100.01")


def test_out_of_pocket_maximum_stops_the_share_mid_course() -> None:
    out = cost(visits=4, oop_max_remaining=50)
    assert patient(out) == [D("20"), D("20"), D("10"), D("0")]
    assert [v.insurer for v in out.per_visit] == [D("80"), D("80"), D("90"), D("100")]
    assert "reach it at visit 3" in out.explanation


def test_zero_maximum_means_the_plan_pays_covered_visits() -> None:
    out = cost(visits=2, deductible_remaining=500, copay_per_visit=30, oop_max_remaining=0)
    assert patient(out) == [D("0"), D("0")]


def test_visits_beyond_coverage_are_paid_in_full_and_not_toward_the_maximum() -> None:
    out = cost(visits=5, oop_max_remaining=45, covered_visits_remaining=2)
    assert patient(out) == [D("20"), D("20"), D("100"), D("100"), D("100")]
    assert "covers 2 more visits" in out.explanation
    # the cap left after two covered visits was not used by the uncovered ones
    assert sum(patient(out)[:2]) <= D("45")


def test_zero_covered_visits_means_every_visit_is_paid_in_full() -> None:
    out = cost(visits=2, covered_visits_remaining=0, oop_max_remaining=10)
    assert patient(out) == [D("100"), D("100")]
    assert out.total_insurer == 0


def oon(**terms: Any) -> dict[str, Any]:
    base = {"billed_per_visit": 180, "deductible_remaining": 50, "coinsurance_pct": 40}
    base.update(terms)
    return base


def test_out_of_network_uses_its_own_terms_no_copay_and_balance_billing() -> None:
    out = cost(
        visits=2,
        deductible_remaining=0,
        copay_per_visit=25,
        in_network=False,
        out_of_network=oon(),
    )
    # 1: 50 deductible + 40% of 50 = 70, plus 80 above allowed. 2: 40% of 100 = 40, plus 80.
    assert patient(out) == [D("150"), D("120")]
    assert [v.insurer for v in out.per_visit] == [D("30"), D("60")]
    assert "balance billing" in out.explanation
    assert "did not add a copay" in out.explanation


def test_balance_billing_never_counts_toward_the_maximum() -> None:
    out = cost(visits=2, oop_max_remaining=10, in_network=False, out_of_network=oon())
    assert patient(out) == [D("90"), D("80")]  # 10 capped share + 80 balance; then 0 + 80
    assert "separate, higher out-of-network maximum" in out.explanation


def test_billed_below_allowed_uses_the_billed_amount() -> None:
    out = cost(
        visits=1,
        in_network=False,
        out_of_network=oon(billed_per_visit=80, deductible_remaining=0, coinsurance_pct=50),
    )
    assert patient(out) == [D("40")]
    assert out.per_visit[0].insurer == D("40")


def test_out_of_network_visits_beyond_coverage_pay_the_billed_amount() -> None:
    out = cost(
        visits=2,
        covered_visits_remaining=1,
        in_network=False,
        out_of_network=oon(deductible_remaining=0),
    )
    assert patient(out) == [D("120"), D("180")]


def test_out_of_network_terms_are_ignored_in_network() -> None:
    assert patient(cost(visits=1, out_of_network=oon())) == [D("20")]


def test_zero_visits_is_valid() -> None:
    out = cost(visits=0)
    assert out.per_visit == ()
    assert (out.total_patient, out.total_insurer) == (D("0"), D("0"))
    assert "No visits" in out.explanation


def test_explanation_says_what_the_words_mean() -> None:
    text = cost().explanation
    for word in ("deductible is", "copay is", "Coinsurance is", "estimate"):
        assert word in text
    assert "No out-of-pocket maximum was given" in text


def test_json_output_is_numbers_with_at_most_two_decimals() -> None:
    out = cost(visits=2, allowed_per_visit="123.45", coinsurance_pct="12.5")
    data = out.model_dump(mode="json")
    assert set(data) == {"per_visit", "total_patient", "total_insurer", "explanation"}
    assert data["per_visit"][0] == {"visit": 1, "patient": 15.43, "insurer": 108.02}
    assert data["total_patient"] == 30.86
    assert isinstance(data["total_insurer"], float)


def test_optional_cap_and_limit_may_be_left_out() -> None:
    raw = plan()
    del raw["oop_max_remaining"], raw["covered_visits_remaining"]
    assert len(estimate_cost(parse(CostInput, raw)).per_visit) == 3


def _error(**change: Any) -> InputError:
    with pytest.raises(InputError) as info:
        estimate_cost(parse(CostInput, plan(**change)))
    return info.value


def test_out_of_network_terms_required_when_not_in_network() -> None:
    err = _error(in_network=False)
    assert err.field == "out_of_network"
    assert "billed_per_visit" in err.message


@pytest.mark.parametrize(
    ("change", "field", "text"),
    [
        ({"allowed_per_visit": -1}, "allowed_per_visit", "0 or more"),
        ({"copay_per_visit": True}, "copay_per_visit", "amount of money"),
        ({"deductible_remaining": "lots"}, "deductible_remaining", "amount of money"),
        ({"deductible_remaining": "NaN"}, "deductible_remaining", "finite"),
        ({"oop_max_remaining": -5}, "oop_max_remaining", "0 or more"),
        ({"coinsurance_pct": 101}, "coinsurance_pct", "0 to 100"),
        ({"coinsurance_pct": -1}, "coinsurance_pct", "0 to 100"),
        ({"visits": -1}, "visits", "greater than or equal to 0"),
        ({"visits": 2.5}, "visits", "integer"),
        ({"visits": 1001}, "visits", "1000"),
        ({"covered_visits_remaining": -1}, "covered_visits_remaining", "0"),
        ({"in_network": "no"}, "in_network", "boolean"),
        ({"discount": 5}, "discount", "not a known field"),
        (
            {"in_network": False, "out_of_network": {"billed_per_visit": 10}},
            "out_of_network.deductible_remaining",
            "required",
        ),
        (
            {"in_network": False, "out_of_network": oon(coinsurance_pct=150)},
            "out_of_network.coinsurance_pct",
            "0 to 100",
        ),
    ],
)
def test_errors_name_the_field_and_what_is_allowed(
    change: dict[str, Any], field: str, text: str
) -> None:
    err = _error(**change)
    assert err.field == field
    assert text in err.message


def test_missing_required_field() -> None:
    raw = plan()
    del raw["visits"]
    with pytest.raises(InputError) as info:
        parse(CostInput, raw)
    assert info.value.field == "visits"
