"""Progress alerts in Spanish: the same review, only the words change (issue 7)."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from hypothesis import given, settings

from dorsi.catalog.measures import load_measures
from dorsi.catalog.words import load_words
from dorsi.clinical.contract import parse
from dorsi.clinical.progress import (
    ProgressInput,
    ProgressOutput,
    review,
    review_history,
)
from dorsi.errors import InputError
from tests.clinical.test_progress import TODAY, m, s
from tests.clinical.test_progress_properties import series as measure_series
from tests.clinical.test_progress_properties import sessions as session_lists
from tests.conftest import run_dorsi
from tests.education.readability import MIN_WORDS, fernandez_huerta, word_count

FAST = settings(max_examples=120, deadline=None)


def both(measurements: list[dict[str, Any]], sessions: list[dict[str, Any]], **extra: Any) -> tuple[
    ProgressOutput, ProgressOutput
]:  # fmt: skip
    raw: dict[str, Any] = {"measurements": measurements, "sessions": sessions, **extra}
    data = parse(ProgressInput, raw)
    return review(data, today=TODAY), review(data, today=TODAY, lang="es")


def same_but_words(en: ProgressOutput, es: ProgressOutput) -> None:
    assert [a.kind for a in en.alerts] == [a.kind for a in es.alerts]
    assert en.measures == es.measures
    assert en.adherence == es.adherence
    for a, b in zip(en.alerts, es.alerts, strict=True):
        assert a.message != b.message
        # the same whole numbers appear in both (decimals are written 0,5 in Spanish)
        digits = re.compile(r"\d+")
        assert sorted(digits.findall(a.message)) == sorted(digits.findall(b.message)), a.kind


@FAST
@given(measure_series(), session_lists())
def test_kinds_statuses_and_numbers_are_identical_in_both_languages(
    values: list[dict[str, Any]], logged: list[dict[str, Any]]
) -> None:
    en, es = both(values, logged, program_start=(TODAY - dt.timedelta(days=120)).isoformat())
    same_but_words(en, es)


def test_every_alert_kind_has_spanish_words() -> None:
    grade_down = [m("dorsiflexion_mmt", "4", 60), m("dorsiflexion_mmt", "3", 1)]
    speed_down = [m("gait_speed_mps", 0.9, 60), m("gait_speed_mps", 0.5, 1)]
    falls_up = [m("falls_past_month", 0, 60), m("falls_past_month", 3, 1)]
    hard = [s(2, pain=7, difficulty="hard"), s(1, pain=7, difficulty="hard", weakness_worse=True)]
    en, es = both(grade_down + speed_down + falls_up, hard, program_start="2020-01-01")
    assert {"stop_program", "worsening", "regress", "low_adherence"} <= {a.kind for a in es.alerts}
    same_but_words(en, es)
    text = " ".join(a.message for a in es.alerts)
    assert "Deje los ejercicios" in text
    assert "911" in text
    assert "0,9 m/s" in text
    assert "0,5 m/s" in text
    assert "grado 4" in text
    ready = [m("lefs", 30, 60), m("lefs", 50, 1)]
    start = (TODAY - dt.timedelta(days=20)).isoformat()
    daily = [s(d) for d in range(1, 20)]
    en, es = both(ready, daily, program_start=start, planned_days_per_week=7)
    assert "ready_to_progress" in [a.kind for a in es.alerts]
    same_but_words(en, es)
    en, es = both([], [])
    assert [a.kind for a in es.alerts] == ["reassessment_due"]
    assert es.alerts[0].message.startswith("Todavía no hay medidas")


def test_review_history_takes_the_language_too() -> None:
    data = parse(ProgressInput, {"measurements": [], "sessions": [s(1, balance_worse=True)]})
    out = review_history(
        measurements=[],
        sessions=data.sessions,
        program_start=None,
        planned_days_per_week=None,
        today=TODAY,
        lang="es-MX",
    )
    assert out.alerts[0].kind == "stop_program"
    assert "tenía peor equilibrio" in out.alerts[0].message


def test_unknown_language_is_refused() -> None:
    data = parse(ProgressInput, {"measurements": [], "sessions": []})
    with pytest.raises(InputError, match="en \\(English\\), es \\(Español\\)"):
        review(data, today=TODAY, lang="fr")


def test_every_measure_has_spanish_words() -> None:
    words = load_words("progress")
    ids = {x.id for x in load_measures().measures}
    assert set(words.measures_es) == ids
    for measure in load_measures().measures:
        if (
            measure.relative_mdc is not None
            or measure.mdc_strata
            or measure.value_kind == "mmt_grade"
        ):
            assert words.measures_es[measure.id].mdc_rule, measure.id


def test_spanish_templates_are_easy_enough_and_not_english() -> None:
    words = load_words("progress")
    texts = [*words.messages.values(), *words.cli.values()]
    hard = [
        (round(fernandez_huerta(t.es)), t.es[:60])
        for t in texts
        if word_count(t.es) >= MIN_WORDS and fernandez_huerta(t.es) < 60
    ]
    assert hard == []
    assert all(t.es != t.en for t in texts if word_count(t.en) > 3)


def test_cli_progress_in_spanish_and_bad_language() -> None:
    session = {"date": "2026-02-28", "completed": True, "pain_nrs": 1, "difficulty": "ok"}
    raw = json.dumps(
        {
            "today": "2026-03-01",
            "measurements": [],
            "sessions": [{**session, "weakness_worse": True, "balance_worse": False}],
        }
    )
    out = run_dorsi("progress", "--lang", "es", stdin=raw)
    assert out.code == 0, out.stderr
    assert "Revisión del progreso" in out.stdout
    assert "Avisos:" in out.stdout
    assert "sintió la pierna o el pie más débil" in out.stdout
    as_json = run_dorsi("progress", "--lang", "es", "--json", stdin=raw).json()
    english = run_dorsi("progress", "--json", stdin=raw).json()
    assert [a["kind"] for a in as_json["alerts"]] == [a["kind"] for a in english["alerts"]]
    assert english["alerts"][0]["message"].startswith("Stop the home exercises")
    bad = run_dorsi("progress", "--lang", "fr", stdin=raw)
    assert bad.code == 2
    assert bad.stderr.count("\n") == 1
    assert "--lang" in bad.stderr
