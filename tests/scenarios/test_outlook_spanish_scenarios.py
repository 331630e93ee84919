"""`dorsi outlook --lang es`: the issue-17 outlook bullets worded in Spanish through the real
CLI, with the same decisions as in English (only the words change; the JSON keys, the weeks and
the prognosis do not)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from dorsi.catalog.recovery import load_recovery
from dorsi.catalog.words import load_words
from tests.conftest import run_dorsi
from tests.scenarios._cli import assert_input_error

KEYS = {
    "expected_weeks",
    "weeks_counted_from",
    "prognosis",
    "basis",
    "signs_of_healing",
    "when_to_discuss_surgery",
    "factors_helping",
    "factors_hindering",
}


def outlook(lang: str, **payload: Any) -> dict[str, Any]:
    stdin = json.dumps({"severity": "unknown", "weeks_since_onset": 10, **payload})
    result = run_dorsi("outlook", "-", "--json", "--lang", lang, stdin=stdin)
    assert result.code == 0, result.stderr
    out: dict[str, Any] = result.json()
    assert set(out) == KEYS
    return out


def words(out: dict[str, Any]) -> str:
    return " ".join(
        [
            out["basis"],
            out["when_to_discuss_surgery"],
            *out["signs_of_healing"],
            *out["factors_helping"],
            *out["factors_hindering"],
        ]
    )


def same_decision(es: dict[str, Any], en: dict[str, Any]) -> None:
    for key in ("expected_weeks", "weeks_counted_from", "prognosis"):
        assert es[key] == en[key], key
    for key in ("signs_of_healing", "factors_helping", "factors_hindering"):
        assert len(es[key]) == len(en[key]), key


def test_a_progressive_cause_has_no_window_and_says_so_in_spanish() -> None:
    es = outlook("es", cause="motor_neuron_disease", weeks_since_onset=30)
    en = outlook("en", cause="motor_neuron_disease", weeks_since_onset=30)
    same_decision(es, en)
    assert es["expected_weeks"] is None
    assert es["prognosis"] == "progressive"
    assert "empeora poco a poco" in es["basis"]
    assert "semana 30" in es["basis"]
    assert "slowly gets worse" not in words(es)
    assert "slowly gets worse" in en["basis"]


def test_ms_is_uncertain_with_what_to_watch_for_in_spanish() -> None:
    es = outlook("es", cause="multiple_sclerosis")
    en = outlook("en", cause="multiple_sclerosis")
    same_decision(es, en)
    assert es["prognosis"] == "uncertain"
    course = load_recovery().courses["multiple_sclerosis"]
    assert es["signs_of_healing"] == list(course.es.watch_for)
    assert "recaída" in " ".join(es["signs_of_healing"])
    assert "relapse" not in words(es)


def test_a_complete_lesion_counts_from_the_repair_week_in_spanish() -> None:
    payload = {
        "cause": "peroneal",
        "severity": "neurotmesis",
        "weeks_since_onset": 10,
        "nerve_repair_week": 4,
        "lesion_to_muscle_cm": 8,
    }
    es, en = outlook("es", **payload), outlook("en", **payload)
    same_decision(es, en)
    assert es["prognosis"] == "poor"
    assert es["expected_weeks"]["low"] >= 4 + 2 + 12  # repair + start delay + muscle
    assert "se reparó en la semana 4" in es["basis"]
    assert "se reparó en la semana 4" in es["when_to_discuss_surgery"]
    assert "repaired at week 4" in en["basis"]
    assert "repaired" not in words(es)


def test_diabetes_makes_the_estimate_later_and_says_so_in_spanish() -> None:
    base = {"cause": "peroneal", "severity": "axonotmesis", "lesion_to_muscle_cm": 10}
    plain = outlook("es", **base)
    es = outlook("es", **base, factors={"diabetes": "hinders"})
    en = outlook("en", **base, factors={"diabetes": "hinders"})
    same_decision(es, en)
    assert es["expected_weeks"]["high"] > plain["expected_weeks"]["high"]
    assert es["expected_weeks"]["low"] == plain["expected_weeks"]["low"]
    assert "diabetes" in es["basis"]
    assert "se retrasó" in es["basis"]
    assert es["factors_hindering"] == [load_recovery().factor("diabetes").es.hinders]
    assert "the high end was made later" not in es["basis"]


def test_decimals_are_written_with_a_comma_in_spanish() -> None:
    es = outlook("es", cause="peroneal", severity="axonotmesis", lesion_to_muscle_cm=12.5)
    assert "12,5 cm" in es["basis"]
    assert "12.5 cm" not in es["basis"]


def test_the_text_output_is_spanish_too() -> None:
    stdin = json.dumps(
        {"cause": "hereditary_neuropathy", "severity": "unknown", "weeks_since_onset": 50}
    )
    result = run_dorsi("outlook", "-", "--lang", "es", stdin=stdin)
    assert result.code == 0, result.stderr
    labels = load_words("outlook")
    assert result.stdout.startswith(labels.label("headline_none", "es"))
    assert labels.label("watch_progressive", "es") in result.stdout
    assert "Pronóstico: progresivo." in result.stdout
    assert "What this is based on" not in result.stdout


def test_an_unknown_language_is_refused_on_one_line() -> None:
    stdin = json.dumps({"cause": "peroneal", "severity": "unknown", "weeks_since_onset": 3})
    result = run_dorsi("outlook", "-", "--json", "--lang", "fr", stdin=stdin)
    assert "en (English), es" in assert_input_error(result, "--lang")


def _english_texts() -> list[str]:
    """Every English text of the recovery catalog and the outlook word file (the parts of a
    template between its placeholders, long enough to be a phrase)."""
    rec = load_recovery()
    texts: list[str] = []
    for course in rec.courses.values():
        texts += [course.expect, course.helps[1:], *course.watch_for]
    for factor in rec.factors:
        texts += [factor.helps, factor.hinders]
    texts += [sign.text for sign in rec.signs_of_healing]
    for message in load_words("outlook").messages.values():
        texts += [part.strip() for part in re.split(r"\{\w+\}", message.en)]
    return [text for text in texts if len(text) >= 20]


@pytest.mark.parametrize(
    "payload",
    [
        {"cause": "peroneal", "severity": "unknown", "weeks_since_onset": 20, "age_years": 70},
        {"cause": "lumbar", "severity": "axonotmesis", "weeks_since_onset": 8},
        {"cause": "unknown", "severity": "unknown", "weeks_since_onset": 100},
        {"cause": "stroke", "severity": "neurapraxia", "lesion_to_muscle_cm": 5},
        {"cause": "post_operative_sciatic", "severity": "axonotmesis", "lesion_to_muscle_cm": 50},
        {"cause": "polyneuropathy", "severity": "axonotmesis", "factors": {"sleep": "hinders"}},
        {"cause": "peroneal", "severity": "neurotmesis", "lesion_to_muscle_cm": 25},
    ],
)
def test_no_english_outlook_text_leaks_into_spanish(payload: dict[str, Any]) -> None:
    out = words(outlook("es", **payload))
    leaked = [text for text in _english_texts() if text in out]
    assert leaked == [], leaked
