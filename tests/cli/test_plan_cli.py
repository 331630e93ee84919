"""`dorsi plan` as a user runs it: JSON in, text or JSON out, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dorsi.clinical.contract import parse
from dorsi.clinical.program import PlanInput, build_program
from tests.conftest import run_dorsi

INPUT: dict[str, Any] = {
    "side": "right",
    "cause": "lumbar",
    "weeks_since_onset": 6,
    "dorsiflexion_mmt": "3",
    "single_leg_stance_s": 6,
    "falls_past_month": 0,
    "pain_nrs": 2,
    "uses_afo": False,
    "trips_per_week": 2,
}


def test_json_from_a_file_matches_the_core(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(INPUT), encoding="utf-8")
    result = run_dorsi("plan", str(path), "--json")
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    expected = build_program(parse(PlanInput, INPUT)).model_dump(mode="json")
    assert result.json() == expected
    assert result.json()["bracing"]["recommend_afo_evaluation"] is True


def test_json_from_stdin() -> None:
    result = run_dorsi("plan", "-", "--json", stdin=json.dumps(INPUT))
    assert result.code == 0, result.stderr
    data = result.json()
    assert data["phase"] == 2
    for item in data["exercises"]:
        assert (item["reps"] is None) != (item["hold_s"] is None)


def test_text_is_readable_and_wrapped() -> None:
    result = run_dorsi("plan", stdin=json.dumps(INPUT))
    assert result.code == 0, result.stderr
    out = result.stdout
    assert out.startswith("Phase 2: Standing")
    for heading in ("Exercises", "Walking practice", "Brace (AFO) check: suggested", "Safety"):
        assert heading in out
    assert "Why this plan" in out
    assert "saddle" in out
    assert "Review in 7 days." in out
    assert max(len(line) for line in out.splitlines()) <= 78


def test_text_names_every_exercise_with_its_dose() -> None:
    result = run_dorsi("plan", stdin=json.dumps(INPUT))
    plan = build_program(parse(PlanInput, INPUT))
    for item in plan.exercises:
        assert f"({item.id})" in result.stdout
    assert "hold a stable counter" in " ".join(result.stdout.split())


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({k: v for k, v in INPUT.items() if k != "pain_nrs"}, "pain_nrs"),
        ({**INPUT, "shoe_size": 9}, "shoe_size"),
        ({**INPUT, "dorsiflexion_mmt": "3++"}, "dorsiflexion_mmt"),
        ({**INPUT, "falls_past_month": "none"}, "falls_past_month"),
        ({**INPUT, "pain_nrs": 12}, "pain_nrs"),
        ({**INPUT, "equipment": ["dumbbell"]}, "equipment.0"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(payload: dict[str, Any], field: str) -> None:
    result = run_dorsi("plan", "--json", stdin=json.dumps(payload))
    assert result.code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"{field}:" in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", ""])
def test_malformed_json_is_one_line(text: str) -> None:
    result = run_dorsi("plan", stdin=text)
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_file_is_one_line(tmp_path: Path) -> None:
    result = run_dorsi("plan", str(tmp_path / "nope.json"))
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "does not exist" in result.stderr


def test_text_for_a_child_says_there_is_no_program_and_why() -> None:
    result = run_dorsi("plan", "-", stdin=json.dumps({**INPUT, "age_years": 9}))
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("No home program")
    assert "paediatric therapist" in result.stdout
    assert "Phase" not in result.stdout


def test_text_for_a_lumbar_cause_lists_the_back_exercises() -> None:
    result = run_dorsi("plan", "-", stdin=json.dumps({**INPUT, "single_leg_stance_s": 20}))
    assert result.code == 0, result.stderr
    assert "(seated_pelvic_tilt)" in result.stdout
    assert "(seated_marching)" in result.stdout
