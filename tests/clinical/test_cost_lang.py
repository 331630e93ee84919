"""The cost explanation in Spanish: the same amounts, only the words change (issue 7)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings

from dorsi.catalog.words import load_words
from dorsi.clinical.contract import parse
from dorsi.clinical.cost import CostInput, estimate_cost
from dorsi.errors import InputError
from tests.clinical.test_cost_properties import inputs
from tests.conftest import run_dorsi
from tests.education.readability import MIN_WORDS, fernandez_huerta, word_count

MONEY = re.compile(r"\$[\d,]+\.\d\d|\d+(?:\.\d+)?%")


@settings(max_examples=150, deadline=None)
@given(inputs())
def test_amounts_are_identical_and_every_figure_is_in_both(raw: dict[str, Any]) -> None:
    data = parse(CostInput, raw)
    en, es = estimate_cost(data), estimate_cost(data, lang="es")
    assert en.model_dump(exclude={"explanation"}) == es.model_dump(exclude={"explanation"})
    assert es.explanation != en.explanation
    assert MONEY.findall(en.explanation) == MONEY.findall(es.explanation)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"visits": 0}, "No pidió ninguna visita"),
        ({"oop_max_remaining": None}, "No dio un máximo"),
        ({"oop_max_remaining": "50"}, "Lo alcanza en la visita 1"),
        (
            {"covered_visits_remaining": 1},
            "Su plan cubre 1 visita más. Usted paga todo el costo de 3 visitas",
        ),
        (
            {
                "in_network": False,
                "out_of_network": {
                    "billed_per_visit": "150",
                    "deductible_remaining": "0",
                    "coinsurance_pct": "40",
                },
            },
            "facturación del saldo",
        ),
    ],
)
def test_each_branch_has_spanish_words(extra: dict[str, Any], expected: str) -> None:
    raw: dict[str, Any] = {
        "visits": 4,
        "allowed_per_visit": "100",
        "deductible_remaining": "100",
        "copay_per_visit": "20",
        "coinsurance_pct": "20",
        "oop_max_remaining": "1000",
        **extra,
    }
    assert expected in estimate_cost(parse(CostInput, raw), lang="es").explanation


def test_unknown_language_is_refused() -> None:
    raw = {"visits": 1, "allowed_per_visit": "1", "deductible_remaining": "0"}
    data = parse(CostInput, {**raw, "copay_per_visit": "0", "coinsurance_pct": "0"})
    with pytest.raises(InputError, match="lang"):
        estimate_cost(data, lang="de")


def test_spanish_cost_words_are_easy_enough() -> None:
    texts = load_words("cost").messages.values()
    hard = [
        (round(fernandez_huerta(t.es)), t.es[:60])
        for t in texts
        if word_count(t.es) >= MIN_WORDS and fernandez_huerta(t.es) < 60
    ]
    assert hard == []


def test_cli_cost_in_spanish() -> None:
    raw = json.dumps(
        {
            "visits": 3,
            "allowed_per_visit": 120,
            "deductible_remaining": 50,
            "copay_per_visit": 30,
            "coinsurance_pct": 20,
        }
    )
    out = run_dorsi("cost", "--lang", "es", stdin=raw)
    assert out.code == 0, out.stderr
    assert "Costo estimado" in out.stdout
    assert "Qué quieren decir las palabras" in out.stdout
    english = run_dorsi("cost", "--json", stdin=raw).json()
    spanish = run_dorsi("cost", "--json", "--lang", "es", stdin=raw).json()
    assert english["total_patient"] == spanish["total_patient"]
    assert english["per_visit"] == spanish["per_visit"]
    bad = run_dorsi("cost", "--lang", "xx", stdin=raw)
    assert bad.code == 2
    assert bad.stderr.count("\n") == 1
