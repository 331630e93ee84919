"""Request and response models of the use cases (per use case, bounded, closed).

Inputs are strict :class:`~dorsi.clinical.contract.Contract` models parsed with
:func:`~dorsi.clinical.contract.parse`, so the web API reports bad input exactly like the CLI.
Outputs list only what a caller may see (no hashes, no internal flags).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from dorsi.catalog.exercises import load_exercises
from dorsi.catalog.measures import load_measures
from dorsi.catalog.mmt import GRADES
from dorsi.clinical.contract import (
    EARLIEST_DAY,
    NO_NUL,
    RECORD_DAY,
    Contract,
    Output,
    no_nul_schema,
)
from dorsi.clinical.program import PlanInput
from dorsi.clinical.program_rules import Cause
from dorsi.clinical.progress_contract import Difficulty, Measurement
from dorsi.i18n import Language
from dorsi.services.passwords import MAX_LENGTH, MIN_LENGTH, MIN_LENGTH_STAFF

#: The side of the foot drop; ``both`` for foot drop in both legs.
Side = Literal["left", "right", "both"]
Role = Literal["clinician", "patient", "admin"]
Support = Literal["none", "hand_support", "assisted"]
MeasurementSource = Literal["evaluation", "self", "gait", "camera"]

#: most extra measures one evaluation may carry
MAX_MEASURES = 50

# --- what JSON Schema can say of rules the services check (the OpenAPI shows it) ----------

USERNAME_SCHEMA: dict[str, Any] = {
    "pattern": r"^[ \t\r\n]*[A-Za-z0-9][A-Za-z0-9._-]{1,63}[ \t\r\n]*$",
    "description": "2-64 characters: ASCII letters, digits, dot, dash or underscore, starting "
    "with a letter or digit (stored in lower case)",
}
PASSWORD_SCHEMA: dict[str, Any] = {
    "minLength": MIN_LENGTH,
    "maxLength": MAX_LENGTH,
    "description": f"at least {MIN_LENGTH} characters for a patient, {MIN_LENGTH_STAFF} for "
    "staff; not only spaces, no NUL; not a common or leaked password; not containing the "
    "username; not just the app's or clinic's name with digits",
}


#: a letter or digit of any script (Python's ``\w`` but the underscore: ``str.isalnum``); the
#: OpenAPI states the same pattern
LETTER_OR_DIGIT = r"[^\W_]"


def _has_a_letter_or_digit(value: str) -> str:
    # Names are stored stripped: a name of spaces (or dots, or invisible characters) would
    # be stored empty or unreadable, and no one could find the person in a list.
    if re.search(LETTER_OR_DIGIT, value) is None:
        raise PydanticCustomError("blank", "must contain a letter or digit (not only spaces)")
    return value


DisplayName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=120,
        json_schema_extra={
            "pattern": f"^[^\\x00]*{LETTER_OR_DIGIT}[^\\x00]*$",
            "description": "a name with at least one letter or digit (of any script); no NUL",
        },
    ),
    AfterValidator(_has_a_letter_or_digit),
]


# --- users ------------------------------------------------------------------------------


class UserCreate(Contract):
    username: str = Field(min_length=2, max_length=64, json_schema_extra=USERNAME_SCHEMA)
    role: Role
    display_name: DisplayName
    # the password rule says 128 (services.passwords: its message names the limit)
    password: str = Field(min_length=1, max_length=1024, json_schema_extra=PASSWORD_SCHEMA)


class UserPublic(Output):
    id: int
    username: str
    role: Role
    display_name: str
    is_active: bool
    patient_id: int | None


# --- patients ---------------------------------------------------------------------------


class PatientCreate(Contract):
    display_name: DisplayName
    side: Side
    cause: Cause
    notes: str = Field(default="", max_length=5000)
    #: only a language Dorsi speaks (its pages, handouts and messages are in it)
    preferred_language: Language = "en"


class PatientPublic(Output):
    id: int
    display_name: str
    side: Side
    cause: Cause
    notes: str
    preferred_language: str
    program_paused: bool
    paused_reason: str | None
    clinicians: list[str]
    has_login: bool
    created_at: dt.datetime


class PatientLoginCreate(Contract):
    """Create the patient's login: a username, and a password or a one-time link."""

    username: str = Field(min_length=2, max_length=64, json_schema_extra=USERNAME_SCHEMA)
    password: str | None = Field(
        default=None, min_length=1, max_length=1024, json_schema_extra=PASSWORD_SCHEMA
    )


class PatientLogin(Output):
    username: str
    # The one-time sign-in secret (shown once) when no password was set.
    sign_in_link: str | None
    link_expires_at: dt.datetime | None


# --- measurements, evaluations ----------------------------------------------------------


class MeasurementIn(Contract):
    measure: str = Field(min_length=1, max_length=64)
    value: float | str
    date: dt.date | None = None


class MeasurementPublic(Output):
    id: int
    measure: str
    value: float | str
    date: dt.date
    source: MeasurementSource
    evaluation_id: int | None
    #: walked with the brace (true), without it (false), or not recorded (null)
    with_brace: bool | None = None


class EvaluationPublic(Output):
    id: int
    patient_id: int
    date: dt.date
    input: dict[str, Any]
    measurements: list[MeasurementPublic]


def _evaluation_schema(schema: dict[str, Any]) -> None:
    """What :func:`~dorsi.services.records.record_evaluation` checks beyond the types, as JSON
    Schema: the plan's measures within the catalog's valid ranges, and each other catalog
    measure (``measures``) with its own allowed values."""
    no_nul_schema(schema)
    props: dict[str, Any] = schema["properties"]
    catalog = {m.id: m for m in load_measures().measures}
    for name, measure in catalog.items():
        if name not in props or measure.value_kind != "number":
            continue
        for option in props[name].get("anyOf", [props[name]]):
            if option.get("type") in ("number", "integer"):
                option["minimum"] = max(option.get("minimum", measure.min), measure.min)
                option["maximum"] = min(option.get("maximum", measure.max), measure.max)
    grades = list(GRADES)
    extra = []
    for measure in catalog.values():
        value: dict[str, Any] = (
            {"enum": grades}
            if measure.value_kind == "mmt_grade"
            else {"type": "number", "minimum": measure.min, "maximum": measure.max}
        )
        # a plan measure here is a walk marked with or without the brace (else: its field)
        in_plan = measure.id in PlanInput.model_fields
        extra.append(
            {
                "type": "object",
                "properties": {
                    "measure": {"const": measure.id},
                    "value": value,
                    "date": {"type": "string", "format": "date", "description": RECORD_DAY},
                    "with_brace": {
                        "type": "boolean" if in_plan else ["boolean", "null"],
                        "description": WITH_BRACE,
                    },
                },
                "required": ["measure", "value", "with_brace"] if in_plan else ["measure", "value"],
                "additionalProperties": False,
            }
        )
    props["measures"] = {
        "type": "array",
        "maxItems": MAX_MEASURES,
        "items": {"oneOf": extra},
        "description": "other catalog measures of the same day (the plan's own measures go in "
        "their fields, unless the walk is marked with_brace true or false)",
    }


def _refuse(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message)


WITH_BRACE = "walked with the brace (true), without it (false), or not recorded (null)"


def _brace_mark(value: object) -> object:
    if value is None or isinstance(value, bool):
        return value
    raise _refuse("bool_type", "must be true (walked with the brace), false (without it) or null")


BraceMark = Annotated[
    bool | None, BeforeValidator(_brace_mark), Field(default=None, description=WITH_BRACE)
]


class MeasureIn(Measurement):
    """One other catalog measure of the evaluation's day (``date`` defaults to it)."""

    date: dt.date | None = Field(default=None, description=RECORD_DAY)  # type: ignore[assignment]
    with_brace: BraceMark


def _at_most_max_measures(value: tuple[MeasureIn, ...] | None) -> tuple[MeasureIn, ...] | None:
    if value is not None and len(value) > MAX_MEASURES:
        raise _refuse("too_long", f"must hold at most {MAX_MEASURES} items")
    return value


def _wear_hours(value: object) -> object:
    if value is None:
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 24:
        raise _refuse("wear_hours", "must be a number of hours above 0 and at most 24, or null")
    return float(value)


class EvaluationIn(PlanInput):
    """An evaluation: the ``dorsi plan`` input, plus other catalog ``measures`` of the day, its
    ``date``, the clinician's daily brace wear target and whether the plan's gait speed was
    walked with the brace. The types are checked here; the catalog's measures and ranges and
    the days by :func:`~dorsi.services.records.record_evaluation`, naming the field."""

    model_config = ConfigDict(json_schema_extra=_evaluation_schema)

    measures: Annotated[tuple[MeasureIn, ...] | None, AfterValidator(_at_most_max_measures)] = None
    date: dt.date | None = Field(
        default=None,
        description=f"YYYY-MM-DD, from {EARLIEST_DAY.isoformat()} to today (server clock)",
    )
    brace_wear_target_hours: Annotated[
        Annotated[float, Field(gt=0, le=24)] | None,
        BeforeValidator(_wear_hours),
        Field(description="the clinician's daily brace wear target, in hours"),
    ] = None
    gait_speed_with_brace: BraceMark

    def plan(self) -> PlanInput:
        """The ``dorsi plan`` input of this evaluation (what builds the program)."""
        return PlanInput.model_construct(
            _fields_set=self.model_fields_set & set(PlanInput.model_fields),
            **{name: getattr(self, name) for name in PlanInput.model_fields},
        )


# --- programs ---------------------------------------------------------------------------


def _catalog_exercise(schema: dict[str, Any]) -> None:
    """The schema says what the service checks: a catalog id, and exactly one of reps and
    hold_s (JSON Schema's ``oneOf``)."""
    no_nul_schema(schema)
    props = schema["properties"]
    props["id"] = {"enum": [e.id for e in load_exercises().exercises]}
    reps, hold = props.pop("reps"), props.pop("hold_s")
    required = [r for r in schema.get("required", []) if r not in ("reps", "hold_s")]
    base = {k: v for k, v in schema.items() if k not in ("properties", "required")}
    schema.clear()
    schema["oneOf"] = [
        {
            **base,
            "properties": {**props, "reps": reps["anyOf"][0], "hold_s": {"type": "null"}},
            "required": [*required, "reps"],
        },
        {
            **base,
            "properties": {**props, "hold_s": hold["anyOf"][0], "reps": {"type": "null"}},
            "required": [*required, "hold_s"],
        },
    ]


class ProgramExerciseIn(Contract):
    model_config = ConfigDict(json_schema_extra=_catalog_exercise)

    id: str = Field(min_length=1, max_length=48)
    sets: int = Field(ge=1, le=10)
    reps: int | None = Field(default=None, ge=1, le=100)
    hold_s: int | None = Field(default=None, ge=1, le=300)
    rest_s: int = Field(ge=0, le=600)
    days_per_week: int = Field(ge=1, le=7)
    support: Support
    cues: list[str] = Field(default_factory=list, max_length=10)
    notes: str = Field(default="", max_length=1000)


class ProgramUpdate(Contract):
    """The clinician's edited program; saving it assigns it to the patient.

    The phase stays the one the evaluation set (a new phase needs a new evaluation).
    """

    exercises: list[ProgramExerciseIn] = Field(
        min_length=1,
        max_length=10,
        description="each exercise at most once",
    )
    notes: str = Field(default="", max_length=5000)


class ProgramExercisePublic(Output):
    id: str
    sets: int
    reps: int | None
    hold_s: int | None
    rest_s: int
    days_per_week: int
    support: Support
    cues: list[str]
    notes: str


class ProgramPublic(Output):
    id: int
    patient_id: int
    version: int
    origin: Literal["suggested", "edited"]
    assigned: bool
    assigned_at: dt.datetime | None
    created_at: dt.datetime
    evaluation_id: int | None
    phase: int
    phase_name: str
    exercises: list[ProgramExercisePublic]
    gait_training: Any = None
    bracing: Any = None
    precautions: Any = None
    rationale: Any = None
    review_in_days: Any = None
    notes: str


class EvaluationResult(Output):
    """What recording an evaluation returns: the evaluation and the suggested program."""

    evaluation: EvaluationPublic
    program: ProgramPublic


# --- session check-ins ------------------------------------------------------------------


# The API's answer to a check-in: the clinical ``Checkin`` as stored (dated), its ids, and
# whether it paused the program. (No docstring: the OpenAPI shows none for this answer.)
class CheckinPublic(Output):
    id: int
    patient_id: int
    date: dt.date
    completed: bool
    sets_done: int | None
    pain_nrs: int
    difficulty: Difficulty
    trips_since_last: int | None
    weakness_worse: bool
    balance_worse: bool
    notes: str
    program_paused: bool
    # What to do now, in plain words, when this check-in paused the program.
    advice: list[str]


__all__ = [
    "EARLIEST_DAY",
    "MAX_MEASURES",
    "NO_NUL",
    "RECORD_DAY",
    "Cause",
    "CheckinPublic",
    "EvaluationIn",
    "EvaluationPublic",
    "EvaluationResult",
    "MeasureIn",
    "MeasurementIn",
    "MeasurementPublic",
    "PatientCreate",
    "PatientLogin",
    "PatientLoginCreate",
    "PatientPublic",
    "ProgramExerciseIn",
    "ProgramExercisePublic",
    "ProgramPublic",
    "ProgramUpdate",
    "UserCreate",
    "UserPublic",
]
