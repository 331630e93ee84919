"""Recovery-timeline figures (``data/recovery.yaml``) used by ``dorsi outlook``.

Every figure is a :class:`~dorsi.catalog.sourced.Sourced` value; the ten recovery factors of the
clinic protocol carry their plain-words texts; the signs of healing carry their sources.
"""

from __future__ import annotations

from functools import cache
from typing import Literal, get_args

from pydantic import Field, model_validator

from dorsi.catalog.load import load_data
from dorsi.catalog.sourced import CatalogModel, Evidence, Sourced
from dorsi.i18n import Language

FactorId = Literal[
    "severity",
    "duration_before_treatment",
    "sleep",
    "workload",
    "health_history",
    "consistency",
    "rest",
    "baseline_strength",
    "training_age",
    "ability_to_adjust_volume",
    "age",
    "diabetes",
    "smoking",
    "nutrition",
]


class NerveFigures(CatalogModel):
    neurapraxia_low_weeks: Sourced
    neurapraxia_high_weeks: Sourced
    regrowth_mm_per_day: Sourced
    regrowth_fast_mm_per_day: Sourced
    regrowth_start_delay_weeks: Sourced
    muscle_recovery_weeks: Sourced
    guarded_distance_cm: Sourced
    poor_distance_cm: Sourced
    regeneration_window_weeks: Sourced

    @model_validator(mode="after")
    def _sane(self) -> NerveFigures:
        if not 0 < self.regrowth_mm_per_day.value <= self.regrowth_fast_mm_per_day.value:
            raise ValueError("regrowth_mm_per_day must be > 0 and <= regrowth_fast_mm_per_day")
        if not 0 <= self.neurapraxia_low_weeks.value <= self.neurapraxia_high_weeks.value:
            raise ValueError("neurapraxia weeks must satisfy 0 <= low <= high")
        if not 0 < self.guarded_distance_cm.value < self.poor_distance_cm.value:
            raise ValueError("guarded_distance_cm must be > 0 and < poor_distance_cm")
        if self.regrowth_start_delay_weeks.value < 0 or self.muscle_recovery_weeks.value < 0:
            raise ValueError("delays must not be negative")
        return self


class DistanceRange(CatalogModel):
    low: Sourced
    high: Sourced

    @model_validator(mode="after")
    def _ordered(self) -> DistanceRange:
        if not 0 <= self.low.value <= self.high.value:
            raise ValueError("distance range must satisfy 0 <= low <= high")
        return self


class DefaultDistances(CatalogModel):
    peroneal: DistanceRange
    lumbar: DistanceRange
    post_operative_sciatic: DistanceRange
    unknown: DistanceRange


class PeronealFigures(CatalogModel):
    nerve_studies_weeks: Sourced
    surgical_opinion_weeks: Sourced
    tendon_transfer_weeks: Sourced


class LumbarFigures(CatalogModel):
    low_weeks: Sourced
    high_weeks: Sourced
    plateau_weeks: Sourced
    full_recovery_weeks: Sourced
    surgical_opinion_weeks: Sourced


class WindowFigures(CatalogModel):
    low_weeks: Sourced
    high_weeks: Sourced


class UnknownFigures(CatalogModel):
    high_weeks: Sourced


class FactorWordsEs(CatalogModel):
    """A factor's name and texts in Spanish (English is the factor's own fields)."""

    name: str = Field(min_length=3)
    helps: str = Field(min_length=10)
    hinders: str = Field(min_length=10)


class Factor(CatalogModel):
    """A recovery factor (the protocol's ten, and age, diabetes, smoking, nutrition), in plain
    words, with what it does to the outlook.

    ``hinders_high_weeks_pct`` (a sourced percentage) stretches the high bound when the factor
    hinders: only where slower nerve recovery is published (age, diabetes). Every other factor
    changes only the confidence: the text says which end of the range becomes more likely.
    """

    id: FactorId
    name: str = Field(min_length=3)
    helps: str = Field(min_length=10)
    hinders: str = Field(min_length=10)
    source: str = Field(min_length=3)
    evidence: Evidence
    hinders_high_weeks_pct: Sourced | None = None
    es: FactorWordsEs

    def words(self, lang: Language) -> FactorWordsEs:
        """The name and texts in ``lang``."""
        if lang == "es":
            return self.es
        return FactorWordsEs(name=self.name, helps=self.helps, hinders=self.hinders)

    @model_validator(mode="after")
    def _pct(self) -> Factor:
        pct = self.hinders_high_weeks_pct
        if pct is not None and not 0 < pct.value <= 100:
            raise ValueError("hinders_high_weeks_pct must be above 0 and at most 100")
        return self


class HealingSign(CatalogModel):
    text: str = Field(min_length=10)
    text_es: str = Field(min_length=10)
    source: str = Field(min_length=3)
    evidence: Evidence

    def say(self, lang: Language) -> str:
        """The sign in ``lang``."""
        return self.text_es if lang == "es" else self.text


CourseId = Literal[
    "multiple_sclerosis", "polyneuropathy", "motor_neuron_disease", "hereditary_neuropathy"
]


class CourseWordsEs(CatalogModel):
    """A course's texts in Spanish (English is the course's own fields)."""

    expect: str = Field(min_length=20)
    helps: str = Field(min_length=20)
    watch_for: tuple[str, ...] = Field(min_length=1)


class CourseOutlook(CatalogModel):
    """The outlook of a cause whose course is not nerve regrowth: a relapsing cause (a sourced
    or default window, ``prognosis: uncertain``) or a progressive one (no window at all)."""

    prognosis: Literal["uncertain", "progressive"]
    window: DistanceRange | None
    expect: str = Field(min_length=20)
    helps: str = Field(min_length=20)
    watch_for: tuple[str, ...] = Field(min_length=1)
    source: str = Field(min_length=3)
    evidence: Evidence
    es: CourseWordsEs

    def words(self, lang: Language) -> CourseWordsEs:
        """The texts in ``lang``."""
        if lang == "es":
            return self.es
        return CourseWordsEs(expect=self.expect, helps=self.helps, watch_for=self.watch_for)

    @model_validator(mode="after")
    def _window(self) -> CourseOutlook:
        if (self.prognosis == "progressive") != (self.window is None):
            raise ValueError("a progressive course has no window; a relapsing one needs one")
        if len(self.es.watch_for) != len(self.watch_for):
            raise ValueError("es.watch_for must have as many items as watch_for")
        return self


class RecoveryCatalog(CatalogModel):
    """The validated recovery data. Use :func:`load_recovery`."""

    nerve: NerveFigures
    older_age_from_years: Sourced
    default_distance_cm: DefaultDistances
    peroneal: PeronealFigures
    lumbar: LumbarFigures
    stroke: WindowFigures
    unknown: UnknownFigures
    courses: dict[CourseId, CourseOutlook]
    factors: tuple[Factor, ...]
    signs_of_healing: tuple[HealingSign, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _complete(self) -> RecoveryCatalog:
        ids = [factor.id for factor in self.factors]
        expected = list(get_args(FactorId))
        if sorted(ids) != sorted(expected) or len(ids) != len(set(ids)):
            raise ValueError(f"factors must be exactly these ids: {', '.join(expected)}")
        missing = [c for c in get_args(CourseId) if c not in self.courses]
        if missing:
            raise ValueError(f"courses: missing {', '.join(missing)}")
        for name, window in (("lumbar", self.lumbar), ("stroke", self.stroke)):
            if not 0 <= window.low_weeks.value <= window.high_weeks.value:
                raise ValueError(f"{name}: low_weeks must be <= high_weeks")
        return self

    def factor(self, factor_id: FactorId) -> Factor:
        for factor in self.factors:
            if factor.id == factor_id:
                return factor
        raise KeyError(factor_id)


@cache
def load_recovery() -> RecoveryCatalog:
    """The recovery catalog (validated once, then cached)."""
    return load_data("recovery.yaml", RecoveryCatalog)


__all__ = [
    "CourseId",
    "CourseOutlook",
    "CourseWordsEs",
    "Factor",
    "FactorId",
    "FactorWordsEs",
    "HealingSign",
    "RecoveryCatalog",
    "load_recovery",
]
