"""Scoring LEFS and ABC against the published scoring rules, with worked examples.

LEFS (Binkley et al., Phys Ther 1999;79(4):371-83): 20 items 0-4, score = their sum (0-80).
ABC (Powell & Myers, J Gerontol A 1995;50A(1):M28-34): 16 items 0-100 %, score = their mean.
The worked examples are computed by hand below from those rules.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dorsi.clinical.contract import parse
from dorsi.clinical.questionnaires import QuestionnaireInput, score, score_abc, score_lefs
from dorsi.errors import InputError


def test_lefs_ends_of_the_scale() -> None:
    assert score_lefs([4] * 20) == 80  # no difficulty with anything
    assert score_lefs([0] * 20) == 0  # extreme difficulty with everything


def test_lefs_worked_example() -> None:
    # Items 1-10 "a little bit of difficulty" (3), 11-15 "moderate" (2), 16-20 "quite a bit"
    # (1): 10 x 3 + 5 x 2 + 5 x 1 = 45 of 80.
    answers = [3] * 10 + [2] * 5 + [1] * 5
    result = score("lefs", answers)
    assert result.score == 45
    assert result.measure == "lefs"
    assert result.items_answered == 20


def test_abc_ends_and_worked_example() -> None:
    assert score_abc([100] * 16) == 100
    assert score_abc([0] * 16) == 0
    # Ratings that sum to 1,040 over 16 activities: 1040 / 16 = 65 %.
    answers = [100, 90, 80, 90, 50, 30, 80, 90, 80, 70, 70, 50, 40, 60, 40, 20]
    assert sum(answers) == 1040
    result = score("abc", answers)
    assert result.score == 65
    assert result.measure == "abc_pct"


def test_abc_mean_is_kept_exactly() -> None:
    # 1,001 / 16 = 62.5625: a mean of whole numbers over 16 items is exact, never rounded.
    answers = [63] * 15 + [56]
    assert score_abc(answers) == 62.5625


@given(st.lists(st.integers(0, 4), min_size=20, max_size=20))
def test_lefs_is_the_sum_and_in_range(answers: list[int]) -> None:
    value = score_lefs(answers)
    assert value == sum(answers)
    assert 0 <= value <= 80


@given(st.lists(st.integers(0, 100), min_size=16, max_size=16))
def test_abc_is_the_mean_and_in_range(answers: list[int]) -> None:
    value = score_abc(answers)
    assert value * 16 == sum(answers)
    assert 0 <= value <= 100


def test_a_missing_item_is_refused_naming_it() -> None:
    answers: list[int | None] = [4] * 20
    answers[6] = None
    with pytest.raises(InputError, match="item 7 is not answered") as info:
        score_lefs(answers)
    assert info.value.field == "answers.6"
    assert "no rule for missing" in info.value.detail


@pytest.mark.parametrize(
    ("questionnaire_id", "answers", "field", "words"),
    [
        ("lefs", [4] * 19, "answers", "must hold 20 answers"),
        ("abc", [50] * 17, "answers", "must hold 16 answers"),
        ("lefs", [4] * 19 + [5], "answers.19", "from 0 to 4"),
        ("abc", [-10] + [50] * 15, "answers.0", "from 0 to 100"),
        ("abc", [None] + [50] * 15, "answers.0", "item 1 is not answered"),
    ],
)
def test_bad_answers_are_refused_clearly(
    questionnaire_id: str, answers: list[int | None], field: str, words: str
) -> None:
    with pytest.raises(InputError, match=words) as info:
        score(questionnaire_id, answers)
    assert info.value.field == field


def test_the_input_contract_refuses_fractions_and_text() -> None:
    with pytest.raises(InputError) as info:
        parse(QuestionnaireInput, {"answers": [3.5] + [4] * 19})
    assert info.value.field == "answers.0"
    with pytest.raises(InputError):
        parse(QuestionnaireInput, {"answers": ["4"] * 20})
    data = parse(QuestionnaireInput, {"answers": [4] * 20, "date": "2026-03-01"})
    assert data.date is not None
