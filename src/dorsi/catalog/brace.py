"""The brace (ankle-foot orthosis) log's data (``data/brace.yaml``): the skin-check findings,
the advice Dorsi gives the patient for them, and the review's numbers, each with its source.

The advice is the patient's first instruction after a skin problem, so it is data a clinic can
read and change, in every language, never sentences inside code.
"""

from __future__ import annotations

from functools import cache
from typing import Literal, get_args

from pydantic import Field, model_validator

from dorsi.catalog.load import load_data
from dorsi.catalog.sourced import CatalogModel, Sourced
from dorsi.i18n import Translated

SkinFinding = Literal["redness_30min", "sore", "blister", "pressure_pain"]
SKIN_FINDINGS: tuple[SkinFinding, ...] = get_args(SkinFinding)


class Finding(CatalogModel):
    #: the patient should stop wearing the brace until the therapist checks it
    stop: bool
    label: Translated
    clinical: Translated


class BraceAdvice(CatalogModel):
    stop: Translated
    watch: Translated
    unspecified: Translated
    ok: Translated
    source: str = Field(min_length=10)


class BraceAlert(CatalogModel):
    stop: Translated
    watch: Translated
    no_detail: Translated


class BraceRules(CatalogModel):
    redness_minutes: Sourced
    default_wear_target_hours: Sourced
    skin_alert_days: Sourced
    wear_window_days: Sourced
    seen: dict[SkinFinding, Finding]
    advice: BraceAdvice
    alert: BraceAlert

    @model_validator(mode="after")
    def _complete(self) -> BraceRules:
        missing = set(SKIN_FINDINGS) - set(self.seen)
        if missing:
            raise ValueError(f"seen: missing {', '.join(sorted(missing))}")
        if not 0 < self.default_wear_target_hours.value <= 24:
            raise ValueError("default_wear_target_hours: must be above 0 and at most 24")
        return self


@cache
def load_brace_rules() -> BraceRules:
    """The shipped brace rules (validated once, then cached)."""
    return load_data("brace.yaml", BraceRules)


__all__ = [
    "SKIN_FINDINGS",
    "BraceAdvice",
    "BraceAlert",
    "BraceRules",
    "Finding",
    "SkinFinding",
    "load_brace_rules",
]
