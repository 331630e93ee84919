"""A new user's first hour with the decision commands and `dorsi exercises` (issue 2, section 2).

Each command reads one JSON object from a file argument or `-`/stdin; text by default, `--json`
prints exactly the output object; bad input is exit 2 with one stderr line, never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_dorsi
from tests.scenarios._cli import EXERCISE_IDS, assert_input_error, exercise_entry

VALID: dict[str, dict[str, Any]] = {
    "screen": {
        "foot_drop_onset": "gradual",
        "days_since_onset": 30,
        "evaluated_by_clinician": True,
        "weakness_trend": "stable",
        "face_droop": False,
        "arm_weakness": False,
        "speech_difficulty": False,
        "vision_loss": False,
        "saddle_numbness": False,
        "bladder_or_bowel_change": False,
        "both_legs_weak": False,
        "severe_numbness": False,
        "injury_with_severe_pain_or_swelling": False,
        "back_pain_with_weakness": False,
        "balance_affected": "no",
        "falls_past_month": 0,
    },
    "plan": {
        "side": "right",
        "cause": "neurological",
        "weeks_since_onset": 10,
        "dorsiflexion_mmt": "3",
        "single_leg_stance_s": 12,
        "falls_past_month": 0,
        "pain_nrs": 1,
        "uses_afo": False,
    },
    "progress": {
        "measurements": [
            {"measure": "lefs", "value": 40, "date": "2024-01-01"},
            {"measure": "lefs", "value": 52, "date": "2024-02-01"},
        ],
        "sessions": [
            {
                "date": "2024-01-20",
                "completed": True,
                "pain_nrs": 2,
                "difficulty": "ok",
                "weakness_worse": False,
                "balance_worse": False,
            }
        ],
        "today": "2024-02-02",
    },
    "outlook": {"cause": "peroneal", "severity": "neurapraxia", "weeks_since_onset": 3},
    "cost": {
        "visits": 2,
        "allowed_per_visit": 90,
        "deductible_remaining": 0,
        "copay_per_visit": 25,
        "coinsurance_pct": 0,
        "oop_max_remaining": None,
        "covered_visits_remaining": None,
    },
}
# A field of each command that must be true/false, and one that must be a number.
BOOL_FIELD = {
    "screen": "face_droop",
    "plan": "uses_afo",
    "cost": "in_network",
}
NUMBER_FIELD = {
    "screen": "days_since_onset",
    "plan": "weeks_since_onset",
    "outlook": "weeks_since_onset",
    "cost": "visits",
}
COMMANDS = tuple(VALID)


@pytest.mark.parametrize("command", [*COMMANDS, "exercises"])
def test_help_explains_the_command(command: str) -> None:
    result = run_dorsi(command, "--help")
    assert result.code == 0
    assert "--json" in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("command", COMMANDS)
def test_file_stdin_and_dash_give_the_same_answer(command: str, tmp_path: Path) -> None:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(VALID[command]), encoding="utf-8")
    from_file = run_dorsi(command, str(path), "--json")
    from_dash = run_dorsi(command, "-", "--json", stdin=json.dumps(VALID[command]))
    from_stdin = run_dorsi(command, "--json", stdin=json.dumps(VALID[command]))
    assert from_file.code == from_dash.code == from_stdin.code == 0
    assert from_file.stdout == from_dash.stdout == from_stdin.stdout
    assert isinstance(from_file.json(), dict)


@pytest.mark.parametrize("command", COMMANDS)
def test_default_output_is_text_for_a_person(command: str) -> None:
    result = run_dorsi(command, stdin=json.dumps(VALID[command]))
    assert result.code == 0
    assert result.stdout.strip()
    assert not result.stdout.lstrip().startswith("{")
    if command in ("screen", "plan", "outlook"):  # cost and progress keep a few long lines
        assert all(len(line) <= 80 for line in result.stdout.splitlines())


UNUSABLE = {
    "empty": ("", "empty"),
    "blank": ("   \n", "empty"),
    "broken": ('{"a":', "JSON"),
    "array": ("[1, 2]", "object"),
    "null": ("null", "object"),
    "string": ('"text"', "object"),
}
# Every command meets the common cases; the rarer ones once (they share one parser).
UNUSABLE_CASES = [(c, k) for c in COMMANDS for k in ("empty", "broken", "array")] + [
    ("screen", "blank"),
    ("plan", "null"),
    ("cost", "string"),
]


@pytest.mark.parametrize(("command", "kind"), UNUSABLE_CASES)
def test_unusable_input_is_one_clear_line(command: str, kind: str, tmp_path: Path) -> None:
    content, words = UNUSABLE[kind]
    path = tmp_path / "input.json"
    path.write_text(content, encoding="utf-8")
    line = assert_input_error(run_dorsi(command, str(path), "--json"))
    assert words in line


@pytest.mark.parametrize("command", COMMANDS)
def test_a_folder_or_a_missing_file_is_named(command: str, tmp_path: Path) -> None:
    assert "folder" in assert_input_error(run_dorsi(command, str(tmp_path)), "INPUT")
    missing = tmp_path / "nope.json"
    assert "does not exist" in assert_input_error(run_dorsi(command, str(missing)), "INPUT")


@pytest.mark.parametrize("command", list(NUMBER_FIELD))
@pytest.mark.parametrize(
    "value", [10**30, -1, "NaN", "12"], ids=["huge", "negative", "nan", "text"]
)
def test_bad_numbers_are_refused_by_name(command: str, value: Any) -> None:
    field = NUMBER_FIELD[command]
    payload = {**VALID[command], field: value}
    assert_input_error(run_dorsi(command, "--json", stdin=json.dumps(payload)), field)


@pytest.mark.parametrize(
    ("command", "literal"),
    [(c, "Infinity") for c in COMMANDS] + [("cost", "NaN"), ("plan", "-Infinity")],
)
def test_json_nan_and_infinity_literals_are_refused(command: str, literal: str) -> None:
    payload = json.loads(json.dumps(VALID[command]))
    if command == "progress":
        payload["measurements"][0]["value"] = "__X__"
        field = "measurements.0.value"
    else:
        field = NUMBER_FIELD[command]
        payload[field] = "__X__"
    text = json.dumps(payload).replace('"__X__"', literal)
    assert_input_error(run_dorsi(command, "--json", stdin=text), field)


@pytest.mark.parametrize("command", list(BOOL_FIELD))
@pytest.mark.parametrize("value", ["true", "yes", 1, None], ids=["str_true", "yes", "one", "null"])
def test_a_string_or_number_for_a_bool_is_refused(command: str, value: Any) -> None:
    field = BOOL_FIELD[command]
    payload = {**VALID[command], field: value}
    assert_input_error(run_dorsi(command, "--json", stdin=json.dumps(payload)), field)


def test_progress_session_bool_given_as_text_is_refused() -> None:
    payload = json.loads(json.dumps(VALID["progress"]))
    payload["sessions"][0]["weakness_worse"] = "false"
    line = assert_input_error(run_dorsi("progress", "--json", stdin=json.dumps(payload)))
    assert "sessions.0.weakness_worse" in line


# --- dorsi exercises [ID] --------------------------------------------------------------------


def test_exercises_lists_all_ten() -> None:
    result = run_dorsi("exercises")
    assert result.code == 0
    for ex_id in EXERCISE_IDS:
        assert ex_id in result.stdout
    listed = run_dorsi("exercises", "--json").json()
    assert [e["id"] for e in listed] == list(EXERCISE_IDS)


@pytest.mark.parametrize("ex_id", EXERCISE_IDS)
def test_one_exercise_in_full(ex_id: str) -> None:
    entry = exercise_entry(ex_id).json()
    for key in (
        "purpose",
        "starting_position",
        "steps",
        "form_cues",
        "common_mistakes",
        "equipment",
        "dosage",
        "prerequisites",
        "stop_rules",
        "regresses_to",
        "progresses_to",
        "phases",
    ):
        assert key in entry, key
    assert entry["steps"]
    assert set(entry["phases"]) <= {1, 2, 3}
    for link in (entry["regresses_to"], entry["progresses_to"]):
        assert link is None or link in EXERCISE_IDS
    dose = entry["dosage"]
    assert (dose["reps"] is None) != (dose["hold_s"] is None)
    text = run_dorsi("exercises", ex_id)
    assert text.code == 0
    assert "1." in text.stdout  # numbered steps
    assert entry["name"] in text.stdout


def test_unknown_exercise_lists_the_valid_ids() -> None:
    result = run_dorsi("exercises", "toe_curls")
    assert result.code != 0
    assert result.stdout == ""
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1
    assert "Traceback" not in line
    for ex_id in EXERCISE_IDS:
        assert ex_id in line
