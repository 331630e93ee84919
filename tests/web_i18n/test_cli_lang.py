"""``dorsi exercises --lang es``: the exercise catalog in Spanish in the terminal."""

from __future__ import annotations

from dorsi.catalog.exercises import load_exercises
from tests.conftest import run_dorsi


def test_one_exercise_in_spanish() -> None:
    result = run_dorsi("exercises", "heel_walking", "--lang", "es")
    assert result.code == 0, result.stderr
    spanish = load_exercises("es").get("heel_walking")
    assert spanish.name in result.stdout
    assert "Pasos" in result.stdout
    assert "Cuándo parar" in result.stdout
    assert "Steps" not in result.stdout


def test_list_and_json_in_spanish() -> None:
    listed = run_dorsi("exercises", "--lang", "ES-mx")
    assert listed.code == 0, listed.stderr
    assert all(e.name in listed.stdout for e in load_exercises("es").exercises)
    as_json = run_dorsi("exercises", "towel_scrunches", "--json", "--lang", "es").json()
    assert as_json["steps"] == list(load_exercises("es").get("towel_scrunches").steps)


def test_english_stays_the_default() -> None:
    result = run_dorsi("exercises", "heel_walking")
    assert result.code == 0
    assert load_exercises("en").get("heel_walking").name in result.stdout
    assert "Steps" in result.stdout


def test_unsupported_language_is_one_line_exit_2() -> None:
    result = run_dorsi("exercises", "--lang", "fr")
    assert result.code == 2
    assert result.stderr.count("\n") == 1
    assert "--lang" in result.stderr
    assert "es (Español)" in result.stderr
