"""The outcome measures of issue 20 and the questionnaires: ranges, MDC, sources, terms."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from dorsi.catalog.load import read_yaml, validate_data
from dorsi.catalog.measures import load_measures
from dorsi.catalog.questionnaires import (
    QUESTIONNAIRE_IDS,
    QuestionnaireCatalog,
    load_questionnaires,
)
from dorsi.errors import CatalogError, NotFoundError

NEW = ("fga_score", "six_minute_walk_m", "ankle_df_passive_deg", "abc_pct")


@pytest.mark.parametrize(
    ("measure_id", "low", "high", "mdc"),
    [
        ("fga_score", 0, 30, 6),  # van Bloemendaal (stroke), REFERENCE 2.7
        ("six_minute_walk_m", 0, 1000, 54.1),  # Fulk 2008 (stroke), MDC90
        ("ankle_df_passive_deg", -50, 45, 7.7),  # goniometer, REFERENCE 2.2
        ("abc_pct", 0, 100, 13),  # Steffen & Seney 2008, MDC95
    ],
)
def test_new_measures_have_their_range_and_published_mdc(
    measure_id: str, low: float, high: float, mdc: float
) -> None:
    measure = load_measures().get(measure_id)
    assert (measure.min, measure.max) == (low, high)
    assert measure.direction == "higher"
    assert measure.mdc is not None
    assert measure.mdc.value == mdc
    assert measure.mdc.evidence == "primary"
    assert measure.mdc_at(measure.min) == mdc
    assert not measure.trend_only


@pytest.mark.parametrize("measure_id", NEW)
def test_every_new_number_names_its_source(measure_id: str) -> None:
    measure = load_measures().get(measure_id)
    sourced = [measure.mdc, measure.mcid, *measure.norms]
    for item in sourced:
        if item is None:
            continue
        assert len(item.source) > 20, (measure_id, item)
        # A year or a PMID/doi in every source: a citation, not a hint.
        assert any(ch.isdigit() for ch in item.source), (measure_id, item.source)
    assert measure.loinc is None  # no LOINC verified for these (CODES.md section 1)


def test_passive_and_active_ankle_range_are_separate_measures() -> None:
    catalog = load_measures()
    active, passive = catalog.get("dorsiflexion_arom_deg"), catalog.get("ankle_df_passive_deg")
    assert "passive" in passive.name.lower()
    assert "active" in active.name.lower()
    assert (
        catalog.ids.index("ankle_df_passive_deg") == catalog.ids.index("dorsiflexion_arom_deg") + 1
    )


def test_the_six_minute_walk_mcid_states_its_limits() -> None:
    mcid = load_measures().get("six_minute_walk_m").mcid
    assert mcid is not None
    assert mcid.value == 44
    assert "0.4 m/s" in mcid.source  # only for slow walkers (Fulk & He 2018)


def test_questionnaires_are_lefs_and_abc_with_their_published_shape() -> None:
    catalog = load_questionnaires()
    lefs, abc = catalog.get("lefs"), catalog.get("abc")
    assert (len(lefs.items), lefs.answer_min, lefs.answer_max, lefs.scoring) == (20, 0, 4, "sum")
    assert (len(abc.items), abc.answer_min, abc.answer_max, abc.scoring) == (16, 0, 100, "mean")
    assert (lefs.measure, abc.measure) == ("lefs", "abc_pct")
    assert (lefs.score_min, lefs.score_max) == (0, 80)
    assert (abc.score_min, abc.score_max) == (0, 100)
    assert "Binkley" in lefs.source
    assert "1999" in lefs.source
    assert "Powell" in abc.source
    assert "1995" in abc.source


@pytest.mark.parametrize("questionnaire_id", QUESTIONNAIRE_IDS)
def test_summarised_items_say_so_in_every_language(questionnaire_id: str) -> None:
    form = load_questionnaires().get(questionnaire_id)
    assert form.item_text == "summarised"
    assert form.summary_note is not None
    assert "own words" in form.summary_note.en
    assert "nuestras palabras" in form.summary_note.es
    assert "not a validated translation" in form.terms_of_use
    for item in form.items:
        assert item.en != item.es


def test_a_questionnaire_whose_scores_leave_its_measure_range_fails_to_load() -> None:
    from dorsi.catalog import questionnaires

    data: Any = copy.deepcopy(read_yaml("questionnaires.yaml"))
    data["questionnaires"][0]["answer_max"] = 5
    data["questionnaires"][0]["choices"].append({"value": 5, "label": {"en": "x", "es": "y"}})
    catalog = validate_data("questionnaires.yaml", data, QuestionnaireCatalog)
    with pytest.raises(CatalogError, match="scores run 0-100 but measure 'lefs' is 0-80"):
        questionnaires._check_measures(catalog)


def test_choices_must_cover_the_answers_in_order() -> None:
    data: Any = copy.deepcopy(read_yaml("questionnaires.yaml"))
    data["questionnaires"][0]["choices"].pop(2)
    with pytest.raises(CatalogError, match="choices must be exactly"):
        validate_data("questionnaires.yaml", data, QuestionnaireCatalog)


def test_unknown_questionnaire_lists_the_valid_ones() -> None:
    with pytest.raises(NotFoundError, match="lefs, abc"):
        load_questionnaires().get("sf36")
