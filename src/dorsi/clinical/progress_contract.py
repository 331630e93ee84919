"""The JSON contract of ``dorsi progress``: input and output models.

Shape checks (types, enums, 0-10 pain, unknown fields) happen here; checks that need the
measures catalog or today's date (known measure id, grade string vs number, valid range, no
future dates) happen in :func:`dorsi.clinical.progress.review`, with the same field paths.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal, Protocol

from pydantic import (
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
)
from pydantic_core import PydanticCustomError

from dorsi.catalog.brace import SkinFinding
from dorsi.clinical.contract import RECORD_DAY, Contract, Output
from dorsi.clinical.goal_contract import GoalReport, RecordedGoal

Status = Literal["improved", "worse", "no_real_change", "insufficient_data"]
Reference = Literal["baseline", "previous", "best"]
StopStatus = Literal["active", "resolved"]
PlanBasis = Literal["scheduled", "no_program", "no_planned_days", "not_started"]
AlertKind = Literal[
    "stop_program",
    "worsening",
    "pain_rising",
    "plateau",
    "reassessment_due",
    "ready_to_progress",
    "regress",
    "low_adherence",
    "skin_problem",
]
Difficulty = Literal["easy", "ok", "hard"]

MAX_ITEMS = 10_000
MAX_GOALS = 100


class Measurement(Contract):
    """One value of one measure on one day."""

    measure: str = Field(min_length=1, max_length=64)
    value: float | str
    date: dt.date

    @field_validator("value", mode="plain")
    @classmethod
    def _number_or_grade(cls, value: object) -> float | str:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise PydanticCustomError(
                "value_kind",
                'must be a number, or for dorsiflexion_mmt an MMT grade string such as "3+"',
            )
        if isinstance(value, str):
            if len(value) > 8:
                raise PydanticCustomError("value_kind", "must be a short MMT grade string")
            return value
        if not math.isfinite(value):
            raise PydanticCustomError("value_kind", "must be a finite number")
        return float(value)


# The one check-in shape, as the patient reports it: the body of the API's check-in, the row
# the services store, and what the progress review reads (``sessions``), so no field is ever
# mapped by hand between them. The docstring is the API's description of the body.
class Checkin(Contract):
    """One end-of-session check-in (``date`` defaults to today)."""

    date: dt.date | None = Field(default=None, description=RECORD_DAY)
    completed: bool
    sets_done: int | None = Field(default=None, ge=0, le=100)
    pain_nrs: float = Field(ge=0, le=10)
    difficulty: Difficulty
    trips_since_last: int | None = Field(default=None, ge=0, le=1000)
    weakness_worse: bool
    balance_worse: bool
    notes: str = Field(default="", max_length=2000)

    def on(self, today: dt.date) -> Checkin:
        """This check-in, dated ``today`` when it came without a date."""
        return self if self.date is not None else self.model_copy(update={"date": today})

    @property
    def day(self) -> dt.date:
        """The check-in's day (a check-in is dated by :meth:`on` before the review reads it)."""
        if self.date is None:
            raise ValueError("an undated check-in is today's: date it with on(today) first")
        return self.date


class CheckinIn(Checkin):
    """One end-of-session check-in as the app takes it from a patient (``date`` defaults to
    today): the same shape, with pain a whole number, the 0-10 scale the patient's form offers
    and the record stores. ``dorsi progress`` reads any number from 0 to 10 (a mean, a half)."""

    pain_nrs: int = Field(ge=0, le=10)


class BraceCheck(Contract):
    """One brace-log skin check (the brace log's other fields are not reviewed here)."""

    model_config = ConfigDict(allow_inf_nan=False)

    date: dt.date
    skin_problem: bool
    seen: tuple[SkinFinding, ...] = Field(default=(), max_length=4)
    wear_hours: float | None = Field(default=None, ge=0, le=24)


class ProgressInput(Contract):
    """Input of ``dorsi progress``. ``today`` (when given) wins over the caller's clock.

    ``phase`` (1-3, optional): the phase of the current program; ready_to_progress then also
    needs the next phase's entry criteria. ``stops_resolved_through`` (optional): stop alerts
    raised by check-ins on or before this day are resolved (a clinician acknowledged them, or
    a later screening found it safe to go on). ``goals`` (optional): each is reported as met,
    on track, not on track or not yet measured (:mod:`dorsi.clinical.goals`); a goal with
    ``met_on`` was judged met by the clinician that day.
    """

    measurements: tuple[Measurement, ...] = Field(max_length=MAX_ITEMS)
    sessions: tuple[Checkin, ...] = Field(max_length=MAX_ITEMS)
    program_start: dt.date | None = None
    planned_days_per_week: int | None = Field(default=None, ge=0, le=7)
    today: dt.date | None = None
    phase: int | None = Field(default=None, ge=1, le=3)
    stops_resolved_through: dt.date | None = None
    goals: tuple[RecordedGoal, ...] = Field(default=(), max_length=MAX_GOALS)
    #: brace-log skin checks: a skin problem in the last days raises ``skin_problem``
    brace_log: tuple[BraceCheck, ...] = Field(default=(), max_length=MAX_ITEMS)


class MeasureReview(Output):
    """The latest value of one measure against its baseline, previous and best values.

    ``baseline``/``latest`` are numbers, or grade strings for ``dorsiflexion_mmt``. ``change``
    is latest minus baseline (MMT: in grades via :func:`dorsi.catalog.mmt.numeric`); it is
    0 when there is only one value (status ``insufficient_data``). ``mdc`` is the smallest
    real change at the baseline. ``previous`` is the value before the latest, ``best`` the
    best earlier value (highest, or lowest where lower is better); each has its date, the
    change from it, the MDC at it and a status. ``status`` is ``worse`` when the latest is
    worse than any reference by its MDC (``worse_than`` names them), else the status against
    the baseline. ``trend_per_week`` is the Theil-Sen slope of the values of the trend
    window (``trend_values`` of them), or None with fewer than the rules' minimum.
    """

    baseline: float | str
    latest: float | str
    change: float
    mdc: float
    status: Status
    baseline_date: dt.date | None = None
    latest_date: dt.date | None = None
    status_from_baseline: Status = "insufficient_data"
    previous: float | str | None = None
    previous_date: dt.date | None = None
    change_from_previous: float | None = None
    mdc_from_previous: float | None = None
    status_from_previous: Status = "insufficient_data"
    best: float | str | None = None
    best_date: dt.date | None = None
    change_from_best: float | None = None
    mdc_from_best: float | None = None
    status_from_best: Status = "insufficient_data"
    worse_than: tuple[Reference, ...] = ()
    trend_per_week: float | None = None
    trend_values: int = 0


class Alert(Output):
    kind: AlertKind
    message: str


class Adherence(Output):
    """Days with a completed session against the days the schedule planned, from the start
    to today. ``percent`` (0-100) is None when no day was planned (``basis`` says why:
    ``no_program``, ``no_planned_days`` or ``not_started``); ``adequate`` is never true then."""

    sessions_done: int
    sessions_planned: int
    percent: int | None
    # Read by the pages and the text; left out of the JSON contract, whose adherence keys
    # other systems read exactly (a published shape).
    adequate: bool = Field(default=False, exclude=True)
    basis: PlanBasis = Field(default="scheduled", exclude=True)


class StopEvent(Output):
    """A check-in that reported weakness or balance worse: ``active`` until resolved."""

    date: dt.date
    weakness_worse: bool
    balance_worse: bool
    status: StopStatus


class PainTrend(Output):
    """Mean check-in pain of the last window up to the last check-in and of the one before."""

    recent_mean: float | None
    recent_checkins: int
    earlier_mean: float | None
    earlier_checkins: int
    rising: bool


class CriterionCheck(Output):
    """One entry criterion of the next phase against the latest value (None: not measured)."""

    measure: str
    at_least: float | str | None
    at_most: float | None
    latest: float | str | None
    met: bool


class PhaseCheck(Output):
    """The entry criteria of the phase after the current one; ``met`` when all are met."""

    current_phase: int
    next_phase: int | None
    criteria: tuple[CriterionCheck, ...]
    met: bool


class MeasurementLike(Protocol):
    """What the review reads of one measurement: a :class:`Measurement`, or a stored row."""

    @property
    def measure(self) -> str: ...
    @property
    def value(self) -> float | str: ...
    @property
    def date(self) -> dt.date: ...


class ProgressOutput(Output):
    measures: dict[str, MeasureReview]
    alerts: tuple[Alert, ...]
    adherence: Adherence
    # The course behind the alerts, for the pages, the note and the readable text. The JSON
    # contract keeps exactly measures, alerts and adherence at the top (other systems read
    # it so); what these say reaches it through the alerts and the per-measure references.
    stops: tuple[StopEvent, ...] = Field(default=(), exclude=True)
    pain_trend: PainTrend | None = Field(default=None, exclude=True)
    next_phase: PhaseCheck | None = Field(default=None, exclude=True)
    # Each goal of the input with its status. In the JSON only when goals were given, so the
    # contract's top level stays exactly measures, alerts and adherence for callers without.
    goals: tuple[GoalReport, ...] = ()

    @model_serializer(mode="wrap")
    def _goals_only_when_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        data: dict[str, object] = handler(self)
        if not self.goals:
            data.pop("goals", None)
        return data


__all__ = [
    "Adherence",
    "Alert",
    "AlertKind",
    "BraceCheck",
    "Checkin",
    "CheckinIn",
    "CriterionCheck",
    "Difficulty",
    "MeasureReview",
    "Measurement",
    "MeasurementLike",
    "PainTrend",
    "PhaseCheck",
    "PlanBasis",
    "ProgressInput",
    "ProgressOutput",
    "Reference",
    "Status",
    "StopEvent",
    "StopStatus",
]
