"""The program builder's thresholds and cause-specific advice, from ``data/program_rules.yaml``.

Loaded through the catalog loader (no file I/O here) and cross-checked against the exercise
catalog: each phase's priority list names exactly the exercises whose catalog ``phases``
include that phase, and electrical stimulation is named only in the advice of a cause whose
lower motor neuron is intact (``motor_neuron: upper``: stroke, MS, other central causes;
REFERENCE 3.6).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, Literal, get_args

from pydantic import Field, field_validator, model_validator

from dorsi.catalog.exercises import ExerciseCatalog, ExerciseId, MinGrade, load_exercises
from dorsi.catalog.load import read_yaml, validate_data
from dorsi.catalog.mmt import rank
from dorsi.catalog.sourced import CatalogModel, Sourced
from dorsi.catalog.translate import localize, patterns
from dorsi.errors import CatalogError
from dorsi.i18n import Language, normalize_language

FILENAME = "program_rules.yaml"

Cause = Literal[
    "peroneal",
    "lumbar",
    "neurological",
    "unknown",
    "stroke",
    "multiple_sclerosis",
    "motor_neuron_disease",
    "polyneuropathy",
    "hereditary_neuropathy",
    "post_operative_sciatic",
]
CAUSES: tuple[Cause, ...] = get_args(Cause)

#: Where the cause sits: ``upper`` (brain or spinal cord: the lower motor neuron is intact, so
#: FES can work), ``lower`` (the nerve or its cell body: FES cannot work), ``unknown``.
MotorNeuron = Literal["upper", "lower", "unknown"]
#: How the cause tends to run: ``recovering`` (can get better), ``relapsing`` (can get better
#: or worse: MS, polyneuropathy) or ``progressive`` (gets slowly worse: no recovery promise).
Course = Literal["recovering", "relapsing", "progressive"]

# Words that would suggest electrical stimulation; refused unless the lower motor neuron is
# intact (an upper-motor-neuron cause).
_STIMULATION = re.compile(
    r"\b(fes|stimulat\w*|electric\w*|el[ée]ctric\w*|estimul\w*|nmes|tens)\b", re.IGNORECASE
)


class PhaseRule(CatalogModel):
    phase: Literal[1, 2, 3]
    name: str = Field(min_length=3)
    goal: str = Field(min_length=10)
    min_dorsiflexion_mmt: MinGrade
    priority: tuple[ExerciseId, ...] = Field(min_length=3)


class PainRules(CatalogModel):
    too_much_nrs: Sourced
    acceptable_nrs: Sourced
    gentle_max_sets: Sourced


class FallRiskRules(CatalogModel):
    falls_past_month_at_least: Sourced
    single_leg_stance_below_s: Sourced
    gait_speed_below_mps: Sourced


class BalanceCapRule(CatalogModel):
    """Poor balance or slow walking: supported standing work, balance built up step by step."""

    single_leg_stance_below_s: Sourced
    falls_past_month_at_least: Sourced
    gait_speed_below_mps: Sourced
    max_phase: Literal[1, 2, 3]
    build_up: ExerciseId
    replaces: tuple[ExerciseId, ...]
    no_dynamic: tuple[ExerciseId, ...]


class SensationRule(CatalogModel):
    reduced_advice: tuple[str, ...] = Field(min_length=1)
    source: str = Field(min_length=3)


class RecurrentFallsRule(CatalogModel):
    falls_past_month_at_least: Sourced
    max_phase: Literal[1, 2, 3]


class EarlyRule(CatalogModel):
    weeks_since_onset_below: Sourced
    max_phase: Literal[1, 2, 3]


class StiffAnkleRule(CatalogModel):
    arom_below_deg: Sourced


class ProgramSize(CatalogModel):
    min_exercises: Literal[3]
    max_exercises: Sourced

    @field_validator("max_exercises")
    @classmethod
    def _range(cls, value: Sourced) -> Sourced:
        if value.value not in (3, 4, 5, 6):
            raise ValueError("max_exercises must be a whole number from 3 to 6")
        return value


class ReviewRules(CatalogModel):
    usual: Sourced
    soon: Sourced


class BracingRules(CatalogModel):
    weak_grade_at_most: MinGrade
    impairment_grade_at_most: MinGrade
    tight_ankle_passive_below_deg: Sourced
    slow_speed_below_mps: Sourced


class NerveTensionRule(CatalogModel):
    """When the straight-knee calf stretch is replaced by a knee-bent one."""

    knee_bent_stretch_from_pain_nrs: Sourced
    straight_knee_exercises: tuple[ExerciseId, ...] = Field(min_length=1)
    reason: str = Field(min_length=20)


class ChildRule(CatalogModel):
    """Under this age the adult home program is not given: a paediatric therapist decides."""

    adult_program_from_age_years: Sourced


class CauseAdvice(CatalogModel):
    label: str
    rationale: str = Field(min_length=10)
    precautions: tuple[str, ...]
    gait_training: tuple[str, ...]
    fes_note: str | None = None
    motor_neuron: MotorNeuron
    course: Course
    #: The sciatic nerve or a lumbar root is involved: no stretch that tensions it (straight
    #: knee), whatever the pain.
    nerve_tension: bool = False
    source: str = Field(min_length=3)


class ProgramRules(CatalogModel):
    """Everything in ``program_rules.yaml``."""

    phases: tuple[PhaseRule, PhaseRule, PhaseRule]
    pain: PainRules
    fall_risk: FallRiskRules
    balance_cap: BalanceCapRule
    sensation: SensationRule
    recurrent_falls: RecurrentFallsRule
    early_after_onset: EarlyRule
    stiff_ankle: StiffAnkleRule
    program_size: ProgramSize
    review_in_days: ReviewRules
    bracing: BracingRules
    nerve_tension: NerveTensionRule
    children: ChildRule
    causes: dict[Cause, CauseAdvice]
    #: The language the patient texts were read in (set by the loader, not in the file).
    lang: Language = "en"

    @model_validator(mode="after")
    def _check(self) -> ProgramRules:
        if [p.phase for p in self.phases] != [1, 2, 3]:
            raise ValueError("phases must be listed as 1, 2, 3 in order")
        grades = [rank(p.min_dorsiflexion_mmt.grade) for p in self.phases]
        if grades != sorted(grades) or len(set(grades)) != 3 or grades[0] != 0:
            raise ValueError("phase minimum grades must start at '0' and strictly increase")
        missing = [c for c in CAUSES if c not in self.causes]
        if missing:
            raise ValueError(f"causes: advice missing for {', '.join(missing)}")
        for cause, advice in self.causes.items():
            texts = [advice.rationale, *advice.precautions, *advice.gait_training]
            if advice.motor_neuron != "upper" and (
                advice.fes_note or any(_STIMULATION.search(t) for t in texts)
            ):
                raise ValueError(
                    f"causes.{cause}: electrical stimulation must not be suggested for this "
                    "cause (it needs an intact lower motor neuron)"
                )
        return self

    def phase(self, number: int) -> PhaseRule:
        return self.phases[number - 1]


def check_against_catalog(rules: ProgramRules, catalog: ExerciseCatalog) -> None:
    """Each phase's priority list holds exactly the exercises of that phase in the catalog."""
    for exercise in catalog.exercises:
        unknown = [c for c in exercise.only_for_causes if c not in CAUSES]
        if unknown:
            raise CatalogError(
                f"catalog file data/exercises.yaml: field 'only_for_causes' of "
                f"'{exercise.id}': unknown cause '{unknown[0]}' ({', '.join(CAUSES)})"
            )
    for index, rule in enumerate(rules.phases):
        listed = list(rule.priority)
        expected = [
            e.id for e in catalog.exercises if rule.phase in e.phases and not e.only_for_causes
        ]
        if len(set(listed)) != len(listed) or sorted(listed) != sorted(expected):
            raise CatalogError(
                f"catalog file data/{FILENAME}: field 'phases.{index}.priority': must list "
                f"each exercise of phase {rule.phase} once ({', '.join(sorted(expected))})"
            )


#: The text a patient reads, given in every language ({en: ..., es: ...}).
TEXT_FIELDS = patterns(
    "phases.*.name",
    "phases.*.goal",
    "sensation.reduced_advice.*",
    "causes.*.rationale",
    "causes.*.precautions.*",
    "causes.*.gait_training.*",
    "causes.*.fes_note",
)


def build_rules(data: Any, catalog: ExerciseCatalog, lang: Language = "en") -> ProgramRules:
    """Validate parsed YAML ``data`` (patient texts read in ``lang``) and cross-check it with
    the exercise catalog."""
    texts = localize(data, lang, filename=FILENAME, fields=TEXT_FIELDS)
    if isinstance(texts, dict):
        texts = {**texts, "lang": lang}
    rules = validate_data(FILENAME, texts, ProgramRules)
    check_against_catalog(rules, catalog)
    return rules


def load_program_rules(lang: str = "en") -> ProgramRules:
    """The shipped program rules with the patient texts in ``lang`` (read and validated once
    per language); an unsupported language raises :class:`~dorsi.errors.InputError`."""
    return _load(normalize_language(lang))


@cache
def _load(lang: Language) -> ProgramRules:
    return build_rules(read_yaml(FILENAME), load_exercises(), lang)


def as_int(value: Sourced) -> int:
    """A sourced count as an int (the file validates whole numbers where it matters)."""
    return int(value.value)


__all__ = [
    "CAUSES",
    "TEXT_FIELDS",
    "Cause",
    "CauseAdvice",
    "PhaseRule",
    "ProgramRules",
    "as_int",
    "build_rules",
    "check_against_catalog",
    "load_program_rules",
]
