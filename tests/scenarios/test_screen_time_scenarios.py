"""`dorsi screen --json` scenarios of issue 17 (time and cause count), in English and Spanish."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dorsi.catalog.red_flags import load_red_flags
from tests.conftest import run_dorsi
from tests.scenarios._cli import bad
from tests.scenarios.test_screen_scenarios import STABLE, assert_shape
from tests.screen_time_cases import CASES

NEW_FIELDS = (
    "stroke_ruled_out_by_physician",
    "stroke_signs_long_standing",
    "weeks_since_injury_or_surgery",
    "pain_both_legs",
    "severe_leg_pain_without_injury",
    "dorsiflexion_mmt",
    "numbness_long_standing",
)


def screen(lang: str, changes: dict[str, Any]) -> dict[str, Any]:
    result = run_dorsi(
        "screen", "-", "--json", "--lang", lang, stdin=json.dumps({**STABLE, **changes})
    )
    assert result.code == 0, result.stderr
    out: dict[str, Any] = result.json()
    return out


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize(
    ("changes", "level", "rule_id"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_issue_17_case(lang: str, changes: dict[str, Any], level: str, rule_id: str) -> None:
    out = screen(lang, changes)
    assert_shape(out)
    assert out["level"] == level
    catalog = load_red_flags(lang)
    if rule_id:
        rule = next(r for r in catalog.rules if r.id == rule_id)
        assert out["reasons"][0] == rule.reason
    else:
        assert out["reasons"] == [catalog.proceed_reason]
    assert catalog.level_info(out["level"]).advice in out["advice"]


def test_old_inputs_stay_valid_and_list_every_new_question_as_unanswered() -> None:
    out = screen("en", {})
    assert out["level"] == "proceed"
    assert set(NEW_FIELDS) <= set(out["unanswered"])
    answered = screen("en", {"pain_both_legs": False, "weeks_since_injury_or_surgery": 2.5})
    assert "pain_both_legs" not in answered["unanswered"]
    assert "weeks_since_injury_or_surgery" not in answered["unanswered"]


def test_an_unanswered_softening_question_takes_the_safer_side() -> None:
    unanswered = screen("en", {"knee_dislocation_or_leg_fracture": True})
    assert unanswered["level"] == "emergency"
    assert "weeks_since_injury_or_surgery" in unanswered["unanswered"]


def test_slowly_worsening_advice_names_a_neurology_review() -> None:
    for lang, word in (("en", "neurology"), ("es", "neurología")):
        out = screen(lang, {"weakness_trend": "slowly_worsening"})
        assert word in out["advice"]


def test_known_numbness_advice_is_foot_care() -> None:
    out = screen("en", {"severe_numbness": True, "numbness_long_standing": True})
    assert "every day" in out["advice"]
    assert "shoes" in out["advice"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("dorsiflexion_mmt", "6"),
        ("dorsiflexion_mmt", "3++"),
        ("weeks_since_injury_or_surgery", -1),
        ("weeks_since_injury_or_surgery", "soon"),
        ("stroke_ruled_out_by_physician", "maybe"),
        ("weakness_trend", "slowly"),
    ],
)
def test_bad_new_answers_are_one_line_errors_naming_the_field(field: str, value: Any) -> None:
    bad("screen", {**STABLE, field: value}, field)


def test_text_output_in_spanish() -> None:
    result = run_dorsi(
        "screen", "-", "--lang", "es", stdin=json.dumps({**STABLE, "pain_both_legs": True})
    )
    assert result.code == 0, result.stderr
    assert "Qué hacer ahora:" in result.stdout
    assert "EMERGENCIA" in result.stdout
