"""The brace (ankle-foot orthosis, AFO) log: wear time against the target, skin checks, and
walking with and without the brace.

- A log entry is one day's wear (``wear_hours``, 0-24) and skin check: ``skin_problem`` and,
  optionally, what was seen (``seen``: red marks lasting more than 30 minutes after taking
  the brace off, a sore, a blister, pain where it presses). Seeing something is a skin
  problem, so ``seen`` with ``skin_problem`` false is refused.
- The patient's advice comes from ``data/brace.yaml``: a sore, a blister or lasting redness
  means stop wearing the brace until the therapist checks it (North Bristol NHS orthotics);
  pain alone means rest the skin and tell the therapist if it recurs.
- The review raises ``skin_problem`` for a skin problem logged in the last
  ``skin_alert_days`` (a clinician default) up to today.
- Wear time: the mean of the days logged in the last ``wear_window_days`` against the
  clinician's hours-a-day target (or the clinician default when none was set). Several entries
  on one day: the last one logged counts for that day's hours (a correction).
- With and without the brace: the latest value of each walking measure (the 10-metre walk
  test, the gait video's speed) marked as walked with the brace, and without it. The two are
  compared only within one measure, never across.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from dorsi.catalog.brace import SkinFinding, load_brace_rules
from dorsi.catalog.measures import load_measures
from dorsi.clinical.contract import Contract, Output, no_nul_schema
from dorsi.i18n import Language

#: The walking measures compared with and without the brace.
WALK_MEASURES = ("gait_speed_mps", "gait_speed_video_mps")


def _seen_needs_a_problem(schema: dict[str, Any]) -> None:
    """The JSON Schema says what the validators do: naming a finding means a skin problem."""
    no_nul_schema(schema)
    schema["if"] = {"properties": {"seen": {"minItems": 1}}, "required": ["seen"]}
    schema["then"] = {"properties": {"skin_problem": {"const": True}}}


class BraceLogIn(Contract):
    """One day's brace wear and skin check (``date`` defaults to today)."""

    model_config = ConfigDict(allow_inf_nan=False, json_schema_extra=_seen_needs_a_problem)

    date: dt.date | None = None
    wear_hours: float = Field(ge=0, le=24)
    # (seen before skin_problem: the check of skin_problem reads it)
    seen: tuple[SkinFinding, ...] = Field(
        default=(), max_length=4, json_schema_extra={"uniqueItems": True}
    )
    skin_problem: bool
    note: str = Field(default="", max_length=2000, pattern=r"^[^\x00]*$")

    @field_validator("wear_hours", mode="before")
    @classmethod
    def _number(cls, value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise PydanticCustomError("wear_hours", "must be a number of hours from 0 to 24")
        if not math.isfinite(value):
            raise PydanticCustomError("wear_hours", "must be a number of hours from 0 to 24")
        return float(value)

    @field_validator("seen")
    @classmethod
    def _unique(cls, value: tuple[SkinFinding, ...]) -> tuple[SkinFinding, ...]:
        if len(set(value)) != len(value):
            raise PydanticCustomError("unique", "must not name a finding twice")
        return value

    @field_validator("skin_problem")
    @classmethod
    def _seen_is_a_problem(cls, value: bool, info: ValidationInfo) -> bool:
        if info.data.get("seen") and not value:
            raise PydanticCustomError(
                "skin_problem", "must be true when seen names a finding (got false)"
            )
        return value


def patient_advice(skin_problem: bool, seen: Iterable[str], lang: Language) -> str:
    """What the patient should do now, in plain words."""
    rules = load_brace_rules()
    found = [rules.seen[s] for s in seen if s in rules.seen]
    if not skin_problem:
        return rules.advice.ok.get(lang)
    if any(f.stop for f in found):
        return rules.advice.stop.get(lang)
    if found:
        return rules.advice.watch.get(lang)
    return rules.advice.unspecified.get(lang)


@dataclass(frozen=True, slots=True)
class SkinCheck:
    """A logged skin problem: its day and what was seen."""

    day: dt.date
    seen: tuple[str, ...]


def recent_skin_problems(checks: Iterable[SkinCheck], today: dt.date) -> list[SkinCheck]:
    """The skin problems logged in the alert window up to ``today``, oldest first."""
    days = int(load_brace_rules().skin_alert_days.value)
    first = today - dt.timedelta(days=days - 1)
    return sorted((c for c in checks if first <= c.day <= today), key=lambda c: c.day)


def skin_alert(checks: Iterable[SkinCheck], today: dt.date, lang: Language) -> str | None:
    """The ``skin_problem`` alert in clinical words, or None without a recent skin problem."""
    recent = recent_skin_problems(checks, today)
    if not recent:
        return None
    rules = load_brace_rules()
    seen: list[str] = []
    for check in recent:
        seen += [s for s in check.seen if s in rules.seen and s not in seen]
    findings = ", ".join(rules.seen[s].clinical.get(lang) for s in seen)  # type: ignore[index]
    stop = any(rules.seen[s].stop for s in seen) or not seen  # type: ignore[index]
    template = rules.alert.stop if stop else rules.alert.watch
    dates = ", ".join(sorted({c.day.isoformat() for c in recent}))
    return template.get(lang).format(
        dates=dates, findings=findings or rules.alert.no_detail.get(lang)
    )


class WearReport(Output):
    """Wear time in the window against the target (hours a day)."""

    target_hours: float
    #: ``clinician``: set at an evaluation; ``default``: the clinician default of brace.yaml
    target_from: str
    window_start: dt.date
    window_end: dt.date
    days_logged: int
    mean_hours: float | None
    days_at_target: int
    meets_target: bool | None


def wear_report(
    days: Iterable[tuple[dt.date, float]], *, target_hours: float | None, today: dt.date
) -> WearReport:
    """Wear in the last ``wear_window_days`` up to ``today``; ``days`` are (day, hours) in the
    order logged (a later entry of the same day replaces an earlier one)."""
    rules = load_brace_rules()
    window = int(rules.wear_window_days.value)
    first = today - dt.timedelta(days=window - 1)
    by_day: dict[dt.date, float] = {}
    for day, hours in days:
        if first <= day <= today:
            by_day[day] = hours
    target = target_hours if target_hours is not None else rules.default_wear_target_hours.value
    mean = round(sum(by_day.values()) / len(by_day), 1) if by_day else None
    return WearReport(
        target_hours=target,
        target_from="clinician" if target_hours is not None else "default",
        window_start=first,
        window_end=today,
        days_logged=len(by_day),
        mean_hours=mean,
        days_at_target=sum(1 for h in by_day.values() if h >= target),
        meets_target=None if mean is None else mean >= target,
    )


class WalkValue(Output):
    value: float
    date: dt.date
    count: int


class BraceComparison(Output):
    """One walking measure's latest value with the brace and without it."""

    measure: str
    name: str
    unit: str
    with_brace: WalkValue | None
    without_brace: WalkValue | None
    #: with minus without, when both were measured
    difference: float | None
    #: the smallest real change at the without-brace value (None: no published MDC)
    mdc: float | None


@dataclass(frozen=True, slots=True)
class MarkedValue:
    measure: str
    value: float
    date: dt.date
    with_brace: bool | None


def compare_walking(values: Sequence[MarkedValue]) -> list[BraceComparison]:
    """Per walking measure with at least one marked value: latest with and without the brace.
    Values not marked either way are left out (the brace use is unknown)."""
    catalog = {m.id: m for m in load_measures().measures}
    out: list[BraceComparison] = []
    for measure_id in WALK_MEASURES:
        measure = catalog.get(measure_id)
        if measure is None:
            continue
        sides: dict[bool, WalkValue] = {}
        for marked in (True, False):
            picked = sorted(
                (v for v in values if v.measure == measure_id and v.with_brace is marked),
                key=lambda v: v.date,
            )
            if picked:
                last = picked[-1]
                sides[marked] = WalkValue(value=last.value, date=last.date, count=len(picked))
        if not sides:
            continue
        with_, without = sides.get(True), sides.get(False)
        difference = None
        mdc = None
        if with_ is not None and without is not None:
            difference = round(with_.value - without.value, 3)
            mdc = None if measure.trend_only else round(measure.mdc_at(without.value), 3)
        out.append(
            BraceComparison(
                measure=measure_id,
                name=measure.name,
                unit=measure.unit,
                with_brace=with_,
                without_brace=without,
                difference=difference,
                mdc=mdc,
            )
        )
    return out


__all__ = [
    "WALK_MEASURES",
    "BraceComparison",
    "BraceLogIn",
    "MarkedValue",
    "SkinCheck",
    "WalkValue",
    "WearReport",
    "compare_walking",
    "patient_advice",
    "recent_skin_problems",
    "skin_alert",
    "wear_report",
]
