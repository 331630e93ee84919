"""`dorsi exercises [ID]`: the catalog for people, in a terminal and as JSON."""

from __future__ import annotations

from dorsi.catalog.exercises import load_exercises
from tests.conftest import run_dorsi

CATALOG = load_exercises()


def test_list_shows_every_exercise_with_phases_and_purpose() -> None:
    result = run_dorsi("exercises")
    assert result.code == 0, result.stderr
    for exercise in CATALOG.exercises:
        assert exercise.id in result.stdout
        assert exercise.name in result.stdout
    assert "(Phase 3)" in result.stdout
    assert "(Phases 1, 2)" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 78


def test_list_as_json() -> None:
    result = run_dorsi("exercises", "--json")
    assert result.code == 0, result.stderr
    data = result.json()
    assert [item["id"] for item in data] == list(CATALOG.ids)
    for item in data:
        assert set(item) == {"id", "name", "phases", "purpose"}
        assert item["phases"] == list(CATALOG.get(item["id"]).phases)


def test_one_exercise_in_full_is_wrapped() -> None:
    result = run_dorsi("exercises", "heel_walking")
    assert result.code == 0, result.stderr
    out = result.stdout
    assert out.startswith("Heel walking (heel_walking)")
    for heading in (
        "What it is for",
        "Starting position",
        "Steps",
        "Form cues",
        "Common mistakes",
        "Usual dose",
        "Who can do it",
        "Stop rules",
    ):
        assert heading in out
    assert "  1. " in out
    assert "Below grade 3+: hold a counter." in out
    assert "Easier version: wall_toe_raises" in out
    assert max(len(line) for line in out.splitlines()) <= 78


def test_every_exercise_renders() -> None:
    for exercise_id in CATALOG.ids:
        result = run_dorsi("exercises", exercise_id)
        assert result.code == 0, (exercise_id, result.stderr)
        assert max(len(line) for line in result.stdout.splitlines()) <= 78


def test_one_exercise_as_json_is_the_catalog_entry() -> None:
    result = run_dorsi("exercises", "band_dorsiflexion", "--json")
    assert result.code == 0, result.stderr
    data = result.json()
    assert data == CATALOG.get("band_dorsiflexion").model_dump(mode="json")
    assert data["prerequisites"]["min_dorsiflexion_mmt"]["grade"] == "3"
    assert data["dosage"]["hold_s"] is None


def test_unknown_id_is_one_line_listing_valid_ids() -> None:
    result = run_dorsi("exercises", "moon_walk")
    assert result.code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "moon_walk" in lines[0]
    for exercise_id in CATALOG.ids:
        assert exercise_id in lines[0]
