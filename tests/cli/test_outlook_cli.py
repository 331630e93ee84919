"""`dorsi outlook` as a user runs it: JSON in from a file or stdin, text or --json out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_dorsi

INPUT = {
    "cause": "peroneal",
    "severity": "axonotmesis",
    "weeks_since_onset": 6,
    "lesion_to_muscle_cm": 30,
}


def test_json_from_stdin_is_exactly_the_output_object() -> None:
    result = run_dorsi("outlook", "--json", stdin=json.dumps(INPUT))
    assert result.code == 0, result.stderr
    out = result.json()
    assert out["weeks_counted_from"] == "onset"
    assert out["expected_weeks"]["high"] >= 43
    assert 0 <= out["expected_weeks"]["low"] <= out["expected_weeks"]["high"]
    assert out["prognosis"] == "guarded"
    assert isinstance(out["signs_of_healing"], list)


def test_text_from_a_file_is_for_a_patient(tmp_path: Path) -> None:
    path = tmp_path / "outlook.json"
    payload = INPUT | {"factors": {"sleep": "helps", "workload": "hinders"}}
    path.write_text(json.dumps(payload), encoding="utf-8")
    result = run_dorsi("outlook", str(path))
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("Expected recovery: about")
    assert "counted from onset" in result.stdout
    assert "What helps you:" in result.stdout


@pytest.mark.parametrize(
    ("stdin", "field"),
    [
        (json.dumps(INPUT | {"severity": "broken"}), "severity"),
        (json.dumps(INPUT | {"weeks_since_onset": -1}), "weeks_since_onset"),
        (json.dumps(INPUT | {"factors": {"mood": "helps"}}), "factors.mood"),
        ("[1, 2]", "(input)"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_field(stdin: str, field: str) -> None:
    result = run_dorsi("outlook", "--json", stdin=stdin)
    assert result.code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"{field}" in lines[0]
    assert "Traceback" not in result.stderr
