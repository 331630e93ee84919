"""Yearly therapy thresholds (``data/therapy_thresholds.yaml``) used by ``dorsi cost``.

A threshold is not a limit on what the plan pays: it is the amount of therapy in a year above
which the plan asks for more (for Medicare, the KX modifier and documentation of medical
necessity). Amounts are :class:`~dorsi.catalog.sourced.Sourced`; years without an amount are
refused by the caller with the list of known years.
"""

from __future__ import annotations

from functools import cache

from pydantic import model_validator

from dorsi.catalog.load import load_data
from dorsi.catalog.sourced import CatalogModel, Sourced
from dorsi.i18n import Translated


class YearlyThreshold(CatalogModel):
    name: Translated
    by_year: dict[int, Sourced]
    review: Sourced

    @model_validator(mode="after")
    def _sane(self) -> YearlyThreshold:
        if not self.by_year:
            raise ValueError("by_year must name at least one year")
        for year, amount in self.by_year.items():
            if amount.value <= 0 or amount.value > self.review.value:
                raise ValueError(f"by_year.{year}: must be above 0 and at most the review amount")
        return self

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted(self.by_year))


class TherapyThresholds(CatalogModel):
    medicare_kx: YearlyThreshold


@cache
def load_thresholds() -> TherapyThresholds:
    """The shipped therapy thresholds (validated once, then cached)."""
    return load_data("therapy_thresholds.yaml", TherapyThresholds)


__all__ = ["TherapyThresholds", "YearlyThreshold", "load_thresholds"]
