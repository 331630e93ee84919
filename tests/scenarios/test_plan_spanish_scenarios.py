"""`dorsi plan --lang es`: issue-17 decisions worded in Spanish through the real CLI, the same
decisions as in English (only the words change; the JSON keys and values do not)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from dorsi.catalog.words import load_words
from dorsi.clinical.program_rules import load_program_rules
from tests.conftest import run_dorsi
from tests.scenarios._cli import assert_input_error

BASE: dict[str, Any] = {
    "side": "left",
    "cause": "peroneal",
    "weeks_since_onset": 8,
    "dorsiflexion_mmt": "3+",
    "single_leg_stance_s": 20,
    "falls_past_month": 0,
    "pain_nrs": 1,
    "uses_afo": False,
}


def plan(lang: str, **changes: Any) -> dict[str, Any]:
    result = run_dorsi("plan", "-", "--json", "--lang", lang, stdin=json.dumps({**BASE, **changes}))
    assert result.code == 0, result.stderr
    out: dict[str, Any] = result.json()
    return out


def words(out: dict[str, Any]) -> str:
    return " ".join([*out["rationale"], *out["precautions"], out["bracing"]["reason"]])


def test_a_child_is_sent_to_a_paediatric_therapist_in_spanish() -> None:
    es, en = plan("es", age_years=10), plan("en", age_years=10)
    assert es["exercises"] == en["exercises"] == []
    assert "fisioterapeuta pediátrico" in words(es)
    assert "paediatric therapist" not in words(es)
    assert "paediatric therapist" in words(en)


@pytest.mark.parametrize("changes", [{"cause": "post_operative_sciatic"}, {"pain_nrs": 5}])
def test_the_knee_bent_stretch_is_explained_in_spanish(changes: dict[str, Any]) -> None:
    es, en = (
        plan("es", dorsiflexion_mmt="2", **changes),
        plan("en", dorsiflexion_mmt="2", **changes),
    )
    assert [e["id"] for e in es["exercises"]] == [e["id"] for e in en["exercises"]]
    assert "strap_assisted_toe_raises" not in [e["id"] for e in es["exercises"]]
    assert "rodilla doblada" in words(es)
    assert "knee bent" not in words(es)
    assert "knee bent" in words(en)


def test_the_balance_cap_is_explained_in_spanish() -> None:
    es = plan("es", single_leg_stance_s=3, falls_past_month=1, gait_speed_mps=0.6)
    en = plan("en", single_leg_stance_s=3, falls_past_month=1, gait_speed_mps=0.6)
    assert es["phase"] == en["phase"] <= load_program_rules().balance_cap.max_phase
    ids = [e["id"] for e in es["exercises"]]
    assert "balance_progression" in ids
    assert not {"heel_walking", "step_taps", "single_leg_balance"} & set(ids)
    text = words(es)
    assert "equilibrio se construye paso a paso" in text
    assert "1 caída en el último mes" in text
    assert "Balance needs building up" not in text
    assert "Balance needs building up" in words(en)


def test_a_progressive_cause_gets_no_recovery_promise_in_spanish() -> None:
    es = plan("es", cause="motor_neuron_disease")
    assert "no promete que se recupere" in words(es)
    assert load_program_rules("en").causes["motor_neuron_disease"].rationale not in words(es)
    assert "FES" not in words(es)  # no stimulation for a lower-motor-neuron cause


def test_the_text_output_is_spanish_too() -> None:
    stdin = json.dumps({**BASE, "age_years": 10})
    result = run_dorsi("plan", "-", "--lang", "es", stdin=stdin)
    assert result.code == 0, result.stderr
    assert result.stdout.startswith(load_words("plan").label("no_program", "es"))
    assert "Por qué" in result.stdout


def test_an_unknown_language_is_refused_on_one_line() -> None:
    result = run_dorsi("plan", "-", "--json", "--lang", "fr", stdin=json.dumps(BASE))
    assert "en (English), es" in assert_input_error(result, "--lang")


def _english_phrases() -> list[str]:
    """Every English text of the plan word file (the parts between its placeholders, long
    enough to be a phrase) and of the cause advice."""
    catalog = load_words("plan")
    english = [
        part.strip()
        for message in catalog.messages.values()
        for part in re.split(r"\{\w+\}", message.en)
    ]
    rules_en, rules_es = load_program_rules("en"), load_program_rules("es")
    for cause, advice in rules_en.causes.items():
        english += [advice.rationale, *advice.precautions, *advice.gait_training]
        assert advice.rationale != rules_es.causes[cause].rationale
    for rule in rules_en.phases:
        english.append(rule.goal[1:])  # the goal is said with a small first letter
    return [text for text in english if len(text) >= 15]


def full_words(out: dict[str, Any]) -> str:
    """Every sentence of a plan: the rationale, precautions, bracing, walking advice, cues."""
    cues = [cue for item in out["exercises"] for cue in item["cues"]]
    return " ".join([words(out), *out["gait_training"], *cues])


def test_no_translated_plan_text_leaks_english_into_spanish() -> None:
    """Every text of the issue-17 words and the cause advice differs between the languages,
    and a Spanish plan holds none of the English ones."""
    english = _english_phrases()
    for cause in ("motor_neuron_disease", "post_operative_sciatic", "polyneuropathy"):
        out = words(plan("es", cause=cause, sensation="reduced", age_years=70))
        leaked = [text for text in english if text in out]
        assert leaked == [], leaked


@pytest.mark.parametrize(
    "changes",
    [
        {"dorsiflexion_mmt": "2", "pain_nrs": 7, "weeks_since_onset": 1, "trips_per_week": 3},
        {
            "dorsiflexion_mmt": "3",
            "falls_past_month": 2,
            "single_leg_stance_s": 2,
            "gait_speed_mps": 0.5,
            "trips_per_week": 1,
            "ankle_df_passive_deg": -5,
            "dorsiflexion_arom_deg": 5,
        },
        {"dorsiflexion_mmt": "4", "pain_nrs": 2, "uses_afo": True, "equipment": ["towel"]},
        {"dorsiflexion_mmt": "4+", "falls_past_month": 1, "equipment": []},
        {"dorsiflexion_mmt": "1", "trips_per_week": None, "cause": "stroke"},
    ],
)
def test_a_full_spanish_plan_holds_no_english_sentence(changes: dict[str, Any]) -> None:
    """Grade, pain, fall and review sentences, bracing reasons, walking advice and support
    cues: all in Spanish, the decisions the same as in English."""
    es, en = plan("es", **changes), plan("en", **changes)
    assert [e["id"] for e in es["exercises"]] == [e["id"] for e in en["exercises"]]
    assert es["phase"] == en["phase"]
    assert es["bracing"]["recommend_afo_evaluation"] == en["bracing"]["recommend_afo_evaluation"]
    text = full_words(es)
    leaked = [phrase for phrase in _english_phrases() if phrase in text]
    assert leaked == [], leaked
    assert "grado" in text
    assert "Revisión en" in text
