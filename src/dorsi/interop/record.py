"""A patient's stored record as plain, immutable data: what the documents are built from.

The services layer fills a :class:`PatientRecord` from the database (after the policy check
and the audit entry); the FHIR bundle, the CSV files and the progress note are pure functions
of it, so they can be tested without a database and give the same bytes for the same record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from dorsi.clinical.progress_contract import CheckinIn


@dataclass(frozen=True)
class PatientInfo:
    id: int
    display_name: str
    side: str  # "left" | "right"
    cause: str  # "peroneal" | "lumbar" | "neurological" | "unknown"
    notes: str
    preferred_language: str
    created_at: dt.datetime
    program_paused: bool
    paused_reason: str | None
    paused_at: dt.datetime | None
    username: str | None = None  # the patient's own login, when they have one
    user_id: int | None = None


@dataclass(frozen=True)
class ClinicianInfo:
    id: int
    username: str
    display_name: str
    assigned: bool = True  # False: wrote part of the record but is no longer assigned


@dataclass(frozen=True)
class MeasurementRow:
    id: int
    measure: str
    value: float | str  # a number, or an MMT grade string for dorsiflexion_mmt
    date: dt.date
    source: str  # "evaluation" | "self" | "gait" | "camera"
    evaluation_id: int | None
    created_at: dt.datetime
    created_by_id: int | None
    #: walked with the brace (True), without it (False), or not recorded (None)
    with_brace: bool | None = None


class StoredCheckin(CheckinIn):
    """A stored check-in: the one check-in shape (dated, as every stored one is), with its
    row's id and who logged it when."""

    date: dt.date
    id: int
    created_at: dt.datetime
    created_by_id: int | None


@dataclass(frozen=True)
class StopAcknowledgementRow:
    """A clinician acknowledged the stop alerts of check-ins dated up to ``through_date``."""

    id: int
    through_date: dt.date
    created_at: dt.datetime
    created_by_id: int | None
    note: str


@dataclass(frozen=True)
class ScreeningRow:
    id: int
    created_at: dt.datetime
    created_by_id: int | None
    created_by_role: str
    level: str
    answers: dict[str, Any]
    reasons: tuple[str, ...]
    advice: str
    program_paused: bool


@dataclass(frozen=True)
class EvaluationRow:
    id: int
    date: dt.date
    created_at: dt.datetime
    created_by_id: int | None
    answers: dict[str, Any]


@dataclass(frozen=True)
class ProgramExerciseRow:
    exercise_id: str
    sets: int
    reps: int | None
    hold_s: int | None
    rest_s: int
    days_per_week: int
    support: str
    cues: tuple[str, ...]
    notes: str


@dataclass(frozen=True)
class ProgramVersion:
    id: int
    version: int
    origin: str
    assigned: bool
    assigned_at: dt.datetime | None
    created_at: dt.datetime
    created_by_id: int | None
    evaluation_id: int | None
    phase: int
    phase_name: str
    exercises: tuple[ProgramExerciseRow, ...]
    gait_training: tuple[str, ...] = ()
    bracing: str = ""
    afo_evaluation_advised: bool = False
    precautions: tuple[str, ...] = ()
    rationale: tuple[str, ...] = ()
    review_in_days: int | None = None
    notes: str = ""


@dataclass(frozen=True)
class GoalRow:
    """A goal the clinician set: ``measure`` + ``target`` + ``by``, or ``text``, or both;
    ``met_on``: the day the clinician judged it met; ``stopped_on``: the day they stopped it."""

    id: int
    set_on: dt.date
    created_by_id: int | None
    measure: str | None
    target: float | str | None
    by: dt.date | None
    text: str | None
    met_on: dt.date | None = None
    stopped_on: dt.date | None = None


@dataclass(frozen=True)
class QuestionnaireRow:
    """A questionnaire the patient filled in: the item answers in order, and the score it
    made (the measurement ``measurement_id``)."""

    id: int
    questionnaire: str  # "lefs" | "abc"
    answers: tuple[int, ...]
    score: float
    date: dt.date
    measurement_id: int
    created_at: dt.datetime
    created_by_id: int | None


@dataclass(frozen=True)
class BraceLogRow:
    """One day's brace (AFO) wear and skin check."""

    id: int
    date: dt.date
    wear_hours: float
    skin_problem: bool
    seen: tuple[str, ...]
    note: str
    created_at: dt.datetime
    created_by_id: int | None


@dataclass(frozen=True)
class PatientRecord:
    """Everything stored about one patient, oldest first in every list."""

    patient: PatientInfo
    clinicians: tuple[ClinicianInfo, ...]
    measurements: tuple[MeasurementRow, ...] = ()
    checkins: tuple[StoredCheckin, ...] = ()
    screenings: tuple[ScreeningRow, ...] = ()
    evaluations: tuple[EvaluationRow, ...] = ()
    programs: tuple[ProgramVersion, ...] = field(default=())
    stop_acknowledgements: tuple[StopAcknowledgementRow, ...] = ()
    goals: tuple[GoalRow, ...] = ()
    questionnaires: tuple[QuestionnaireRow, ...] = ()
    brace_logs: tuple[BraceLogRow, ...] = ()
    #: days the patient measured a home session with the phone's camera themselves (days with
    #: data for RTM: :func:`dorsi.services.rtm.camera_days`), oldest first
    camera_days: tuple[dt.date, ...] = ()

    @property
    def assigned_programs(self) -> tuple[ProgramVersion, ...]:
        return tuple(p for p in self.programs if p.assigned)

    @property
    def current_program(self) -> ProgramVersion | None:
        """The newest assigned version (what the patient is doing now)."""
        assigned = self.assigned_programs
        return max(assigned, key=lambda p: p.version) if assigned else None

    def clinician(self, user_id: int | None) -> ClinicianInfo | None:
        return next((c for c in self.clinicians if c.id == user_id), None)


__all__ = [
    "BraceLogRow",
    "ClinicianInfo",
    "EvaluationRow",
    "GoalRow",
    "MeasurementRow",
    "PatientInfo",
    "PatientRecord",
    "ProgramExerciseRow",
    "ProgramVersion",
    "QuestionnaireRow",
    "ScreeningRow",
    "StopAcknowledgementRow",
    "StoredCheckin",
]
