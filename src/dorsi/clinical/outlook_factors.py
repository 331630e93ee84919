"""How the recovery factors change the outlook: the estimate (only where slower nerve recovery
is published: age, diabetes) or its confidence (every other factor), in plain words.

Used by :mod:`dorsi.clinical.outlook`; the factors, their texts and the sourced percentages
are in ``data/recovery.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from dorsi.catalog.recovery import FactorId, RecoveryCatalog

Effect = Literal["helps", "hinders", "neutral"]


def _n(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def factor_effects(
    factors: Mapping[FactorId, Effect] | None, age_years: int | None, rec: RecoveryCatalog
) -> dict[FactorId, Effect]:
    """The factors as given (the outlook input's ``factors``), with the age factor from
    ``age_years`` when not given."""
    effects: dict[FactorId, Effect] = dict(factors or {})
    if age_years is not None and "age" not in effects:
        older = age_years >= rec.older_age_from_years.value
        effects["age"] = "hinders" if older else "helps"
    return effects


def stretch_high(
    high: float, anchor: float, effects: dict[FactorId, Effect], rec: RecoveryCatalog
) -> float:
    """The high bound, its recovery time (after ``anchor``) stretched by each hindering factor
    whose slowing is published (age, diabetes); never shorter than given."""
    pct = sum(
        f.hinders_high_weeks_pct.value
        for f in rec.factors
        if f.hinders_high_weeks_pct is not None and effects.get(f.id) == "hinders"
    )
    return high + max(0.0, high - anchor) * pct / 100


def factor_text(effects: dict[FactorId, Effect], rec: RecoveryCatalog, *, stretched: bool) -> str:
    """How the factors changed the estimate or its confidence, in plain words."""
    moving = [
        f
        for f in rec.factors
        if f.hinders_high_weeks_pct is not None and effects.get(f.id) == "hinders"
    ]
    parts: list[str] = []
    if moving and stretched:
        names = " and ".join(f.name.lower() for f in moving)
        each = ", ".join(
            f"{_n(f.hinders_high_weeks_pct.value)}%" for f in moving if f.hinders_high_weeks_pct
        )
        parts.append(
            f"Because of {names}, the high end was made later (by {each} of the recovery "
            "time). Studies show these slow nerve healing, but not by how much, so the size is "
            "a Dorsi default."
        )
    others = [f.id for f in rec.factors if f.id in effects and f not in moving]
    if others:
        hinder = any(effects[i] == "hinders" for i in others)
        help_ = any(effects[i] == "helps" for i in others)
        tail = []
        if hinder:
            tail.append("the factors that hinder make the later end more likely")
        if help_:
            tail.append("the factors that help make the earlier end more likely")
        sentence = (
            "The other factors you gave do not change the weeks, because no study says how "
            "much each one matters."
        )
        if tail:
            sentence += " But " + " and ".join(tail) + "."
        parts.append(sentence)
    return " ".join(parts)


__all__ = ["Effect", "factor_effects", "factor_text", "stretch_high"]
