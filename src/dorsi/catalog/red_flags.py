"""Red flags as data: the screening questions, the triage rules and the advice per level.

The data lives in ``data/red_flags.yaml`` and has three parts:

``questions``
    Every input field of ``dorsi screen`` in the order a form asks them, with the question in
    plain patient words, a clinician wording, a help text, and (for choices) the allowed values
    ordered from least to most concerning.
``levels``
    The four triage levels, most severe first, each with the advice shown for it.
``rules``
    Each rule has an ``id``, a ``level``, a condition ``when``, the plain ``reason`` shown in the
    output, rule-specific ``advice``, a clinician ``rationale`` and at least one source.

The condition language is deliberately small::

    {all: [COND, ...]}                  every condition holds
    {any: [COND, ...]}                  at least one holds
    {field: F, is: VALUE}               a yes/no or choice answer equals VALUE
    {field: F, in: [VALUE, ...]}        a choice answer is one of the values
    {field: F, at_least: N, source: S, evidence: E}   a count or number is >= N
    {field: F, at_most: N, source: S, evidence: E}    a count or number is <= N

An unanswered (absent) optional question makes every test on it false, so an unanswered
question never raises the level; the screening output lists it in ``unanswered``.

A few optional questions *soften* named rules (``softens``): "these stroke signs are left from
a known, treated stroke", "a doctor has ruled out a stroke in person", "the numbness is old and
known", "weeks since the injury or operation". Time counts: an alarm for an event long past
teaches people to ignore alarms. Such a question is tested only inside the rules it lists, only
as a direct part of the rule's top-level ``all`` next to the rule's own warning sign, and only
on its concerning side (``is: false``; ``at_most`` for a time since the event). Unanswered, it
counts as its most concerning answer (not long-standing, not ruled out, 0 weeks): the safer
level wins until someone says otherwise.

On load the catalog checks that every test names a known question with a value it allows, and
that every test is *monotone*: it may only look for the concerning side of an answer (``is:
true`` for a warning sign, an upper slice of an ordered choice, ``at_least`` on a count where
more is worse). Together with ``all``/``any`` this proves, by construction, that adding a red
flag or worsening an ordered answer can never lower the triage level, and that a softening
answer can only switch off the rules it names.

Everything a person reads (questions, help, choice labels, level titles and advice, rule
reasons and advice, the proceed and unanswered notes) is written in every language in the data
(``{en: ..., es: ...}``, see :mod:`dorsi.catalog.translate`); :func:`load_red_flags` builds the
catalog in one language, English by default. The clinician wording, rationales and sources stay
English. Ids, levels and conditions are the same in every language, so the triage decision
never depends on the language.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Field, Tag, model_validator

from dorsi.catalog.load import read_yaml, validate_data
from dorsi.catalog.sourced import CatalogModel, Evidence
from dorsi.catalog.translate import localize, patterns
from dorsi.i18n import Language, normalize_language

Level = Literal["emergency", "urgent", "see_clinician", "proceed"]
#: Most severe first.
LEVELS: tuple[Level, ...] = ("emergency", "urgent", "see_clinician", "proceed")

Answer = bool | str | int | float | None

_ID = r"^[a-z][a-z0-9_]*$"
#: Choice values: ids, or grades such as "3-" and "4+" (the muscle grade of ``dorsi plan``).
_VALUE = r"^[a-z0-9][a-z0-9_+-]*$"


def severity(level: Level) -> int:
    """Higher is more severe: proceed 0, see_clinician 1, urgent 2, emergency 3."""
    return len(LEVELS) - 1 - LEVELS.index(level)


class Choice(CatalogModel):
    """One allowed value of a choice question, with its label in plain words."""

    value: str = Field(pattern=_VALUE)
    label: str = Field(min_length=1)


class Question(CatalogModel):
    """One input field of the screening, as a form asks it.

    ``choices`` (choice questions) are ordered from least to most concerning. For a yes/no
    question, ``concerning_answer`` is the answer that is a warning sign (``true`` for almost
    all; ``false`` for "has a clinician checked this?"). ``ordinal`` says whether a higher count
    or a later choice is more concerning; tests on a non-ordinal field may look both ways.
    ``number`` questions take a non-negative real (weeks since an event).

    ``softens`` names the rules this answer may switch off (see the module docstring): its
    concerning side is ``concerning_answer`` (false: "not long-standing") or, for a number, a
    small value (recent); unanswered, it counts as that side.
    """

    id: str = Field(pattern=_ID)
    kind: Literal["boolean", "choice", "count", "number"]
    required: bool
    question: str = Field(min_length=10)
    clinician: str = Field(min_length=5)
    help: str = Field(min_length=10)
    choices: tuple[Choice, ...] = ()
    concerning_answer: bool = True
    ordinal: bool = True
    maximum: int | None = Field(default=None, ge=1)
    follow_up_of: str | None = Field(default=None, pattern=_ID)
    softens: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _shape(self) -> Question:
        if self.kind == "choice" and len(self.choices) < 2:
            raise ValueError(f"choice question '{self.id}' needs at least two choices")
        if self.kind != "choice" and self.choices:
            raise ValueError(f"only choice questions have choices ('{self.id}' is {self.kind})")
        numeric = self.kind in ("count", "number")
        if numeric and self.maximum is None:
            raise ValueError(f"{self.kind} question '{self.id}' needs a maximum")
        if not numeric and self.maximum is not None:
            raise ValueError(f"only count and number questions have a maximum ('{self.id}')")
        if self.softens:
            if self.required:
                raise ValueError(f"softening question '{self.id}' must be optional")
            if self.kind == "choice" or (self.kind == "boolean" and self.concerning_answer):
                raise ValueError(
                    f"softening question '{self.id}' is a yes/no whose concerning answer is "
                    "false, or a number where smaller is more concerning"
                )
            if self.kind != "boolean" and self.ordinal:
                raise ValueError(f"softening number '{self.id}' must not be ordinal")
        return self

    @property
    def unanswered_as(self) -> Answer:
        """What an unanswered softening question counts as (its most concerning answer)."""
        if not self.softens:
            return None
        return self.concerning_answer if self.kind == "boolean" else 0

    def is_concerning(self, answer: Answer) -> bool:
        """Whether ``answer`` is on the worrying side (a yes, a count of 1 or more, or any
        choice but the least concerning one). ``None`` (unanswered) is not."""
        if answer is None:
            return False
        if self.kind == "boolean":
            return answer is self.concerning_answer
        if self.kind in ("count", "number"):
            return isinstance(answer, int | float) and not isinstance(answer, bool) and answer >= 1
        return answer != self.choices[0].value

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(choice.value for choice in self.choices)

    def label(self, value: str) -> str:
        """The plain-words label of a choice value."""
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        raise KeyError(value)


class FieldTest(CatalogModel):
    """A test of one answer. Exactly one of ``is``, ``in``, ``at_least``, ``at_most``."""

    field: str = Field(pattern=_ID)
    is_: bool | str | None = Field(default=None, alias="is")
    in_: tuple[str, ...] | None = Field(default=None, alias="in", min_length=1)
    at_least: int | None = Field(default=None, ge=0)
    at_most: int | None = Field(default=None, ge=0)
    source: str | None = Field(default=None, min_length=3)
    evidence: Evidence | None = None

    @model_validator(mode="after")
    def _one_test(self) -> FieldTest:
        given = [v for v in (self.is_, self.in_, self.at_least, self.at_most) if v is not None]
        if len(given) != 1:
            raise ValueError(
                f"test on '{self.field}' needs exactly one of is, in, at_least, at_most"
            )
        numeric = self.at_least is not None or self.at_most is not None
        if numeric and (self.source is None or self.evidence is None):
            raise ValueError(f"numeric test on '{self.field}' needs a source and an evidence grade")
        return self

    def holds(self, answers: Mapping[str, Answer]) -> bool:
        value = answers.get(self.field)
        if value is None:
            return False
        if self.is_ is not None:
            return value == self.is_ and type(value) is type(self.is_)
        if self.in_ is not None:
            return isinstance(value, str) and value in self.in_
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if self.at_least is not None:
            return value >= self.at_least
        assert self.at_most is not None  # noqa: S101 - guaranteed by _one_test
        return value <= self.at_most

    def fields(self) -> tuple[str, ...]:
        return (self.field,)


class AllOf(CatalogModel):
    """Every condition holds."""

    all: tuple[Condition, ...] = Field(min_length=1)

    def holds(self, answers: Mapping[str, Answer]) -> bool:
        return all(cond.holds(answers) for cond in self.all)

    def fields(self) -> tuple[str, ...]:
        return tuple(f for cond in self.all for f in cond.fields())


class AnyOf(CatalogModel):
    """At least one condition holds."""

    any: tuple[Condition, ...] = Field(min_length=1)

    def holds(self, answers: Mapping[str, Answer]) -> bool:
        return any(cond.holds(answers) for cond in self.any)

    def fields(self) -> tuple[str, ...]:
        return tuple(f for cond in self.any for f in cond.fields())


def _condition_kind(raw: Any) -> str | None:
    if isinstance(raw, dict):
        if "all" in raw:
            return "all"
        if "any" in raw:
            return "any"
        return "test"
    if isinstance(raw, AllOf):
        return "all"
    if isinstance(raw, AnyOf):
        return "any"
    if isinstance(raw, FieldTest):
        return "test"
    return None


Condition = Annotated[
    Union[  # noqa: UP007 - a forward-referenced union needs the Union form
        Annotated[AllOf, Tag("all")],
        Annotated[AnyOf, Tag("any")],
        Annotated[FieldTest, Tag("test")],
    ],
    Discriminator(_condition_kind),
]


class Source(CatalogModel):
    """Where a rule comes from, graded as in ``shared/clinical/REFERENCE.md``."""

    cite: str = Field(min_length=5)
    evidence: Evidence


class RedFlagRule(CatalogModel):
    """One triage rule: when its condition holds, the level is at least ``level``."""

    id: str = Field(pattern=_ID)
    level: Literal["emergency", "urgent", "see_clinician"]
    covers: tuple[str, ...] = ()
    when: Condition
    reason: str = Field(min_length=10)
    advice: str = Field(min_length=10)
    rationale: str = Field(min_length=10)
    sources: tuple[Source, ...] = Field(min_length=1)

    def holds(self, answers: Mapping[str, Answer]) -> bool:
        return self.when.holds(answers)


class LevelInfo(CatalogModel):
    """The advice shown for a triage level and what it means."""

    level: Level
    title: str = Field(min_length=3)
    advice: str = Field(min_length=10)


class RedFlagCatalog(CatalogModel):
    """The validated red-flag data. Use :func:`load_red_flags`."""

    questions: tuple[Question, ...] = Field(min_length=1)
    levels: tuple[LevelInfo, ...]
    rules: tuple[RedFlagRule, ...] = Field(min_length=1)
    proceed_reason: str = Field(min_length=10)
    unanswered_note: str = Field(min_length=10)

    @model_validator(mode="after")
    def _consistent(self) -> RedFlagCatalog:
        ids = [q.id for q in self.questions]
        if len(set(ids)) != len(ids):
            raise ValueError("question ids must be unique")
        rule_ids = [r.id for r in self.rules]
        if len(set(rule_ids)) != len(rule_ids):
            raise ValueError("rule ids must be unique")
        if tuple(info.level for info in self.levels) != LEVELS:
            raise ValueError(f"levels must be exactly {', '.join(LEVELS)}, in that order")
        by_id = {q.id: q for q in self.questions}
        for position, question in enumerate(self.questions):
            parent = question.follow_up_of
            if parent is None:
                continue
            if parent not in ids[:position]:
                raise ValueError(
                    f"question '{question.id}' follows up '{parent}': it must be an earlier one"
                )
            if question.required:
                raise ValueError(f"follow-up question '{question.id}' must be optional")
        rules = {r.id: r for r in self.rules}
        for question in self.questions:
            for softened in question.softens:
                if softened not in rules:
                    raise ValueError(f"question '{question.id}' softens unknown rule '{softened}'")
        for rule in self.rules:
            _check_condition(rule.id, rule.when, by_id)
            _check_softening(rule, by_id)
            for covered in rule.covers:
                other = rules.get(covered)
                if other is None:
                    raise ValueError(f"rule '{rule.id}' covers unknown rule '{covered}'")
                if severity(other.level) > severity(rule.level) or covered == rule.id:
                    raise ValueError(
                        f"rule '{rule.id}' may only cover other rules of its level or lower"
                    )
        return self

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def level_info(self, level: Level) -> LevelInfo:
        return self.levels[LEVELS.index(level)]

    @property
    def optional_ids(self) -> tuple[str, ...]:
        """Ids of the optional questions, in form order."""
        return tuple(q.id for q in self.questions if not q.required)

    def unanswered(self, answers: Mapping[str, Answer]) -> tuple[str, ...]:
        """Optional questions still to ask, in form order.

        A follow-up question (``follow_up_of``) is only listed when its parent was answered on
        the worrying side: "did you hit your head?" matters once a fall is reported. Forms still
        show every question; answering one always counts, whatever its parent.
        """
        listed = []
        for question in self.questions:
            if question.required or answers.get(question.id) is not None:
                continue
            parent = question.follow_up_of
            if parent is not None and not self.question(parent).is_concerning(answers.get(parent)):
                continue
            listed.append(question.id)
        return tuple(listed)

    def matching(self, answers: Mapping[str, Answer]) -> tuple[RedFlagRule, ...]:
        """The rules whose condition holds for ``answers``, in catalog order.

        An unanswered softening question counts as its most concerning answer, so leaving it
        out never softens a rule.
        """
        filled = dict(answers)
        for question in self.questions:
            if question.softens and filled.get(question.id) is None:
                filled[question.id] = question.unanswered_as
        return tuple(rule for rule in self.rules if rule.holds(filled))

    @staticmethod
    def shown(rules: tuple[RedFlagRule, ...]) -> tuple[RedFlagRule, ...]:
        """``rules`` without those another of them covers (the reasons a person reads)."""
        covered = {rid for rule in rules for rid in rule.covers}
        return tuple(rule for rule in rules if rule.id not in covered)


def _check_condition(
    rule_id: str, cond: AllOf | AnyOf | FieldTest, by_id: dict[str, Question]
) -> None:
    if isinstance(cond, AllOf):
        for part in cond.all:
            _check_condition(rule_id, part, by_id)
        return
    if isinstance(cond, AnyOf):
        for part in cond.any:
            _check_condition(rule_id, part, by_id)
        return
    where = f"rule '{rule_id}', test on '{cond.field}'"
    question = by_id.get(cond.field)
    if question is None:
        raise ValueError(f"{where}: no such question")
    if question.kind == "boolean":
        if not isinstance(cond.is_, bool):
            raise ValueError(f"{where}: a yes/no question is tested with is: true or is: false")
        if cond.is_ != question.concerning_answer:
            raise ValueError(
                f"{where}: must test the concerning answer ({question.concerning_answer}) "
                "so that adding a red flag can never lower the level"
            )
    elif question.kind == "choice":
        wanted = (cond.is_,) if cond.is_ is not None else cond.in_
        if wanted is None or not all(isinstance(v, str) and v in question.values for v in wanted):
            raise ValueError(f"{where}: choose from {', '.join(question.values)}")
        if question.ordinal:
            first = min(question.values.index(str(v)) for v in wanted)
            if set(wanted) != set(question.values[first:]):
                raise ValueError(
                    f"{where}: must name every answer from the least concerning one it names "
                    f"up to '{question.values[-1]}' (answers are ordered by concern)"
                )
    else:
        if cond.at_least is None and cond.at_most is None:
            raise ValueError(f"{where}: a count is tested with at_least or at_most")
        if question.ordinal and cond.at_most is not None:
            raise ValueError(f"{where}: more is worse for this count, so only at_least is allowed")
        if question.softens and cond.at_most is None:
            raise ValueError(f"{where}: a time since the event is tested with at_most only")


def _softening_tests(cond: AllOf | AnyOf | FieldTest) -> list[FieldTest]:
    if isinstance(cond, AllOf):
        return [t for part in cond.all for t in _softening_tests(part)]
    if isinstance(cond, AnyOf):
        return [t for part in cond.any for t in _softening_tests(part)]
    return [cond]


def _check_softening(rule: RedFlagRule, by_id: dict[str, Question]) -> None:
    """Softening tests sit directly in the rule's top-level ``all``, beside a warning sign, and
    only in rules their question names (so a long-standing answer softens only its own rules).
    """
    top = rule.when.all if isinstance(rule.when, AllOf) else (rule.when,)
    direct = {id(part) for part in top if isinstance(part, FieldTest)}
    own_signs = 0
    for part in top:
        tests = _softening_tests(part)
        softening = [t for t in tests if by_id[t.field].softens]
        if len(softening) < len(tests) or not isinstance(part, FieldTest):
            own_signs += 1
        for test in softening:
            where = f"rule '{rule.id}', test on '{test.field}'"
            if rule.id not in by_id[test.field].softens:
                raise ValueError(f"{where}: the question does not list this rule in softens")
            if id(test) not in direct or not isinstance(rule.when, AllOf):
                raise ValueError(f"{where}: a softening test belongs directly in the rule's all")
    if own_signs == 0:
        raise ValueError(f"rule '{rule.id}' needs a warning sign besides softening answers")


AllOf.model_rebuild()
AnyOf.model_rebuild()
RedFlagRule.model_rebuild()
RedFlagCatalog.model_rebuild()


FILENAME = "red_flags.yaml"

#: The text a person reads, given in every language.
TEXT_FIELDS = patterns(
    "questions.*.question",
    "questions.*.help",
    "questions.*.choices.*.label",
    "levels.*.title",
    "levels.*.advice",
    "rules.*.reason",
    "rules.*.advice",
    "proceed_reason",
    "unanswered_note",
)


def build_catalog(data: Any, lang: Language = "en") -> RedFlagCatalog:
    """Validate parsed YAML ``data`` into the catalog in ``lang``."""
    texts = localize(data, lang, filename=FILENAME, fields=TEXT_FIELDS)
    return validate_data(FILENAME, texts, RedFlagCatalog)


def load_red_flags(lang: str = "en") -> RedFlagCatalog:
    """The red-flag catalog in ``lang`` (English by default; validated once per language, then
    cached). An unsupported language raises :class:`~dorsi.errors.InputError`."""
    return _load(normalize_language(lang))


@cache
def _load(lang: Language) -> RedFlagCatalog:
    return build_catalog(read_yaml(FILENAME), lang)


__all__ = [
    "LEVELS",
    "TEXT_FIELDS",
    "AllOf",
    "Answer",
    "AnyOf",
    "Choice",
    "Condition",
    "FieldTest",
    "Level",
    "LevelInfo",
    "Question",
    "RedFlagCatalog",
    "RedFlagRule",
    "Source",
    "build_catalog",
    "load_red_flags",
    "severity",
]
