"""Per-language catalog text (exercises, red flags), UI strings, and their reading level.

- Every patient text of the exercise and red-flag catalogs is given in English and Spanish;
  loading fails, naming the file and the field, when a language is missing or a text is a
  plain string.
- The Spanish catalog has the same ids, levels and rules as the English one (the language
  never changes a decision), and its texts are real translations, not copies.
- Every patient-facing English UI string in the pages (templates and the labels kept in code)
  reads at US grade 8 or lower (Flesch-Kincaid); long Spanish catalog strings are at least
  "standard" on Fernández-Huerta (60).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from dorsi.catalog import exercises as exercise_module
from dorsi.catalog import red_flags as red_flag_module
from dorsi.catalog.load import read_yaml
from dorsi.catalog.measures import load_measures
from dorsi.catalog.translate import translations
from dorsi.clinical.contract import parse
from dorsi.clinical.screening import ScreenInput, triage
from dorsi.errors import CatalogError, InputError
from dorsi.i18n import gettext_for
from dorsi.web.i18n import MEASURE_WORDS, PROGRAM_CUES, localize_cues
from tests.education.readability import (
    MIN_WORDS,
    fernandez_huerta,
    score_texts,
    too_hard,
    word_count,
)

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "dorsi"
CATALOGS = [
    ("exercises.yaml", exercise_module.TEXT_FIELDS, exercise_module.build_catalog),
    ("red_flags.yaml", red_flag_module.TEXT_FIELDS, red_flag_module.build_catalog),
]
# Short words that are the same in both languages.
SAME_IN_BOTH = {"No", "OK", "m/s"}


def _pairs(filename: str, fields: Any) -> list[tuple[str, Any]]:
    return translations(read_yaml(filename), filename=filename, fields=fields)


@pytest.mark.parametrize(("filename", "fields", "build"), CATALOGS)
def test_every_patient_text_has_both_languages_and_spanish_is_no_copy(
    filename: str, fields: Any, build: Any
) -> None:
    pairs = _pairs(filename, fields)
    assert len(pairs) > 100
    # A label with no letters (a muscle grade such as "4+") reads the same in both languages.
    copies = [
        path for path, text in pairs if text.en == text.es and any(ch.isalpha() for ch in text.en)
    ]
    assert copies == []


@pytest.mark.parametrize(("filename", "fields", "build"), CATALOGS)
def test_a_missing_spanish_string_fails_loading_naming_the_field(
    filename: str, fields: Any, build: Any
) -> None:
    raw = copy.deepcopy(read_yaml(filename))
    path, _ = _pairs(filename, fields)[-1]
    node: Any = raw
    parts = path.split(".")
    for part in parts:
        node = node[int(part)] if isinstance(node, list) else node[part]
    del node["es"]
    for lang in ("en", "es"):
        with pytest.raises(CatalogError) as caught:
            build(copy.deepcopy(raw), lang=lang) if filename == "exercises.yaml" else build(
                copy.deepcopy(raw), lang
            )
        assert filename in caught.value.message
        assert f"'{path}.es'" in caught.value.message


@pytest.mark.parametrize(("filename", "fields", "build"), CATALOGS)
def test_a_plain_string_where_text_needs_every_language_fails(
    filename: str, fields: Any, build: Any
) -> None:
    raw = copy.deepcopy(read_yaml(filename))
    path, text = _pairs(filename, fields)[0]
    node: Any = raw
    *parents, last = path.split(".")
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[int(last) if isinstance(node, list) else last] = text.en
    with pytest.raises(CatalogError, match="every language"):
        build(raw)


def test_a_third_language_in_the_data_is_refused() -> None:
    raw = copy.deepcopy(read_yaml("exercises.yaml"))
    raw["exercises"][0]["name"]["fr"] = "Lever le pied"
    with pytest.raises(CatalogError, match=r"exercises\.0\.name\.fr"):
        exercise_module.build_catalog(raw)


def test_spanish_exercises_keep_every_id_dose_and_rule() -> None:
    english, spanish = exercise_module.load_exercises("en"), exercise_module.load_exercises("es")
    assert english.ids == spanish.ids
    for en, es in zip(english.exercises, spanish.exercises, strict=True):
        assert en.dosage == es.dosage
        assert en.prerequisites == es.prerequisites
        assert (en.kind, en.phases, en.regresses_to) == (es.kind, es.phases, es.regresses_to)
        assert len(en.steps) == len(es.steps)
        assert len(en.stop_rules) == len(es.stop_rules)


def test_spanish_stop_rules_still_cover_weakness_balance_and_pain() -> None:
    for exercise in exercise_module.load_exercises("es").exercises:
        text = " ".join(exercise.stop_rules).lower()
        assert all(word in text for word in ("debilidad", "equilibrio", "dolor")), exercise.id


def test_dropping_a_spanish_stop_rule_about_balance_fails() -> None:
    raw = copy.deepcopy(read_yaml("exercises.yaml"))
    for rule in raw["common_stop_rules"]:
        rule["es"] = rule["es"].replace("equilibrio", "estado")
    with pytest.raises(CatalogError, match="balance"):
        exercise_module.build_catalog(raw, lang="es")
    exercise_module.build_catalog(raw, lang="en")  # English is untouched


def test_unsupported_catalog_language_is_an_input_error() -> None:
    with pytest.raises(InputError):
        exercise_module.load_exercises("fr")
    with pytest.raises(InputError):
        red_flag_module.load_red_flags("fr")
    assert exercise_module.load_exercises("es-MX") is exercise_module.load_exercises("es")


def test_spanish_red_flags_have_the_same_questions_levels_and_rules() -> None:
    english, spanish = red_flag_module.load_red_flags("en"), red_flag_module.load_red_flags("es")
    assert [q.id for q in english.questions] == [q.id for q in spanish.questions]
    assert [(q.kind, q.values) for q in english.questions] == [
        (q.kind, q.values) for q in spanish.questions
    ]
    assert [(r.id, r.level, r.when) for r in english.rules] == [
        (r.id, r.level, r.when) for r in spanish.rules
    ]


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"face_droop": True},
        {"severe_numbness": True},
        {"evaluated_by_clinician": False},
        {"weakness_trend": "worsening", "back_pain_with_weakness": True},
        {"falls_past_month": 3, "anticoagulated": True},
    ],
)
def test_triage_decision_is_the_same_in_every_language(change: dict[str, Any]) -> None:
    from tests.web.conftest import SCREEN_OK

    data = parse(ScreenInput, {**SCREEN_OK, **change})
    english, spanish = triage(data), triage(data, lang="es")
    assert english.level == spanish.level
    assert english.program_paused == spanish.program_paused
    assert english.unanswered == spanish.unanswered
    assert len(english.reasons) == len(spanish.reasons)
    assert english.advice != spanish.advice


def test_every_measure_a_patient_sees_is_translated() -> None:
    spanish = gettext_for("es").gettext
    for measure in load_measures().measures:
        name, unit = MEASURE_WORDS[measure.id]
        assert (name, unit) == (measure.name, measure.unit), measure.id
        assert spanish(name) != name, measure.id


def test_program_cues_are_shown_in_the_readers_language() -> None:
    from dorsi.clinical.program import PlanInput, build_program

    plan = build_program(
        parse(
            PlanInput,
            {
                "side": "right",
                "cause": "lumbar",
                "weeks_since_onset": 4,
                "dorsiflexion_mmt": "2",
                "single_leg_stance_s": 3,
                "falls_past_month": 2,
                "pain_nrs": 6,
                "uses_afo": False,
            },
        )
    )
    spanish = gettext_for("es").gettext
    english_cues = [cue for item in plan.exercises for cue in item.cues]
    shown = localize_cues(english_cues, "es")
    assert len(shown) == len(english_cues)
    untranslated = [en for en, es in zip(english_cues, shown, strict=True) if en == es]
    assert untranslated == []
    assert localize_cues(english_cues, "en") == english_cues
    assert localize_cues(["Mind the cat."], "es") == ["Mind the cat."]  # a clinician's own words
    assert all(spanish(cue) != cue for cue in PROGRAM_CUES)


# --- reading level ---------------------------------------------------------------------------

PATIENT_TEMPLATES = re.compile(
    r"^web/templates/(base|cost|urgent|urgent_result|macros|me/.*|learn/(?!clinic_).*)\.html$"
)
PATIENT_CODE = {"web/pages/common.py", "web/templating.py", "web/i18n.py"}


def _patient_ui_strings() -> list[tuple[str, str]]:
    with (PACKAGE / "locale" / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)  # type: ignore[no-untyped-call]
    found: list[tuple[str, str]] = []
    for filename, _, message, _, _ in extract_from_dir(str(PACKAGE), method_map, options_map):
        if PATIENT_TEMPLATES.match(filename) or filename in PATIENT_CODE:
            text = message if isinstance(message, str) else message[0]
            plain = re.sub(r"<[^>]+>", "", text)
            plain = re.sub(r"%\((\w+)\)s", r"\1", plain).replace("%%", "%")
            found.append((filename, plain))
    return found


def test_the_ui_string_scan_covers_the_patient_pages() -> None:
    files = {filename for filename, _ in _patient_ui_strings()}
    assert {"web/templates/me/today.html", "web/templates/learn/index.html"} <= files
    assert "web/templates/learn/clinic_marks.html" not in files
    assert len(_patient_ui_strings()) > 150


def test_patient_ui_strings_read_at_grade_8_or_lower() -> None:
    strings = _patient_ui_strings()
    scores = score_texts(strings, group="short UI strings")
    hard = [(round(s.grade, 1), s.label, s.text[:80]) for s in too_hard(scores)]
    assert hard == []


@pytest.mark.parametrize(("filename", "fields", "build"), CATALOGS)
def test_long_spanish_catalog_strings_are_easy_enough(
    filename: str, fields: Any, build: Any
) -> None:
    # The blood-thinner help lists drug names as printed on the box: a formula cannot judge
    # them, and plainer words would not help a reader find their medicine.
    exempt = {f"questions.{i}.help" for i, q in enumerate(read_yaml(filename).get("questions", []))
              if q["id"] == "anticoagulated"}  # fmt: skip
    hard = []
    for path, text in _pairs(filename, fields):
        if word_count(text.es) >= MIN_WORDS and path not in exempt:
            ease = fernandez_huerta(text.es)
            if ease < 60:
                hard.append((round(ease), path))
    assert hard == []
