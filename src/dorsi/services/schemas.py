"""Request and response models of the use cases (per use case, bounded, closed).

Inputs are strict :class:`~dorsi.clinical.contract.Contract` models parsed with
:func:`~dorsi.clinical.contract.parse`, so the web API reports bad input exactly like the CLI.
Outputs list only what a caller may see (no hashes, no internal flags).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from dorsi.clinical.contract import Contract, Output
from dorsi.clinical.program_rules import Cause

#: The side of the foot drop; ``both`` for foot drop in both legs.
Side = Literal["left", "right", "both"]
Role = Literal["clinician", "patient", "admin"]
Support = Literal["none", "hand_support", "assisted"]
Difficulty = Literal["easy", "ok", "hard"]
MeasurementSource = Literal["evaluation", "self", "gait"]

LANGUAGE = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$"


#: a letter or digit of any script (Python's ``\w`` but the underscore: ``str.isalnum``); the
#: OpenAPI states the same pattern (dorsi.web.api_schema)
LETTER_OR_DIGIT = r"[^\W_]"


def _has_a_letter_or_digit(value: str) -> str:
    # Names are stored stripped: a name of spaces (or dots, or invisible characters) would
    # be stored empty or unreadable, and no one could find the person in a list.
    if re.search(LETTER_OR_DIGIT, value) is None:
        raise PydanticCustomError("blank", "must contain a letter or digit (not only spaces)")
    return value


DisplayName = Annotated[
    str, Field(min_length=1, max_length=120), AfterValidator(_has_a_letter_or_digit)
]


# --- users ------------------------------------------------------------------------------


class UserCreate(Contract):
    username: str = Field(min_length=2, max_length=64)
    role: Role
    display_name: DisplayName
    password: str = Field(min_length=1, max_length=1024)  # the password rule says 128


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
    preferred_language: str = Field(default="en", pattern=LANGUAGE, max_length=16)


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

    username: str = Field(min_length=2, max_length=64)
    password: str | None = Field(default=None, min_length=1, max_length=1024)


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


class EvaluationPublic(Output):
    id: int
    patient_id: int
    date: dt.date
    input: dict[str, Any]
    measurements: list[MeasurementPublic]


# --- programs ---------------------------------------------------------------------------


class ProgramExerciseIn(Contract):
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

    exercises: list[ProgramExerciseIn] = Field(min_length=1, max_length=10)
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


class CheckinIn(Contract):
    """One end-of-session check-in (``date`` defaults to today)."""

    date: dt.date | None = None
    completed: bool
    sets_done: int | None = Field(default=None, ge=0, le=100)
    pain_nrs: int = Field(ge=0, le=10)
    difficulty: Difficulty
    trips_since_last: int | None = Field(default=None, ge=0, le=1000)
    weakness_worse: bool
    balance_worse: bool
    notes: str = Field(default="", max_length=2000)


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
    "Cause",
    "CheckinIn",
    "CheckinPublic",
    "EvaluationPublic",
    "EvaluationResult",
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
