"""`dorsi screen` as a user runs it: JSON in from a file or stdin, text or --json out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_dorsi
from tests.screen_answers import STABLE_ANSWERS

STABLE: dict[str, Any] = dict(STABLE_ANSWERS)


def test_json_from_stdin_is_exactly_the_output_object() -> None:
    result = run_dorsi("screen", "--json", stdin=json.dumps(STABLE | {"diabetes": False}))
    assert result.code == 0, result.stderr
    out = result.json()
    assert set(out) == {"level", "reasons", "advice", "program_paused", "unanswered"}
    assert out["level"] == "proceed"
    assert out["program_paused"] is False
    assert "diabetes" not in out["unanswered"]
    assert "anticoagulated" in out["unanswered"]


def test_text_from_a_file_is_for_a_patient(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(STABLE | {"face_droop": True}), encoding="utf-8")
    result = run_dorsi("screen", str(path))
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("EMERGENCY")
    assert "911" in result.stdout
    assert "stroke" in result.stdout
    assert not result.stdout.lstrip().startswith("{")


def test_dash_reads_stdin_and_names_every_trigger() -> None:
    answers = STABLE | {"severe_numbness": True, "falls_past_month": 2}
    result = run_dorsi("screen", "-", "--json", stdin=json.dumps(answers))
    assert result.code == 0, result.stderr
    out = result.json()
    assert out["level"] == "urgent"
    assert len(out["reasons"]) == 2


@pytest.mark.parametrize(
    ("stdin", "field"),
    [
        (json.dumps(STABLE | {"face_droop": "no"}), "face_droop"),
        (
            json.dumps({k: v for k, v in STABLE.items() if k != "falls_past_month"}),
            "falls_past_month",
        ),
        (json.dumps(STABLE | {"days_since_onset": -3}), "days_since_onset"),
        (json.dumps(STABLE | {"extra": 1}), "extra"),
        ("{not json", "(input)"),
        ("[" * 5000, "(input)"),  # nested too deep: refused before the parser recurses
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_field(stdin: str, field: str) -> None:
    result = run_dorsi("screen", "--json", stdin=stdin)
    assert result.code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"{field}:" in lines[0]
    assert "Traceback" not in result.stderr


def test_missing_file_exits_2_with_one_line(tmp_path: Path) -> None:
    result = run_dorsi("screen", str(tmp_path / "nope.json"))
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "does not exist" in result.stderr
