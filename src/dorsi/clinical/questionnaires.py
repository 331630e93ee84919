"""Scoring the patient questionnaires (LEFS, ABC): pure functions of the item answers.

- LEFS (Binkley et al., Phys Ther 1999;79(4):371-83): 20 items, each 0-4; the score is the
  sum, 0-80.
- ABC (Powell & Myers, J Gerontol A Biol Sci Med Sci 1995;50A(1):M28-34): 16 items, each
  0-100 %; the score is the mean, 0-100 %.

Missing answers are refused, naming the first unanswered item: neither publication gives a
rule for scoring a form with items left out, and a guessed total would look as sure as a
real one. Answers outside the scale, fractions, and the wrong number of items are refused
the same way. The scale (item count, answer range, sum or mean) is the catalog's
(``data/questionnaires.yaml``), so these functions hold no numbers of their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import ConfigDict, Field

from dorsi.catalog.questionnaires import Questionnaire, QuestionnaireId, load_questionnaires
from dorsi.clinical.contract import Contract, Output, no_nul_schema
from dorsi.errors import InputError

MAX_ANSWERS = 100


class QuestionnaireInput(Contract):
    """The answers to one questionnaire, item by item in the catalog's order (null: not
    answered), and the day they were given (default: today)."""

    answers: tuple[int | None, ...] = Field(max_length=MAX_ANSWERS)
    date: dt.date | None = None


def _answers_schema(questionnaire_id: str) -> Callable[[dict[str, Any]], None]:
    """The JSON Schema of one form's answers: one whole number per item, in its range (the
    contract also takes null for an item left out, to refuse it by name)."""

    def schema_of(schema: dict[str, Any]) -> None:
        no_nul_schema(schema)
        form = load_questionnaires().get(questionnaire_id)
        schema["properties"]["answers"] = {
            "type": "array",
            "minItems": len(form.items),
            "maxItems": len(form.items),
            "items": {
                "type": "integer",
                "minimum": form.answer_min,
                "maximum": form.answer_max,
                "multipleOf": form.answer_step,
            },
            "description": f"one answer per item of the {form.id.upper()}, in order",
        }

    return schema_of


class LefsAnswers(QuestionnaireInput):
    """The LEFS form's answers (20 items, 0-4 each)."""

    model_config = ConfigDict(json_schema_extra=_answers_schema("lefs"))


class AbcAnswers(QuestionnaireInput):
    """The ABC scale's answers (16 items, 0-100 % each)."""

    model_config = ConfigDict(json_schema_extra=_answers_schema("abc"))


class QuestionnaireScore(Output):
    """The score and the measure it is stored as."""

    questionnaire: QuestionnaireId
    measure: str
    score: float
    items_answered: int


def _check_answers(form: Questionnaire, answers: Sequence[int | None]) -> list[int]:
    count = len(form.items)
    if len(answers) != count:
        raise InputError(
            f"must hold {count} answers, one per item in order (got {len(answers)})",
            field="answers",
        )
    checked: list[int] = []
    for index, answer in enumerate(answers):
        field = f"answers.{index}"
        if answer is None:
            raise InputError(
                f"item {index + 1} is not answered; the {form.id.upper()} is scored only when "
                f"all {count} items are answered (the publication gives no rule for missing "
                "answers, so Dorsi does not guess one)",
                field=field,
            )
        if isinstance(answer, bool) or not isinstance(answer, int):
            raise InputError(f"must be a whole number (got {answer!r})", field=field)
        if not form.answer_min <= answer <= form.answer_max:
            raise InputError(
                f"must be from {form.answer_min} to {form.answer_max} (got {answer})", field=field
            )
        if (answer - form.answer_min) % form.answer_step:
            raise InputError(
                f"must be a step of {form.answer_step} from {form.answer_min} (got {answer})",
                field=field,
            )
        checked.append(answer)
    return checked


def score(questionnaire_id: str, answers: Sequence[int | None]) -> QuestionnaireScore:
    """The score of one filled-in questionnaire; :class:`InputError` names the bad answer."""
    form = load_questionnaires().get(questionnaire_id)
    values = _check_answers(form, answers)
    total = sum(values)
    # A mean of whole numbers over 16 items is exact in binary (a multiple of 1/16).
    result = float(total) if form.scoring == "sum" else total / len(values)
    return QuestionnaireScore(
        questionnaire=form.id, measure=form.measure, score=result, items_answered=len(values)
    )


def score_lefs(answers: Sequence[int | None]) -> float:
    """The LEFS score, 0-80: the sum of the 20 item answers (each 0-4)."""
    return score("lefs", answers).score


def score_abc(answers: Sequence[int | None]) -> float:
    """The ABC score, 0-100 %: the mean of the 16 item answers (each 0-100 %)."""
    return score("abc", answers).score


__all__ = [
    "AbcAnswers",
    "LefsAnswers",
    "QuestionnaireInput",
    "QuestionnaireScore",
    "score",
    "score_abc",
    "score_lefs",
]
