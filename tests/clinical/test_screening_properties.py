"""Invariants of triage, over generated answers (hypothesis).

- Adding any red flag (any yes/no warning sign, required or optional), or worsening any ordered
  answer (onset, trend, balance, falls, not yet evaluated), never lowers the level.
- Answering an optional question "no" gives the same level and reasons as leaving it out.
- Time and cause (issue 17): a softening answer (long-standing, ruled out by a physician, weeks
  since the event) switches off only the rules it names; leaving it out is the same as its
  concerning answer; a new sudden foot drop, saddle numbness, bladder change or pain down both
  legs stays an emergency whatever else is old.
- The level is the highest level of the rules that hold; the program is paused unless proceed;
  ``unanswered`` is exactly the optional questions left out.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dorsi.catalog.red_flags import LEVELS, load_red_flags, severity
from dorsi.clinical.contract import parse
from dorsi.clinical.screening import ScreenInput, matched_rules, triage

CATALOG = load_red_flags()
QUESTIONS = CATALOG.questions
OPTIONAL = CATALOG.optional_ids
OPTIONAL_YES_NO = tuple(q for q in OPTIONAL if CATALOG.question(q).kind == "boolean")
SOFTENING = tuple(q.id for q in QUESTIONS if q.softens)
#: Weeks since an injury or operation: inside and outside each window of the data.
WEEKS = (0, 0.5, 1, 1.5, 3, 6, 6.5, 13, 104)


def _answer(question_id: str) -> st.SearchStrategy[Any]:
    question = CATALOG.question(question_id)
    if question.kind == "choice":
        if question.required:
            return st.sampled_from(question.values)
        return st.sampled_from((*question.values, None))
    if question.kind == "number":
        return st.sampled_from((*WEEKS, None))
    if question.kind == "count":
        assert question.maximum is not None
        return st.integers(min_value=0, max_value=min(question.maximum, 120))
    if question.required:
        return st.booleans()
    return st.sampled_from([True, False, None])


@st.composite
def answers(draw: st.DrawFn) -> dict[str, Any]:
    # Bias towards few flags, so the interesting low levels are reached too.
    quiet = draw(st.booleans())
    out: dict[str, Any] = {}
    for question in QUESTIONS:
        if quiet and question.kind == "boolean":
            value: Any = draw(st.sampled_from([not question.concerning_answer] * 6 + [None, True]))
            if value is True:
                value = question.concerning_answer
            if value is None and question.required:
                value = not question.concerning_answer
        else:
            value = draw(_answer(question.id))
        if value is not None:
            out[question.id] = value
    return out


def _worsenings(base: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every single change that adds a red flag or worsens an ordered answer."""
    changes: list[tuple[str, Any]] = []
    for question in QUESTIONS:
        current = base.get(question.id)
        if question.kind == "boolean":
            if current != question.concerning_answer:
                changes.append((question.id, question.concerning_answer))
        elif question.kind == "choice" and question.ordinal:
            # An unanswered optional choice tests false everywhere: any answer is a worsening.
            index = -1 if current is None else question.values.index(current)
            changes += [(question.id, value) for value in question.values[index + 1 :]]
        elif question.kind == "number" and question.softens and current is not None:
            # Less time since the injury or operation is more concerning.
            changes += [(question.id, w) for w in WEEKS if w < current]
        elif question.kind == "count" and question.ordinal:
            assert isinstance(current, int)
            changes.append((question.id, current + 1))
    return changes


def _rank(answers_: dict[str, Any]) -> int:
    return severity(triage(parse(ScreenInput, answers_)).level)


@settings(max_examples=150, deadline=None)
@given(answers(), st.data())
def test_adding_a_red_flag_or_worsening_an_answer_never_lowers_the_level(
    base: dict[str, Any], data: st.DataObject
) -> None:
    before = _rank(base)
    changes = _worsenings(base)
    picked = data.draw(st.lists(st.sampled_from(changes), min_size=1, max_size=4))
    after = dict(base)
    for field, value in picked:
        after[field] = value
    assert _rank(after) >= before, picked


@settings(max_examples=60, deadline=None)
@given(answers())
def test_every_single_worsening_never_lowers_the_level(base: dict[str, Any]) -> None:
    before = _rank(base)
    for field, value in _worsenings(base):
        assert _rank(base | {field: value}) >= before, (field, value)


@settings(max_examples=100, deadline=None)
@given(answers(), st.sampled_from(OPTIONAL_YES_NO))
def test_an_optional_no_equals_an_unanswered_question(base: dict[str, Any], field: str) -> None:
    absent = {k: v for k, v in base.items() if k != field}
    said_no = absent | {field: False}
    left_out = triage(parse(ScreenInput, absent))
    answered = triage(parse(ScreenInput, said_no))
    assert answered.level == left_out.level
    assert answered.reasons == left_out.reasons
    assert field not in answered.unanswered
    parent = CATALOG.question(field).follow_up_of
    if parent is None or CATALOG.question(parent).is_concerning(base.get(parent)):
        assert field in left_out.unanswered


@settings(max_examples=150, deadline=None)
@given(answers())
def test_level_paused_and_unanswered_are_consistent(base: dict[str, Any]) -> None:
    contract = parse(ScreenInput, base)
    result = triage(contract)
    rules = matched_rules(contract)
    expected = max((severity(rule.level) for rule in rules), default=0)
    assert severity(result.level) == expected
    assert result.level in LEVELS
    assert result.program_paused == (result.level != "proceed")

    def asked(qid: str) -> bool:
        parent = CATALOG.question(qid).follow_up_of
        return parent is None or CATALOG.question(parent).is_concerning(base.get(parent))

    assert result.unanswered == [qid for qid in OPTIONAL if qid not in base and asked(qid)]
    assert result.reasons, "every decision is explained"
    assert len(result.reasons) <= max(1, len(rules))
    assert CATALOG.level_info(result.level).advice in result.advice


def _softened(question_id: str) -> Any:
    """The reassuring side of a softening answer: yes, or long ago."""
    return True if CATALOG.question(question_id).kind == "boolean" else max(WEEKS)


def _ids(answers_: dict[str, Any]) -> set[str]:
    return {rule.id for rule in matched_rules(parse(ScreenInput, answers_))}


@settings(max_examples=150, deadline=None)
@given(answers(), st.sampled_from(SOFTENING))
def test_a_long_standing_answer_softens_only_its_own_rules(
    base: dict[str, Any], field: str
) -> None:
    before = _ids(base | {field: CATALOG.question(field).unanswered_as})
    after = _ids(base | {field: _softened(field)})
    assert after <= before, "a softening answer never adds a rule"
    assert before - after <= set(CATALOG.question(field).softens), (field, before - after)


@settings(max_examples=100, deadline=None)
@given(answers(), st.sampled_from(SOFTENING))
def test_an_unanswered_softening_question_counts_as_its_concerning_answer(
    base: dict[str, Any], field: str
) -> None:
    absent = {k: v for k, v in base.items() if k != field}
    concerning = absent | {field: CATALOG.question(field).unanswered_as}
    assert triage(parse(ScreenInput, absent)).level == triage(parse(ScreenInput, concerning)).level
    assert field in triage(parse(ScreenInput, absent)).unanswered


@settings(max_examples=100, deadline=None)
@given(
    answers(),
    st.sampled_from(
        [
            {"foot_drop_onset": "sudden", "days_since_onset": 0},
            {"foot_drop_onset": "sudden", "days_since_onset": 3},
            {"saddle_numbness": True},
            {"bladder_or_bowel_change": True},
            {"pain_both_legs": True},
        ]
    ),
)
def test_new_emergencies_stay_emergencies_whatever_else_is_old(
    base: dict[str, Any], new_sign: dict[str, Any]
) -> None:
    old = {q: _softened(q) for q in SOFTENING if q != "stroke_ruled_out_by_physician"}
    answers_ = base | old | new_sign
    answers_.pop("stroke_ruled_out_by_physician", None)
    assert triage(parse(ScreenInput, answers_)).level == "emergency"
