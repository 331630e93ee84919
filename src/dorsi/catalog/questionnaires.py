"""The patient questionnaires (``data/questionnaires.yaml``): items, answers, scoring rule.

Each questionnaire names the measure its score is stored as (``lefs``, ``abc_pct``); loading
checks that the measure exists and that the whole range of possible scores is the measure's
valid range, so a score can never be refused by the progress review it feeds.

Item text is a summary in Dorsi's own words wherever the instrument's terms do not allow its
wording to be reproduced or translated (``item_text: summarised``); ``terms_of_use`` records
what was found, and the pages show ``summary_note`` beside the form.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import Field, model_validator

from dorsi.catalog.load import load_data
from dorsi.catalog.measures import load_measures
from dorsi.catalog.sourced import CatalogModel
from dorsi.errors import CatalogError, NotFoundError
from dorsi.i18n import Translated

QuestionnaireId = Literal["lefs", "abc"]
QUESTIONNAIRE_IDS: tuple[QuestionnaireId, ...] = ("lefs", "abc")


class Choice(CatalogModel):
    """One answer a patient can pick, with its words."""

    value: int
    label: Translated


class Questionnaire(CatalogModel):
    """One questionnaire: its items, the answers each takes, and how it is scored."""

    id: QuestionnaireId
    measure: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Translated
    source: str = Field(min_length=20)
    terms_of_use: str = Field(min_length=20)
    item_text: Literal["published", "summarised"]
    summary_note: Translated | None = None
    question: Translated
    scoring: Literal["sum", "mean"]
    missing_items: Literal["refuse"]
    answer_min: int
    answer_max: int
    answer_step: int = Field(ge=1)
    choices: tuple[Choice, ...] = ()
    items: tuple[Translated, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Questionnaire:
        if self.answer_min >= self.answer_max:
            raise ValueError("answer_min must be below answer_max")
        if self.item_text == "summarised" and self.summary_note is None:
            raise ValueError("summarised items need a summary_note saying so")
        if self.choices:
            values = [c.value for c in self.choices]
            expected = list(range(self.answer_min, self.answer_max + 1, self.answer_step))
            if values != expected:
                raise ValueError(f"choices must be exactly {expected} in order (got {values})")
        return self

    @property
    def score_min(self) -> float:
        return self.answer_min * (len(self.items) if self.scoring == "sum" else 1)

    @property
    def score_max(self) -> float:
        return self.answer_max * (len(self.items) if self.scoring == "sum" else 1)


class QuestionnaireCatalog(CatalogModel):
    questionnaires: tuple[Questionnaire, ...]

    @model_validator(mode="after")
    def _check(self) -> QuestionnaireCatalog:
        ids = tuple(q.id for q in self.questionnaires)
        if ids != QUESTIONNAIRE_IDS:
            raise ValueError(f"questionnaires must be exactly {list(QUESTIONNAIRE_IDS)} in order")
        return self

    def get(self, questionnaire_id: str) -> Questionnaire:
        """The questionnaire ``questionnaire_id``; :class:`NotFoundError` lists the valid ids."""
        for item in self.questionnaires:
            if item.id == questionnaire_id:
                return item
        raise NotFoundError(
            f"no questionnaire '{questionnaire_id}'; valid: {', '.join(QUESTIONNAIRE_IDS)}"
        )


def _check_measures(catalog: QuestionnaireCatalog) -> None:
    measures = load_measures()
    for item in catalog.questionnaires:
        where = f"catalog file data/questionnaires.yaml: questionnaire '{item.id}'"
        known = {m.id: m for m in measures.measures}
        measure = known.get(item.measure)
        if measure is None:
            raise CatalogError(f"{where}: unknown measure '{item.measure}'")
        if (measure.min, measure.max) != (item.score_min, item.score_max):
            raise CatalogError(
                f"{where}: scores run {item.score_min:g}-{item.score_max:g} but measure "
                f"'{measure.id}' is {measure.min:g}-{measure.max:g}"
            )
        if measure.direction != "higher":
            raise CatalogError(f"{where}: a higher score is better, so must be the measure's")


@cache
def load_questionnaires() -> QuestionnaireCatalog:
    """The questionnaires (validated once, then cached)."""
    catalog = load_data("questionnaires.yaml", QuestionnaireCatalog)
    _check_measures(catalog)
    return catalog


__all__ = [
    "QUESTIONNAIRE_IDS",
    "Choice",
    "Questionnaire",
    "QuestionnaireCatalog",
    "QuestionnaireId",
    "load_questionnaires",
]
