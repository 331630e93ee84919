"""A patient's stored record as plain, immutable data: what the documents are built from.

The services layer fills a :class:`PatientRecord` from the database (after the policy check
and the audit entry); the FHIR bundle, the CSV files and the progress note are pure functions
of it, so they can be tested without a database and give the same bytes for the same record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


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
    source: str  # "evaluation" | "self" | "gait"
    evaluation_id: int | None
    created_at: dt.datetime
    created_by_id: int | None


@dataclass(frozen=True)
class CheckinRow:
    id: int
    date: dt.date
    created_at: dt.datetime
    created_by_id: int | None
    completed: bool
    sets_done: int | None
    pain_nrs: int
    difficulty: str
    trips_since_last: int | None
    weakness_worse: bool
    balance_worse: bool
    notes: str


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
class PatientRecord:
    """Everything stored about one patient, oldest first in every list."""

    patient: PatientInfo
    clinicians: tuple[ClinicianInfo, ...]
    measurements: tuple[MeasurementRow, ...] = ()
    checkins: tuple[CheckinRow, ...] = ()
    screenings: tuple[ScreeningRow, ...] = ()
    evaluations: tuple[EvaluationRow, ...] = ()
    programs: tuple[ProgramVersion, ...] = field(default=())
    stop_acknowledgements: tuple[StopAcknowledgementRow, ...] = ()

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
    "CheckinRow",
    "ClinicianInfo",
    "EvaluationRow",
    "MeasurementRow",
    "PatientInfo",
    "PatientRecord",
    "ProgramExerciseRow",
    "ProgramVersion",
    "ScreeningRow",
    "StopAcknowledgementRow",
]
