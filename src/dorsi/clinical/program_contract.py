"""The contract of ``dorsi plan`` and the situation the rules derive from it.

Kept apart from the builder (:mod:`dorsi.clinical.program`) and its wording
(:mod:`dorsi.clinical.program_advice`) so both can name these types while the builder alone
calls the wording, and no two modules import each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field, field_validator

from dorsi.catalog.exercises import EQUIPMENT, Equipment, Support
from dorsi.catalog.mmt import MmtGrade
from dorsi.clinical.contract import Contract, Output
from dorsi.clinical.program_rules import Cause

Phase = Literal[1, 2, 3]
Sensation = Literal["intact", "reduced", "absent"]


class PlanInput(Contract):
    """An evaluation to build the program from (the ``dorsi plan`` contract)."""

    side: Literal["left", "right", "both"]
    cause: Cause
    weeks_since_onset: float = Field(ge=0, le=2600)
    dorsiflexion_mmt: MmtGrade
    single_leg_stance_s: float = Field(ge=0, le=600)
    falls_past_month: int = Field(ge=0, le=100)
    pain_nrs: int = Field(ge=0, le=10)
    uses_afo: bool
    trips_per_week: float | None = Field(default=None, ge=0, le=1000)
    gait_speed_mps: float | None = Field(default=None, ge=0, le=4)
    dorsiflexion_arom_deg: float | None = Field(default=None, ge=-60, le=60)
    age_years: int | None = Field(default=None, ge=0, le=120)
    sensation: Sensation | None = None
    ankle_df_passive_deg: float | None = Field(default=None, ge=-60, le=60)
    equipment: tuple[Equipment, ...] = EQUIPMENT

    @field_validator("equipment", mode="before")
    @classmethod
    def _null_means_all(cls, value: object) -> object:
        """``null`` is the same as leaving the optional list out: all equipment is at hand."""
        if value is None:
            return EQUIPMENT
        # A hook before validation sees the decoded JSON array; strict mode wants the tuple.
        return tuple(value) if isinstance(value, list) else value


class PlannedExercise(Output):
    """One exercise in the program, with its dose (exactly one of reps / hold_s is set)."""

    id: str
    sets: int
    reps: int | None
    hold_s: int | None
    rest_s: int
    days_per_week: int
    support: Support
    cues: list[str]


class Bracing(Output):
    recommend_afo_evaluation: bool
    reason: str


class PlanOutput(Output):
    """The home program (the ``dorsi plan`` contract)."""

    phase: Phase
    phase_name: str
    exercises: list[PlannedExercise]
    gait_training: list[str]
    bracing: Bracing
    precautions: list[str]
    rationale: list[str]
    review_in_days: int


@dataclass(frozen=True)
class Situation:
    """What the rules derive from the input before choosing anything."""

    grade: MmtGrade
    fall_risk_signs: tuple[str, ...]
    recurrent_falls: bool
    pain_too_much: bool
    pain_acceptable: bool
    early: bool
    stiff_ankle: bool
    #: Calf stretching only with the knee bent (nerve-tension cause, or much pain).
    knee_bent_stretch: bool = False
    #: Exercises this patient must not be given now, with the reason in plain words.
    excluded: tuple[tuple[str, str], ...] = ()
    #: Signs that balance must be built up step by step (short stance, a fall, slow walking).
    balance_signs: tuple[str, ...] = ()

    @property
    def balance_limited(self) -> bool:
        return bool(self.balance_signs)

    def exclusion(self, exercise_id: str) -> str | None:
        return next((why for i, why in self.excluded if i == exercise_id), None)

    @property
    def fall_risk(self) -> bool:
        return bool(self.fall_risk_signs) or self.balance_limited


__all__ = [
    "Bracing",
    "Phase",
    "PlanInput",
    "PlanOutput",
    "PlannedExercise",
    "Sensation",
    "Situation",
]
