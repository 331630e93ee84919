"""The home exercises for foot drop, validated from ``data/exercises.yaml``: the ten of the
clinic protocol, a step-by-step balance build-up, and the back exercises for a lumbar cause.

Public API: :class:`Exercise`, :class:`ExerciseCatalog` and :func:`load_exercises` (cached).

Loading checks more than the field types: the ten fixed ids are all there exactly once,
``regresses_to`` / ``progresses_to`` name existing exercises (never the exercise itself, and
a regression never needs a higher muscle grade), phases lie in 1..3, each dosage has reps XOR
hold_s with whole positive numbers, and any standing or stepping exercise demands support when
fall risk is shown. Any failure is a :class:`~dorsi.errors.CatalogError` naming the file and
the field.

Patient text (names, purpose, starting position, steps, cues, mistakes, stop rules) is written
in every language in the data file (``{en: ..., es: ...}``, see :mod:`dorsi.catalog.translate`);
:func:`load_exercises` builds the catalog in one language, English by default. A text missing
a language fails loading. The clinician's reasoning (minimum grades, sources) stays English.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal, get_args

from pydantic import Field, field_validator, model_validator

from dorsi.catalog.load import read_yaml, validate_data
from dorsi.catalog.mmt import MmtGrade, rank
from dorsi.catalog.sourced import CatalogModel, Evidence, Sourced
from dorsi.catalog.translate import localize, patterns
from dorsi.errors import CatalogError, NotFoundError
from dorsi.i18n import Language, normalize_language

FILENAME = "exercises.yaml"

#: The patient text of the file, given in every language.
TEXT_FIELDS = patterns(
    "common_stop_rules.*",
    "exercises.*.name",
    "exercises.*.purpose",
    "exercises.*.starting_position",
    "exercises.*.steps.*",
    "exercises.*.form_cues.*",
    "exercises.*.common_mistakes.*",
    "exercises.*.stop_rules.*",
)
# Words a complete set of common stop rules mentions, per language.
STOP_RULE_WORDS: dict[Language, tuple[str, ...]] = {
    "en": ("weakness", "balance", "pain"),
    "es": ("debilidad", "equilibrio", "dolor"),
}

ExerciseId = Literal[
    "seated_dorsiflexion",
    "band_dorsiflexion",
    "wall_toe_raises",
    "heel_walking",
    "ankle_alphabet",
    "towel_scrunches",
    "step_taps",
    "single_leg_balance",
    "yoga_toe_lifts",
    "strap_assisted_toe_raises",
    "balance_progression",
    "seated_pelvic_tilt",
    "seated_marching",
]
EXERCISE_IDS: tuple[str, ...] = get_args(ExerciseId)

Equipment = Literal["resistance_band", "step", "strap", "towel", "wall"]
EQUIPMENT: tuple[Equipment, ...] = get_args(Equipment)

HomeItem = Literal["chair", "counter", "stool", "bed"]
Support = Literal["none", "hand_support", "assisted"]
SUPPORT_ORDER: tuple[Support, ...] = ("none", "hand_support", "assisted")
Position = Literal["seated", "standing", "dynamic"]
Focus = Literal[
    "dorsiflexor_strength",
    "range_of_motion",
    "calf_stretch",
    "toe_control",
    "balance",
    "gait_pattern",
    "back_mobility",
    "trunk_control",
]

Text = str


class Kind(CatalogModel):
    """What kind of exercise this is, as the program rules see it."""

    position: Position
    resisted: bool
    weight_bearing_dorsiflexion: bool
    focus: Focus

    @property
    def upright(self) -> bool:
        """Standing or stepping: balance is at stake."""
        return self.position != "seated"


class Dosage(CatalogModel):
    """Default dose: ``sets`` of ``reps`` (or ``hold_s`` seconds), ``rest_s``, ``days_per_week``."""

    sets: Sourced
    reps: Sourced | None
    hold_s: Sourced | None
    rest_s: Sourced
    days_per_week: Sourced

    @model_validator(mode="after")
    def _check(self) -> Dosage:
        if (self.reps is None) == (self.hold_s is None):
            raise ValueError("exactly one of reps and hold_s must be given (the other null)")
        for name in ("sets", "reps", "hold_s", "rest_s", "days_per_week"):
            item: Sourced | None = getattr(self, name)
            if item is None:
                continue
            if item.value != int(item.value):
                raise ValueError(f"{name} must be a whole number (got {item.value})")
            low = 0 if name == "rest_s" else 1
            if item.value < low:
                raise ValueError(f"{name} must be at least {low} (got {item.value})")
        if self.days_per_week.value > 7:
            raise ValueError(f"days_per_week must be at most 7 (got {self.days_per_week.value})")
        return self


class MinGrade(CatalogModel):
    """The lowest dorsiflexion grade the exercise is prescribed at, with the reasoning."""

    grade: MmtGrade
    reason: Text = Field(min_length=10)
    evidence: Evidence


class Prerequisites(CatalogModel):
    """What the patient must be able to do, and the support the exercise then needs."""

    min_dorsiflexion_mmt: MinGrade
    assisted_below_mmt: MmtGrade | None
    assisted_below_reason: Text | None = None
    hand_support_below_mmt: MmtGrade | None
    hand_support_below_reason: Text | None = None
    needs_standing_balance: bool
    support_with_fall_risk: Support
    max_pain_nrs: Sourced | None

    @model_validator(mode="after")
    def _check(self) -> Prerequisites:
        if self.assisted_below_mmt is not None and not self.assisted_below_reason:
            raise ValueError("assisted_below_reason is required with assisted_below_mmt")
        if self.hand_support_below_mmt is not None and not self.hand_support_below_reason:
            raise ValueError("hand_support_below_reason is required with hand_support_below_mmt")
        return self

    def support_for(self, grade: MmtGrade, *, fall_risk: bool) -> Support:
        """The least support this exercise needs for ``grade`` and the fall-risk state."""
        needed: list[Support] = ["none"]
        if fall_risk:
            needed.append(self.support_with_fall_risk)
        if self.hand_support_below_mmt is not None and rank(grade) < rank(
            self.hand_support_below_mmt
        ):
            needed.append("hand_support")
        if self.assisted_below_mmt is not None and rank(grade) < rank(self.assisted_below_mmt):
            needed.append("assisted")
        return max(needed, key=SUPPORT_ORDER.index)


class Exercise(CatalogModel):
    """One exercise, in plain words for a patient."""

    id: ExerciseId
    name: Text = Field(min_length=3)
    purpose: Text = Field(min_length=10)
    starting_position: Text = Field(min_length=10)
    steps: tuple[Text, ...] = Field(min_length=2)
    form_cues: tuple[Text, ...] = Field(min_length=1)
    common_mistakes: tuple[Text, ...] = Field(min_length=1)
    equipment: tuple[Equipment, ...]
    home_items: tuple[HomeItem, ...]
    kind: Kind
    dosage: Dosage
    prerequisites: Prerequisites
    stop_rules: tuple[Text, ...] = Field(min_length=1)
    regresses_to: ExerciseId | None
    progresses_to: ExerciseId | None
    phases: tuple[int, ...] = Field(min_length=1)
    #: Given only for these causes (program rules' cause ids), beside the phase exercises.
    only_for_causes: tuple[str, ...] = ()

    @field_validator("phases")
    @classmethod
    def _phases(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        bad = [p for p in value if p not in (1, 2, 3)]
        if bad:
            raise ValueError(f"phases must be 1, 2 or 3 (got {bad[0]})")
        if len(set(value)) != len(value) or list(value) != sorted(value):
            raise ValueError("phases must be listed once each, in increasing order")
        return value

    @model_validator(mode="after")
    def _check(self) -> Exercise:
        if self.regresses_to == self.id or self.progresses_to == self.id:
            raise ValueError("an exercise cannot regress or progress to itself")
        if self.kind.upright and self.prerequisites.support_with_fall_risk == "none":
            raise ValueError(
                "prerequisites.support_with_fall_risk must not be 'none' for a standing or "
                "stepping exercise"
            )
        if self.kind.upright != self.prerequisites.needs_standing_balance:
            raise ValueError(
                "prerequisites.needs_standing_balance must be true exactly for standing or "
                "stepping exercises"
            )
        return self

    @property
    def min_grade(self) -> MmtGrade:
        return self.prerequisites.min_dorsiflexion_mmt.grade

    def summary(self) -> str:
        """The first sentence of the purpose, for one-line listings."""
        first = self.purpose.split(". ")[0].strip()
        return first if first.endswith(".") else first + "."


class ExercisePain(CatalogModel):
    """The one exercise pain rule: mild discomfort up to ``stop_above_nrs`` that settles is
    acceptable; more stops the exercise. Texts write it as ``{stop_above_nrs}``."""

    stop_above_nrs: Sourced

    @field_validator("stop_above_nrs")
    @classmethod
    def _scale(cls, value: Sourced) -> Sourced:
        if value.value != int(value.value) or not 0 <= value.value <= 10:
            raise ValueError("stop_above_nrs must be a whole number from 0 to 10")
        return value


class _ExerciseFile(CatalogModel):
    """The raw layout of ``exercises.yaml``."""

    shared: dict[str, Any] = Field(default_factory=dict)
    exercise_pain: ExercisePain
    common_stop_rules: tuple[Text, ...] = Field(min_length=1)
    exercises: tuple[Exercise, ...]


class ExerciseCatalog(CatalogModel):
    """All ten exercises in catalog order; ``common_stop_rules`` apply to every one of them."""

    exercises: tuple[Exercise, ...]
    common_stop_rules: tuple[Text, ...]
    exercise_pain: ExercisePain

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.exercises)

    def get(self, exercise_id: str) -> Exercise:
        """The exercise with ``exercise_id``; :class:`NotFoundError` lists the valid ids."""
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        raise NotFoundError(f"no exercise '{exercise_id}'; valid ids: {', '.join(self.ids)}")


def _fail(field: str, message: str) -> CatalogError:
    return CatalogError(f"catalog file data/{FILENAME}: field '{field}': {message}")


def build_catalog(data: Any, *, filename: str = FILENAME, lang: Language = "en") -> ExerciseCatalog:
    """Validate parsed YAML ``data`` into a catalog in ``lang`` (the common stop rules merged
    in). Every patient text must be given in every language, whichever ``lang`` is built."""
    texts = localize(data, lang, filename=filename, fields=TEXT_FIELDS)
    raw = validate_data(filename, texts, _ExerciseFile)
    stop = str(int(raw.exercise_pain.stop_above_nrs.value))
    raw = raw.model_copy(
        update={
            "common_stop_rules": tuple(
                r.replace("{stop_above_nrs}", stop) for r in raw.common_stop_rules
            )
        }
    )
    joined = " ".join(raw.common_stop_rules).lower()
    for english, word in zip(STOP_RULE_WORDS["en"], STOP_RULE_WORDS[lang], strict=True):
        if word not in joined:
            raise _fail(
                "common_stop_rules",
                f"the common stop rules must include a rule about {english} ({lang}: '{word}')",
            )
    ids = [e.id for e in raw.exercises]
    for index, exercise_id in enumerate(ids):
        if exercise_id in ids[:index]:
            raise _fail(f"exercises.{index}.id", f"'{exercise_id}' appears twice")
    missing = [i for i in EXERCISE_IDS if i not in ids]
    if missing:
        raise _fail("exercises", f"missing exercise ids: {', '.join(missing)}")
    by_id = {e.id: e for e in raw.exercises}
    for index, exercise in enumerate(raw.exercises):
        regress = exercise.regresses_to
        if regress is not None and rank(by_id[regress].min_grade) > rank(exercise.min_grade):
            raise _fail(
                f"exercises.{index}.regresses_to",
                f"'{regress}' needs a higher muscle grade than '{exercise.id}'",
            )
    merged = tuple(
        e.model_copy(update={"stop_rules": raw.common_stop_rules + e.stop_rules})
        for e in raw.exercises
    )
    return ExerciseCatalog(
        exercises=merged,
        common_stop_rules=raw.common_stop_rules,
        exercise_pain=raw.exercise_pain,
    )


def load_exercises(lang: str = "en") -> ExerciseCatalog:
    """The shipped exercise catalog in ``lang`` (English by default; read and validated once
    per language). An unsupported language raises :class:`~dorsi.errors.InputError`."""
    return _load(normalize_language(lang))


@cache
def _load(lang: Language) -> ExerciseCatalog:
    return build_catalog(read_yaml(FILENAME), lang=lang)


__all__ = [
    "EQUIPMENT",
    "EXERCISE_IDS",
    "TEXT_FIELDS",
    "Dosage",
    "Equipment",
    "Exercise",
    "ExerciseCatalog",
    "ExerciseId",
    "ExercisePain",
    "Kind",
    "MinGrade",
    "Prerequisites",
    "Support",
    "build_catalog",
    "load_exercises",
]
