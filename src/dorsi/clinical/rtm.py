"""Remote therapeutic monitoring (RTM): days with data and clinician minutes per period, and
the codes whose thresholds each period meets.

Dorsi reports eligibility; it does not bill. The thresholds are data
(:mod:`dorsi.catalog.rtm_codes`, each code with its years, source and a verified flag):

- Device supply (98977, 16-30 days; 98985 from 2026, 2-15 days) counts *days with data from
  the patient* in each 30-day period, counted from the start of monitoring. At most one supply
  code per period (the bands do not overlap; checked on load).
- Set-up (98975) is once per episode: shown on the first period only.
- Treatment management (98979 from 2026, 10-19 minutes; 98980, the first 20; 98981, each further
  20) counts clinician minutes of review and interactive contact and needs at least one
  real-time interactive contact. Its descriptors count a *calendar month*, so the summary
  gives the calendar months too; the periods apply the same minutes rules to each 30-day period
  (what a period table beside the data days shows), and the months are what the code wording
  counts.

The rules of a period are those of the year its last day falls in (the year of the date of
service); a year after the newest one in the data uses the newest rules, and says so.
The clock is an argument (``today``): the current period ends after today and is ``complete``
false.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dorsi.catalog.rtm_codes import RtmCode, RtmCodes, load_rtm_codes
from dorsi.clinical.contract import Output

PERIOD_DAYS = 30


@dataclass(frozen=True, slots=True)
class MinutesEntry:
    """Minutes a clinician spent on the patient's monitoring on one day."""

    day: dt.date
    minutes: int
    #: a real-time interactive communication with the patient or caregiver (call, video)
    interactive: bool


class CodeMet(Output):
    """A code whose threshold the period (or month) meets, and how many units."""

    code: str
    units: int
    what: str
    verified: bool


class RtmPeriod(Output):
    start: dt.date
    end: dt.date
    #: false while the period runs past today (its counts can still grow)
    complete: bool
    data_days: int
    minutes: int
    interactive: bool
    codes: tuple[CodeMet, ...]
    #: the year whose code set was applied
    rules_year: int


class RtmMonth(Output):
    """One calendar month of clinician minutes and the management codes it meets."""

    month: str  # YYYY-MM
    minutes: int
    interactive: bool
    codes: tuple[CodeMet, ...]
    rules_year: int


class RtmSummary(Output):
    start: dt.date | None
    periods: tuple[RtmPeriod, ...]
    months: tuple[RtmMonth, ...]


def _met(code: RtmCode, units: int) -> CodeMet:
    return CodeMet(code=code.code, units=units, what=code.what, verified=code.verified)


def _days_codes(codes: Sequence[RtmCode], days: int, first: bool) -> list[CodeMet]:
    out: list[CodeMet] = []
    for code in codes:
        if code.kind == "management" or code.min_data_days is None:
            continue
        if code.kind == "setup" and not first:
            continue
        high = code.max_data_days if code.max_data_days is not None else PERIOD_DAYS
        if code.min_data_days <= days <= high:
            out.append(_met(code, 1))
    return out


def minutes_codes(codes: Sequence[RtmCode], minutes: int, interactive: bool) -> list[CodeMet]:
    """The management codes ``minutes`` meet (none without an interactive contact)."""
    if not interactive:
        return []
    out: list[CodeMet] = []
    for code in codes:
        if code.kind != "management" or code.min_minutes is None or minutes < code.min_minutes:
            continue
        if code.add_on_every_minutes is not None and code.add_on_after_minutes is not None:
            units = (minutes - code.add_on_after_minutes) // code.add_on_every_minutes
            if units > 0:
                out.append(_met(code, units))
        elif code.max_minutes is None or minutes <= code.max_minutes:
            out.append(_met(code, 1))
    return out


def _sum(entries: Iterable[MinutesEntry]) -> tuple[int, bool]:
    items = list(entries)
    return sum(e.minutes for e in items), any(e.interactive for e in items)


def monitoring_start(program_start: dt.date | None, data_days: Iterable[dt.date]) -> dt.date | None:
    """Monitoring starts when the home program is first assigned, else on the first day with
    data from the patient (None with neither)."""
    if program_start is not None:
        return program_start
    return min(data_days, default=None)


def rtm_summary(
    *,
    start: dt.date | None,
    data_days: Iterable[dt.date],
    minutes: Iterable[MinutesEntry],
    today: dt.date,
    codes: RtmCodes | None = None,
) -> RtmSummary:
    """The 30-day periods from ``start`` to the one holding ``today``, and the calendar months
    with minutes, each with the codes it meets. Data days and minutes outside ``start`` ..
    ``today`` are not counted."""
    catalog = codes or load_rtm_codes()
    entries = [e for e in minutes if e.day <= today and (start is None or e.day >= start)]
    if start is None or start > today:
        return RtmSummary(start=start, periods=(), months=_months(catalog, entries))
    days = {d for d in data_days if start <= d <= today}
    periods: list[RtmPeriod] = []
    first = start
    while first <= today:
        last = first + dt.timedelta(days=PERIOD_DAYS - 1)
        year = catalog.rules_year(last.year)
        rules = catalog.for_year(year)
        count = sum(1 for d in days if first <= d <= last)
        total, interactive = _sum(e for e in entries if first <= e.day <= last)
        met = _days_codes(rules, count, first == start)
        met += minutes_codes(rules, total, interactive)
        periods.append(
            RtmPeriod(
                start=first,
                end=last,
                complete=last < today,
                data_days=count,
                minutes=total,
                interactive=interactive,
                codes=tuple(met),
                rules_year=year,
            )
        )
        first = last + dt.timedelta(days=1)
    return RtmSummary(start=start, periods=tuple(periods), months=_months(catalog, entries))


def _months(catalog: RtmCodes, entries: Sequence[MinutesEntry]) -> tuple[RtmMonth, ...]:
    keys = sorted({(e.day.year, e.day.month) for e in entries})
    out = []
    for year, month in keys:
        total, interactive = _sum(e for e in entries if (e.day.year, e.day.month) == (year, month))
        rules_year = catalog.rules_year(year)
        out.append(
            RtmMonth(
                month=f"{year:04d}-{month:02d}",
                minutes=total,
                interactive=interactive,
                codes=tuple(minutes_codes(catalog.for_year(rules_year), total, interactive)),
                rules_year=rules_year,
            )
        )
    return tuple(out)


__all__ = [
    "PERIOD_DAYS",
    "CodeMet",
    "MinutesEntry",
    "RtmMonth",
    "RtmPeriod",
    "RtmSummary",
    "minutes_codes",
    "monitoring_start",
    "rtm_summary",
]
