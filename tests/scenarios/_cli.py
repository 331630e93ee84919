"""Helpers for the held-out-style scenarios: drive the real ``dorsi`` CLI with JSON in and out.

These scenarios are written from the text of issues 2 and 8 only (the contract), not from the
implementation, so they check what an outside caller relies on.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from tests.conftest import CliResult, run_dorsi

LEVELS = ("proceed", "see_clinician", "urgent", "emergency")
MMT_GRADES = ("0", "1", "2-", "2", "2+", "3-", "3", "3+", "4-", "4", "4+", "5")
EXERCISE_IDS = (
    "seated_dorsiflexion",
    "band_dorsiflexion",
    "wall_toe_raises",
    "heel_walking",
    "ankle_alphabet",
    "towel_scrunches",
    "step_taps",
    "single_leg_balance",
    "yoga_toe_lifts",
    "strap_assisted_toe_raises",
    "balance_progression",
    "seated_pelvic_tilt",
    "seated_marching",
)


def rank(level: str) -> int:
    """Order of triage levels: proceed < see_clinician < urgent < emergency."""
    return LEVELS.index(level)


def grade_rank(grade: str) -> int:
    return MMT_GRADES.index(grade)


def call(command: str, payload: Any) -> CliResult:
    """Run ``dorsi COMMAND - --json`` with ``payload`` (dumped to JSON unless already a string).

    The commands are deterministic (progress scenarios always pass ``today``), so identical
    inputs are run once per session: each real run costs a process start.
    """
    stdin = payload if isinstance(payload, str) else json.dumps(payload, sort_keys=True)
    return _run_cached(command, stdin)


@cache
def _run_cached(command: str, stdin: str) -> CliResult:
    return run_dorsi(command, "-", "--json", stdin=stdin)


@cache
def exercise_entry(ex_id: str) -> CliResult:
    """``dorsi exercises ID --json`` (the catalog entry anyone can see), run once per id."""
    return run_dorsi("exercises", ex_id, "--json")


def ok(command: str, payload: Any) -> Any:
    """Run a command that must succeed; return its JSON output."""
    result = call(command, payload)
    assert result.code == 0, f"exit {result.code}: {result.stderr}"
    assert "Traceback" not in result.stderr
    return result.json()


def assert_input_error(result: CliResult, *fields: str) -> str:
    """Exit 2, nothing on stdout, one stderr line naming each field, never a traceback."""
    assert result.code == 2, f"exit {result.code}: {result.stdout} {result.stderr}"
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for field in fields:
        assert field in lines[0], f"{field!r} not named in {lines[0]!r}"
    return lines[0]


def bad(command: str, payload: Any, *fields: str) -> str:
    """Run a command with bad input and check the one-line error; return the line."""
    return assert_input_error(call(command, payload), *fields)


def text_of(value: Any) -> str:
    """All strings inside a JSON value, lower-cased and joined (for wording checks)."""
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, dict):
        return " ".join(text_of(v) for v in value.values())
    if isinstance(value, list):
        return " ".join(text_of(v) for v in value)
    return ""
