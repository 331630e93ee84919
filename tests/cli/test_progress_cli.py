"""`dorsi progress` as a user runs it: JSON in, text or JSON out, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_dorsi

INPUT: dict[str, Any] = {
    "measurements": [
        {"measure": "gait_speed_mps", "value": 0.5, "date": "2025-01-01"},
        {"measure": "gait_speed_mps", "value": 0.7, "date": "2025-02-01"},
        {"measure": "dorsiflexion_mmt", "value": "3", "date": "2025-01-01"},
        {"measure": "dorsiflexion_mmt", "value": "3+", "date": "2025-02-01"},
    ],
    "sessions": [
        {
            "date": "2025-01-31",
            "completed": True,
            "pain_nrs": 2,
            "difficulty": "ok",
            "weakness_worse": False,
            "balance_worse": True,
        }
    ],
    "program_start": "2025-01-28",
    "planned_days_per_week": 3,
    "today": "2025-02-03",
}


def test_json_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    path.write_text(json.dumps(INPUT), encoding="utf-8")
    result = run_dorsi("progress", str(path), "--json")
    assert result.code == 0, result.stderr
    data = result.json()
    assert data["measures"]["gait_speed_mps"]["status"] == "improved"
    first = {"baseline", "latest", "change", "mdc", "status"}  # issue 2's keys, still there
    grade = data["measures"]["dorsiflexion_mmt"]
    assert {k: grade[k] for k in first} == {
        "baseline": "3",
        "latest": "3+",
        "change": 0.33,
        "mdc": 1.0,
        "status": "no_real_change",
    }
    assert (grade["best"], grade["previous"], grade["worse_than"]) == ("3", "3", [])
    assert data["alerts"][0]["kind"] == "stop_program"
    assert data["adherence"] == {
        "sessions_done": 1,
        "sessions_planned": 3,
        "percent": 33,
    }
    assert set(data) == {"measures", "alerts", "adherence"}  # issue 2's top level, exactly


def test_text_from_stdin() -> None:
    result = run_dorsi("progress", stdin=json.dumps(INPUT))
    assert result.code == 0, result.stderr
    assert "Progress review" in result.stdout
    assert "[stop_program]" in result.stdout
    assert "one full grade" in result.stdout
    assert "done on 1 of 3 planned days" in result.stdout


def test_without_today_the_clock_is_used() -> None:
    data = {**INPUT}
    del data["today"]
    result = run_dorsi("progress", "-", "--json", stdin=json.dumps(data))
    assert result.code == 0, result.stderr
    assert result.json()["adherence"]["sessions_planned"] > 3


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (
            {"measurements": [{"measure": "grip", "value": 1, "date": "2025-01-01"}]},
            "measurements.0.measure",
        ),
        (
            {"measurements": [{"measure": "tug_s", "value": "3+", "date": "2025-01-01"}]},
            "measurements.0.value",
        ),
        ({"sessions": [{"date": "2025-01-31"}]}, "sessions.0.completed"),
        ({"today": "2025-01-15"}, "measurements.1.date"),
        ({"planned_days_per_week": 9}, "planned_days_per_week"),
    ],
)
def test_bad_input_exits_2_with_one_line(change: dict[str, Any], needle: str) -> None:
    result = run_dorsi("progress", "--json", stdin=json.dumps({**INPUT, **change}))
    assert result.code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert needle in result.stderr
    assert "Traceback" not in result.stderr


def test_not_json_and_missing_file() -> None:
    bad = run_dorsi("progress", stdin="{not json")
    assert bad.code == 2
    assert len(bad.stderr.strip().splitlines()) == 1
    missing = run_dorsi("progress", "/nonexistent/progress.json")
    assert missing.code == 2
    assert "does not exist" in missing.stderr
