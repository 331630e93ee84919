"""The JSON contract of ``dorsi progress`` (issue 2): input and output models.

Shape checks (types, enums, 0-10 pain, unknown fields) happen here; checks that need the
measures catalog or today's date (known measure id, grade string vs number, valid range, no
future dates) happen in :func:`dorsi.clinical.progress.review`, with the same field paths.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Literal, Protocol

from pydantic import ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from dorsi.clinical.contract import Contract, Output

Status = Literal["improved", "worse", "no_real_change", "insufficient_data"]
AlertKind = Literal[
    "stop_program",
    "worsening",
    "plateau",
    "reassessment_due",
    "ready_to_progress",
    "regress",
    "low_adherence",
]
Difficulty = Literal["easy", "ok", "hard"]

MAX_ITEMS = 10_000


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


class Session(Contract):
    """One logged home-exercise session."""

    model_config = ConfigDict(allow_inf_nan=False)

    date: dt.date
    completed: bool
    pain_nrs: float = Field(ge=0, le=10)
    difficulty: Difficulty
    weakness_worse: bool
    balance_worse: bool


class ProgressInput(Contract):
    """Input of ``dorsi progress``. ``today`` (when given) wins over the caller's clock."""

    measurements: tuple[Measurement, ...] = Field(max_length=MAX_ITEMS)
    sessions: tuple[Session, ...] = Field(max_length=MAX_ITEMS)
    program_start: dt.date | None = None
    planned_days_per_week: int | None = Field(default=None, ge=0, le=7)
    today: dt.date | None = None
    #: A clinician resolved the stop alerts of sessions dated on or before this day (they
    #: acknowledged them, or a later screening found it safe to go on); later ones still stop.
    stops_resolved_through: dt.date | None = None


class MeasureReview(Output):
    """Baseline vs latest for one measure.

    ``baseline``/``latest`` are numbers, or grade strings for ``dorsiflexion_mmt``. ``change``
    is latest minus baseline (MMT: in grades via :func:`dorsi.clinical.mmt.numeric`); it is
    0 when there is only one value (status ``insufficient_data``). ``mdc`` is the smallest
    real change used.
    """

    baseline: float | str
    latest: float | str
    change: float
    mdc: float
    status: Status


class Alert(Output):
    kind: AlertKind
    message: str


class Adherence(Output):
    """Completed sessions against sessions planned from the start to today (percent 0-100)."""

    sessions_done: int
    sessions_planned: int
    percent: int


class MeasurementLike(Protocol):
    """What the review reads of one measurement: a :class:`Measurement`, or a stored row."""

    @property
    def measure(self) -> str: ...
    @property
    def value(self) -> float | str: ...
    @property
    def date(self) -> dt.date: ...


@dataclass(frozen=True, slots=True)
class SessionLog:
    """Sessions as columns (one sequence per field, all the same length), sorted by date, and
    sessions of the same day in the order they were logged.

    The review's rules read sessions through this: counting and picking from columns is fast,
    so a clinic-wide review of thousands of year-long histories need not build a
    :class:`Session` per check-in (:mod:`dorsi.services.review` fills it from stored rows).
    """

    dates: Sequence[dt.date]
    completed: Sequence[bool]
    pain_nrs: Sequence[float]
    difficulty: Sequence[str]
    weakness_worse: Sequence[bool]
    balance_worse: Sequence[bool]

    @classmethod
    def of(cls, sessions: Sequence[Session]) -> SessionLog:
        """The log of ``sessions``, sorted by date (stable: same-day sessions keep their order)."""
        ordered = sorted(sessions, key=attrgetter("date"))
        return cls(
            dates=[s.date for s in ordered],
            completed=[s.completed for s in ordered],
            pain_nrs=[s.pain_nrs for s in ordered],
            difficulty=[s.difficulty for s in ordered],
            weakness_worse=[s.weakness_worse for s in ordered],
            balance_worse=[s.balance_worse for s in ordered],
        )

    def __len__(self) -> int:
        return len(self.dates)

    def stops_resolved_through(self, day: dt.date | None) -> SessionLog:
        """The log with the stop answers (weakness or balance worse) of sessions dated on or
        before ``day`` cleared: a clinician resolved those stop alerts. The rest is kept."""
        if day is None or not self.dates or self.dates[0] > day:
            return self
        later = [d > day for d in self.dates]
        return SessionLog(
            dates=self.dates,
            completed=self.completed,
            pain_nrs=self.pain_nrs,
            difficulty=self.difficulty,
            weakness_worse=[w and k for w, k in zip(self.weakness_worse, later, strict=True)],
            balance_worse=[b and k for b, k in zip(self.balance_worse, later, strict=True)],
        )


class ProgressOutput(Output):
    measures: dict[str, MeasureReview]
    alerts: tuple[Alert, ...]
    adherence: Adherence


__all__ = [
    "Adherence",
    "Alert",
    "AlertKind",
    "Difficulty",
    "MeasureReview",
    "Measurement",
    "MeasurementLike",
    "ProgressInput",
    "ProgressOutput",
    "Session",
    "SessionLog",
    "Status",
]
