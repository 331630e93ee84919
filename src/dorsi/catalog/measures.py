"""Outcome measures (``data/measures.yaml``) and progress-review thresholds
(``data/progress_rules.yaml``).

Each measure says how to take it, its valid range, which way is better, and the smallest
real change (MDC) with its source. Three MDC shapes exist, or none:

- ``mdc``: one absolute value (most measures);
- ``mdc_strata``: the MDC depends on the baseline value (gait speed, Hosoi et al. 2023);
- ``relative_mdc``: a share of the baseline with a floor, capped by ``mdc`` (single-leg stance,
  where the published 24.1 s exceeds many patients' whole time);
- neither ``mdc`` nor ``mdc_strata``: no MDC is published for the measure (walking speed from a
  phone video). The progress review does not judge it (:attr:`Measure.trend_only`); pages and
  reports show its values as a trend, never as a real change.

:meth:`Measure.mdc_at` gives the MDC that applies to a given baseline.
"""

from __future__ import annotations

import itertools
import math
import re
from functools import cache
from typing import Literal

from pydantic import Field, model_validator

from dorsi.catalog.load import load_data
from dorsi.catalog.mmt import GRADES
from dorsi.catalog.sourced import CatalogModel, Evidence, Sourced
from dorsi.errors import CatalogError, NotFoundError

REQUIRED_IDS: tuple[str, ...] = (
    "dorsiflexion_mmt",
    "dorsiflexion_arom_deg",
    "ankle_df_passive_deg",
    "dorsiflexion_arom_camera_deg",
    "single_leg_stance_s",
    "gait_speed_mps",
    "gait_speed_video_mps",
    "tug_s",
    "trips_per_week",
    "falls_past_month",
    "pain_nrs",
    "lefs",
    "swing_dorsiflexion_deg",
    "toe_clearance_ratio",
    "stance_time_asymmetry_pct",
    "fga_score",
    "six_minute_walk_m",
    "abc_pct",
)

_LOINC = re.compile(r"^\d{1,7}-\d$")


class Norm(CatalogModel):
    """A reference value for comparison. ``unit`` is set only when it differs from the measure's."""

    label: str = Field(min_length=3)
    value: float
    unit: str | None = None
    source: str = Field(min_length=3)
    evidence: Evidence


class MdcStratum(CatalogModel):
    """The MDC for baselines from ``min`` (inclusive) up to ``max`` (see ``max_inclusive``)."""

    min: float
    max: float
    max_inclusive: bool = False
    mdc: Sourced

    def contains(self, baseline: float) -> bool:
        if baseline < self.min:
            return False
        return baseline <= self.max if self.max_inclusive else baseline < self.max


class RelativeMdc(CatalogModel):
    """MDC = max(``floor``, ``fraction`` x baseline), never above the measure's absolute ``mdc``."""

    fraction: Sourced
    floor: Sourced


class Measure(CatalogModel):
    """One outcome measure."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=3)
    unit: str = Field(min_length=1)
    ucum: str = Field(min_length=1)
    value_kind: Literal["number", "mmt_grade"]
    min: float
    max: float
    direction: Literal["higher", "lower"]
    how_to_measure: str = Field(min_length=20)
    mdc: Sourced | None = None
    mdc_strata: tuple[MdcStratum, ...] = ()
    relative_mdc: RelativeMdc | None = None
    mdc_rule: str = Field(min_length=10)
    mcid: Sourced | None = None
    norms: tuple[Norm, ...] = ()
    loinc: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Measure:
        if not (math.isfinite(self.min) and math.isfinite(self.max)) or self.min >= self.max:
            raise ValueError(f"min ({self.min}) must be below max ({self.max})")
        if self.value_kind == "mmt_grade" and (self.min, self.max) != (0, 5):
            raise ValueError("an mmt_grade measure spans 0 to 5")
        if self.mdc is not None and self.mdc_strata:
            raise ValueError("give at most one of mdc or mdc_strata")
        if self.relative_mdc is not None:
            if self.mdc is None:
                raise ValueError("relative_mdc needs mdc as its upper cap")
            if not 0 < self.relative_mdc.fraction.value <= 1:
                raise ValueError("relative_mdc.fraction must be in (0, 1]")
            if self.relative_mdc.floor.value <= 0:
                raise ValueError("relative_mdc.floor must be above 0")
        for sourced in [self.mdc, *(s.mdc for s in self.mdc_strata)]:
            if sourced is not None and not sourced.value > 0:
                raise ValueError(f"every MDC must be above 0 (got {sourced.value})")
        if self.mdc_strata:
            self._check_strata()
        if self.mcid is not None and not self.mcid.value > 0:
            raise ValueError(f"mcid must be above 0 (got {self.mcid.value})")
        for norm in self.norms:
            if norm.unit is None and not self.min <= norm.value <= self.max:
                raise ValueError(f"norm '{norm.label}' ({norm.value}) is outside min..max")
        if self.loinc is not None and not _LOINC.match(self.loinc):
            raise ValueError(f"loinc '{self.loinc}' is not a LOINC code like 89423-8")
        return self

    def _check_strata(self) -> None:
        strata = self.mdc_strata
        if strata[0].min != self.min:
            raise ValueError("mdc_strata must start at the measure's min")
        if strata[-1].max != self.max or not strata[-1].max_inclusive:
            raise ValueError("mdc_strata must end at the measure's max, inclusive")
        for before, after in itertools.pairwise(strata):
            if before.max != after.min:
                raise ValueError(f"mdc_strata leave a gap or overlap at {before.max} / {after.min}")
        for stratum in strata:
            if stratum.min >= stratum.max:
                raise ValueError(f"mdc stratum min ({stratum.min}) must be below its max")

    @property
    def trend_only(self) -> bool:
        """No published MDC: the review leaves it out; it is shown as a trend only."""
        return self.mdc is None and not self.mdc_strata

    def mdc_at(self, baseline: float) -> float:
        """The smallest real change for a series that starts at ``baseline``.

        ``baseline`` is the measure's number (for MMT grades, :func:`dorsi.catalog.mmt.numeric`).
        """
        if self.mdc_strata:
            for stratum in self.mdc_strata:
                if stratum.contains(baseline):
                    return stratum.mdc.value
            # Outside the valid range: the nearest end applies.
            edge = self.mdc_strata[0] if baseline < self.min else self.mdc_strata[-1]
            return edge.mdc.value
        if self.mdc is None:
            raise ValueError(f"measure {self.id} has no MDC (trend only)")
        if self.relative_mdc is None:
            return self.mdc.value
        relative = max(
            self.relative_mdc.floor.value, self.relative_mdc.fraction.value * abs(baseline)
        )
        return round(min(self.mdc.value, relative), 4)

    def in_range(self, value: float) -> bool:
        return math.isfinite(value) and self.min <= value <= self.max


class MeasureCatalog(CatalogModel):
    """All measures, in catalog order."""

    measures: tuple[Measure, ...]

    @model_validator(mode="after")
    def _check(self) -> MeasureCatalog:
        ids = [m.id for m in self.measures]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate measure ids: {', '.join(duplicates)}")
        missing = [i for i in REQUIRED_IDS if i not in ids]
        if missing:
            raise ValueError(f"missing required measure ids: {', '.join(missing)}")
        return self

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.measures)

    def get(self, measure_id: str) -> Measure:
        """The measure with ``measure_id``; :class:`NotFoundError` lists the valid ids."""
        for measure in self.measures:
            if measure.id == measure_id:
                return measure
        raise NotFoundError(f"no measure '{measure_id}'; valid measure ids: {', '.join(self.ids)}")


class EntryCriterion(CatalogModel):
    """One entry criterion of a phase: the latest value of ``measure`` is at least
    ``at_least`` (a number, or an MMT grade string) or at most ``at_most``."""

    measure: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    at_least: float | str | None = None
    at_most: float | None = None
    source: str = Field(min_length=3)
    evidence: Evidence

    @model_validator(mode="after")
    def _check(self) -> EntryCriterion:
        if (self.at_least is None) == (self.at_most is None):
            raise ValueError("give exactly one of at_least or at_most")
        return self


class PhaseEntry(CatalogModel):
    """The criteria the latest values meet before a patient moves into ``phase``."""

    phase: int = Field(ge=2, le=3)
    criteria: tuple[EntryCriterion, ...] = Field(min_length=1)


class ProgressRules(CatalogModel):
    """Alert thresholds of the progress review, each with its source."""

    reassessment_interval_days: Sourced
    plateau_window_days: Sourced
    adherence_adequate_pct: Sourced
    adherence_first_full_week_days: Sourced
    default_days_per_week: Sourced
    pain_safe_max_nrs: Sourced
    pain_acceptable_max_nrs: Sourced
    hard_sessions_for_regress: Sourced
    plateau_trend_window_days: Sourced
    plateau_min_values: Sourced
    pain_rising_window_days: Sourced
    pain_rising_min_checkins: Sourced
    pain_rising_points: Sourced
    pain_rising_relative: Sourced
    pain_rising_min_points: Sourced
    phase_entry: tuple[PhaseEntry, ...] = ()

    def entry_of(self, phase: int) -> PhaseEntry | None:
        """The entry criteria of ``phase`` (None: no such phase, e.g. after the last)."""
        return next((p for p in self.phase_entry if p.phase == phase), None)

    @model_validator(mode="after")
    def _check(self) -> ProgressRules:
        whole = {
            "reassessment_interval_days": (1, 365),
            "plateau_window_days": (1, 365),
            "adherence_first_full_week_days": (1, 28),
            "default_days_per_week": (1, 7),
            "hard_sessions_for_regress": (1, 30),
            "plateau_trend_window_days": (7, 365),
            "plateau_min_values": (3, 30),
            "pain_rising_window_days": (1, 90),
            "pain_rising_min_checkins": (1, 90),
        }
        for name, (low, high) in whole.items():
            value = getattr(self, name).value
            if value != int(value) or not low <= value <= high:
                raise ValueError(f"{name} must be a whole number from {low} to {high}")
        if not 0 < self.adherence_adequate_pct.value <= 100:
            raise ValueError("adherence_adequate_pct must be in (0, 100]")
        safe, acceptable = self.pain_safe_max_nrs.value, self.pain_acceptable_max_nrs.value
        if not 0 <= safe <= acceptable <= 10:
            raise ValueError("need 0 <= pain_safe_max_nrs <= pain_acceptable_max_nrs <= 10")
        if not 0 < self.pain_rising_min_points.value <= self.pain_rising_points.value <= 10:
            raise ValueError("need 0 < pain_rising_min_points <= pain_rising_points <= 10")
        if not 0 < self.pain_rising_relative.value <= 10:
            raise ValueError("pain_rising_relative must be in (0, 10]")
        if self.plateau_trend_window_days.value < self.plateau_window_days.value:
            raise ValueError("plateau_trend_window_days must be at least plateau_window_days")
        phases = [p.phase for p in self.phase_entry]
        if len(set(phases)) != len(phases):
            raise ValueError("phase_entry lists a phase twice")
        return self


@cache
def load_measures() -> MeasureCatalog:
    """The measures catalog (validated once, then cached)."""
    return load_data("measures.yaml", MeasureCatalog)


@cache
def load_progress_rules() -> ProgressRules:
    """The progress-review thresholds (validated once, then cached); every entry criterion
    names a measure of the catalog, with a grade string only on the muscle grade."""
    rules = load_data("progress_rules.yaml", ProgressRules)
    _check_criteria(rules, load_measures())
    return rules


def _check_criteria(rules: ProgressRules, catalog: MeasureCatalog) -> None:
    by_id = {m.id: m for m in catalog.measures}
    for entry in rules.phase_entry:
        for item in entry.criteria:
            where = f"data/progress_rules.yaml phase_entry {entry.phase} {item.measure}"
            measure = by_id.get(item.measure)
            if measure is None:
                raise CatalogError(f"{where}: unknown measure")
            limit = item.at_least if item.at_least is not None else item.at_most
            if measure.value_kind == "mmt_grade":
                if not isinstance(limit, str) or limit not in GRADES:
                    raise CatalogError(f"{where}: needs an MMT grade string")
            elif isinstance(limit, str) or not measure.in_range(float(limit or 0)):
                raise CatalogError(f"{where}: needs a number within the measure's range")


__all__ = [
    "REQUIRED_IDS",
    "EntryCriterion",
    "MdcStratum",
    "Measure",
    "MeasureCatalog",
    "Norm",
    "PhaseEntry",
    "ProgressRules",
    "RelativeMdc",
    "load_measures",
    "load_progress_rules",
]
