"""`dorsi cost` as a user runs it: JSON in, text or JSON out, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_dorsi

INPUT: dict[str, Any] = {
    "visits": 4,
    "allowed_per_visit": 120,
    "deductible_remaining": 150,
    "copay_per_visit": 20,
    "coinsurance_pct": 20,
    "oop_max_remaining": 250,
    "covered_visits_remaining": 3,
}


def test_json_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "cost.json"
    path.write_text(json.dumps(INPUT), encoding="utf-8")
    result = run_dorsi("cost", str(path), "--json")
    assert result.code == 0, result.stderr
    data = result.json()
    assert [v["patient"] for v in data["per_visit"]] == [120, 64, 40, 120]
    assert [v["insurer"] for v in data["per_visit"]] == [0, 56, 80, 0]
    assert (data["total_patient"], data["total_insurer"]) == (344, 136)
    assert "deductible" in data["explanation"]


def test_text_from_stdin() -> None:
    result = run_dorsi("cost", stdin=json.dumps(INPUT))
    assert result.code == 0, result.stderr
    assert "Total you pay:    $344.00" in result.stdout
    assert "covers 3 more visits" in result.stdout


def test_numeric_strings_and_out_of_network() -> None:
    data = {
        **INPUT,
        "allowed_per_visit": "100.00",
        "in_network": False,
        "out_of_network": {
            "billed_per_visit": "150",
            "deductible_remaining": 0,
            "coinsurance_pct": "30",
        },
        "oop_max_remaining": None,
        "covered_visits_remaining": None,
        "visits": 1,
    }
    result = run_dorsi("cost", "-", "--json", stdin=json.dumps(data))
    assert result.code == 0, result.stderr
    assert result.json()["per_visit"] == [{"visit": 1, "patient": 80.0, "insurer": 70.0}]


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"in_network": False}, "out_of_network"),
        ({"coinsurance_pct": 120}, "coinsurance_pct"),
        ({"allowed_per_visit": -3}, "allowed_per_visit"),
        ({"visits": "four"}, "visits"),
    ],
)
def test_bad_input_exits_2_with_one_line(change: dict[str, Any], needle: str) -> None:
    result = run_dorsi("cost", "--json", stdin=json.dumps({**INPUT, **change}))
    assert result.code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert needle in result.stderr
    assert "Traceback" not in result.stderr
