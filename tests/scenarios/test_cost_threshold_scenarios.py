"""`dorsi cost` scenarios for issue 17: coinsurance as a percent, yearly therapy thresholds,
and the order in which copay and coinsurance apply, through the real CLI, in both languages."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dorsi.catalog.thresholds import load_thresholds
from tests.conftest import run_dorsi
from tests.scenarios._cli import bad, ok

BASE: dict[str, Any] = {
    "visits": 12,
    "allowed_per_visit": 100,
    "deductible_remaining": 0,
    "copay_per_visit": 10,
    "coinsurance_pct": 20,
}
KX = load_thresholds().medicare_kx


@pytest.mark.parametrize("fraction", [0.2, 0.5, "0.15", 0.99])
def test_a_coinsurance_fraction_is_refused_asking_for_a_percent(fraction: Any) -> None:
    line = bad("cost", {**BASE, "coinsurance_pct": fraction}, "coinsurance_pct")
    assert "percent" in line
    assert "fraction" in line


def test_the_message_gives_the_percent_to_use() -> None:
    line = bad("cost", {**BASE, "coinsurance_pct": 0.2}, "coinsurance_pct")
    assert "20 for 20%" in line


def test_out_of_network_fraction_is_refused_too() -> None:
    raw = {
        **BASE,
        "in_network": False,
        "out_of_network": {
            "billed_per_visit": 150,
            "deductible_remaining": 0,
            "coinsurance_pct": 0.4,
        },
    }
    bad("cost", raw, "out_of_network.coinsurance_pct")


@pytest.mark.parametrize("pct", [0, 1, 20, 100])
def test_whole_percents_are_still_accepted(pct: int) -> None:
    ok("cost", {**BASE, "coinsurance_pct": pct})


def test_the_order_of_copay_and_coinsurance_is_stated() -> None:
    text = ok("cost", BASE)["explanation"]
    assert (
        text.index("deductible first")
        < text.index("then the copay")
        < text.index("then coinsurance")
    )


def test_the_order_is_stated_in_spanish() -> None:
    out = run_dorsi("cost", "-", "--json", "--lang", "es", stdin=json.dumps(BASE))
    assert out.code == 0, out.stderr
    assert "primero el deducible, luego el copago" in out.json()["explanation"]


@pytest.mark.parametrize("year", KX.years)
def test_medicare_kx_threshold_is_named_when_the_course_passes_it(year: int) -> None:
    amount = KX.by_year[year].value
    visits = int(amount // 100) + 1  # one visit past the threshold at $100 a visit
    raw = {**BASE, "visits": visits, "therapy_threshold": {"kind": "medicare_kx", "year": year}}
    text = ok("cost", raw)["explanation"]
    assert f"${amount:,.2f}" in text
    assert f"at visit {visits}" in text
    assert "KX" in text
    assert "not a limit" in text


def test_spent_this_year_counts_toward_the_threshold() -> None:
    raw = {
        **BASE,
        "visits": 3,
        "therapy_threshold": {"kind": "medicare_kx", "year": 2026, "spent_this_year": 2300},
    }
    assert "at visit 2" in ok("cost", raw)["explanation"]
    raw["therapy_threshold"]["spent_this_year"] = 0
    assert "stays under" in ok("cost", raw)["explanation"]


def test_the_review_threshold_is_named_past_it() -> None:
    raw = {**BASE, "visits": 31, "therapy_threshold": {"kind": "medicare_kx", "year": 2026}}
    text = ok("cost", raw)["explanation"]
    assert "$3,000.00" in text
    assert "review" in text


def test_a_plan_threshold_says_what_it_means() -> None:
    raw = {**BASE, "visits": 6, "therapy_threshold": {"kind": "plan", "amount": 500}}
    text = ok("cost", raw)["explanation"]
    assert "at visit 6" in text
    assert "your plan" in text.lower()


def test_the_threshold_does_not_change_the_amounts() -> None:
    plain = ok("cost", {**BASE, "visits": 30})
    with_kx = ok(
        "cost", {**BASE, "visits": 30, "therapy_threshold": {"kind": "medicare_kx", "year": 2026}}
    )
    assert plain["per_visit"] == with_kx["per_visit"]


def test_the_threshold_in_spanish() -> None:
    raw = {**BASE, "visits": 30, "therapy_threshold": {"kind": "medicare_kx", "year": 2026}}
    out = run_dorsi("cost", "-", "--json", "--lang", "es", stdin=json.dumps(raw))
    assert out.code == 0, out.stderr
    text = out.json()["explanation"]
    assert "umbral" in text
    assert "No es un límite" in text


@pytest.mark.parametrize(
    ("threshold", "field"),
    [
        ({"kind": "medicare_kx", "year": 2019}, "therapy_threshold.year"),
        ({"kind": "medicare_kx"}, "therapy_threshold.year"),
        ({"kind": "plan"}, "therapy_threshold.amount"),
        ({"kind": "cap"}, "therapy_threshold.kind"),
        ({"kind": "plan", "amount": -5}, "therapy_threshold.amount"),
    ],
)
def test_bad_thresholds_are_refused_by_name(threshold: dict[str, Any], field: str) -> None:
    bad("cost", {**BASE, "therapy_threshold": threshold}, field)


def test_every_threshold_amount_has_a_source() -> None:
    for amount in [*KX.by_year.values(), KX.review]:
        assert amount.source
        assert amount.evidence in ("primary", "secondary", "low", "clinician_default")
    assert KX.by_year[2026].value == 2480  # REFERENCE 7.4
