"""Remote therapeutic monitoring codes and their thresholds (``data/rtm_codes.yaml``).

The codes are data, each with the years it applies to, its source and whether the row was
verified in an authoritative source: the code set changes every January (2026 added the
2-15 day and 10-minute codes), and a clinic must see what each threshold rests on. Checked on
load: thresholds in order, and no two bands of one kind overlapping in a year (a period could
otherwise meet two supply codes, and only one may be billed per 30-day period).
"""

from __future__ import annotations

from functools import cache
from itertools import pairwise
from typing import Literal

from pydantic import Field, model_validator

from dorsi.catalog.load import load_data
from dorsi.catalog.sourced import CatalogModel

CodeKind = Literal["setup", "device_supply", "management"]
CountedPer = Literal["episode", "30_day_period", "calendar_month"]


class RtmCode(CatalogModel):
    """One code in the years it applies to, with its threshold and where that comes from."""

    code: str = Field(pattern=r"^\d{5}$")
    kind: CodeKind
    years: tuple[int, ...] = Field(min_length=1)
    what: str = Field(min_length=10)
    min_data_days: int | None = Field(default=None, ge=1, le=30)
    max_data_days: int | None = Field(default=None, ge=1, le=30)
    min_minutes: int | None = Field(default=None, ge=1, le=600)
    max_minutes: int | None = Field(default=None, ge=1, le=600)
    #: an add-on code: one unit for each full block of minutes above ``add_on_after_minutes``
    add_on_every_minutes: int | None = Field(default=None, ge=1, le=120)
    add_on_after_minutes: int | None = Field(default=None, ge=1, le=600)
    counted_per: CountedPer
    verified: bool
    source: str = Field(min_length=10)

    @model_validator(mode="after")
    def _threshold(self) -> RtmCode:
        if self.kind in ("setup", "device_supply"):
            if self.min_data_days is None or self.min_minutes is not None:
                raise ValueError(f"{self.code}: a {self.kind} code counts days (min_data_days)")
            if self.max_data_days is not None and self.max_data_days < self.min_data_days:
                raise ValueError(f"{self.code}: max_data_days is below min_data_days")
        else:
            if self.min_minutes is None or self.min_data_days is not None:
                raise ValueError(f"{self.code}: a management code counts minutes (min_minutes)")
            if self.max_minutes is not None and self.max_minutes < self.min_minutes:
                raise ValueError(f"{self.code}: max_minutes is below min_minutes")
            if (self.add_on_every_minutes is None) != (self.add_on_after_minutes is None):
                raise ValueError(f"{self.code}: an add-on needs both add_on_ fields")
        return self

    def band(self) -> tuple[int, int]:
        """The (low, high) of what this code counts, for the overlap check."""
        if self.kind == "management":
            low = self.min_minutes or 0
            high = self.max_minutes if self.max_minutes is not None else 10_000
            if self.add_on_every_minutes is not None:  # an add-on stacks on its base code
                return (-1, -1)
            return low, high
        low = self.min_data_days or 0
        return low, self.max_data_days if self.max_data_days is not None else 30


class RtmCodes(CatalogModel):
    codes: tuple[RtmCode, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _no_overlap(self) -> RtmCodes:
        for kind in ("device_supply", "management", "setup"):
            for year in self.years:
                bands = sorted(c.band() for c in self.for_year(year) if c.kind == kind)
                bands = [b for b in bands if b != (-1, -1)]
                for (_, high), (low, _) in pairwise(bands):
                    if low <= high:
                        raise ValueError(f"{kind} codes overlap in {year}")
        return self

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({y for c in self.codes for y in c.years}))

    def rules_year(self, year: int) -> int:
        """The year whose rules apply to ``year``: itself when known, else the nearest known
        year before it (or the first known year for an earlier one)."""
        known = self.years
        if year in known:
            return year
        earlier = [y for y in known if y < year]
        return earlier[-1] if earlier else known[0]

    def for_year(self, year: int) -> tuple[RtmCode, ...]:
        return tuple(c for c in self.codes if year in c.years)


@cache
def load_rtm_codes() -> RtmCodes:
    """The shipped RTM codes (validated once, then cached)."""
    return load_data("rtm_codes.yaml", RtmCodes)


__all__ = ["CodeKind", "CountedPer", "RtmCode", "RtmCodes", "load_rtm_codes"]
