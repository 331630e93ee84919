"""The brace (AFO) and remote monitoring (RTM) sections of the progress note.

What a brace or stimulator request to a payer asks for: the wear time against the
clinician's target, skin problems, and walking with and without the brace; and the RTM
period table (days with data, clinician minutes, codes whose thresholds each period meets,
with their verified flags). The numbers come from the clinical core (:mod:`dorsi.clinical.brace`,
:mod:`dorsi.clinical.rtm`); this module words them and lays them out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dorsi.clinical.brace import BraceComparison, WearReport
from dorsi.clinical.rtm import RtmSummary


@dataclass(frozen=True)
class MonitoringNote:
    """The brace and RTM content of one note (None / empty: nothing to show)."""

    uses_brace: bool = False
    wear: WearReport | None = None
    walking: tuple[BraceComparison, ...] = ()
    #: (day, clinical words of what was seen) of the skin problems in the note's period
    skin_problems: tuple[tuple[dt.date, str], ...] = ()
    rtm: RtmSummary | None = None


def _g(value: float) -> str:
    return f"{value:g}"


def brace_lines(note: MonitoringNote) -> list[str]:
    """The brace section's sentences."""
    wear = note.wear
    if wear is None or (not note.uses_brace and wear.days_logged == 0 and not note.walking):
        return []
    target = f"{_g(wear.target_hours)} hours a day" + (
        " (set by the clinician)" if wear.target_from == "clinician" else " (clinician default)"
    )
    lines = [
        "The patient uses an ankle-foot orthosis (AFO)."
        if note.uses_brace
        else "Brace use is not recorded at the latest evaluation.",
    ]
    if wear.days_logged and wear.mean_hours is not None:
        verdict = "meets" if wear.meets_target else "is below"
        lines.append(
            f"Wear time {wear.window_start.isoformat()} to {wear.window_end.isoformat()}: "
            f"mean {_g(wear.mean_hours)} hours a day on {wear.days_logged} logged days "
            f"({wear.days_at_target} at or above the target); this {verdict} the target of "
            f"{target}."
        )
    else:
        lines.append(
            f"No wear logged {wear.window_start.isoformat()} to "
            f"{wear.window_end.isoformat()}; target {target}."
        )
    if note.skin_problems:
        told = "; ".join(f"{d.isoformat()}: {what}" for d, what in note.skin_problems)
        lines.append(f"Skin problems under the brace: {told}.")
    else:
        lines.append("No skin problem logged in this period.")
    return lines


def _side(value: Any, unit: str) -> str:
    if value is None:
        return "not measured"
    return f"{_g(value.value)} {unit} ({value.date.isoformat()})"


def walking_rows(note: MonitoringNote) -> list[list[str]]:
    """Rows (measure, with, without, difference) of walking with and without the brace."""
    rows = []
    for c in note.walking:
        with_, without = (_side(v, c.unit) for v in (c.with_brace, c.without_brace))
        if c.difference is None:
            diff = "-"
        else:
            diff = f"{c.difference:+g} {c.unit}"
            if c.mdc is not None:
                beyond = "beyond" if abs(c.difference) >= c.mdc else "within"
                diff += f" ({beyond} the MDC of {_g(c.mdc)})"
        rows.append([c.name, with_, without, diff])
    return rows


def rtm_rows(note: MonitoringNote, start: dt.date, end: dt.date) -> list[list[str]]:
    """Rows (period, days with data, minutes, codes met) of the periods overlapping the note."""
    if note.rtm is None:
        return []
    rows = []
    for p in note.rtm.periods:
        if p.end < start or p.start > end:
            continue
        codes = ", ".join(
            f"{c.code}{f' x{c.units}' if c.units > 1 else ''}{'' if c.verified else '*'}"
            for c in p.codes
        )
        minutes = f"{p.minutes}" + ("" if p.interactive or not p.minutes else " (no contact)")
        period = f"{p.start.isoformat()} to {p.end.isoformat()}" + (
            "" if p.complete else " (running)"
        )
        rows.append([period, str(p.data_days), minutes, codes or "none"])
    return rows


RTM_NOTE = (
    "Days with data: days with a check-in, a brace log, a measure or questionnaire the patient "
    "sent, a walking video the patient uploaded, or a home session the patient measured with "
    "the phone's camera, per 30-day period from the start of "
    "monitoring. Minutes: clinician review and real-time interactive contact; the management "
    "codes count a calendar month. * not verified in an authoritative source. Dorsi reports "
    "which thresholds are met; it does not bill."
)


def story(
    note: MonitoringNote, start: dt.date, end: dt.date, p: Any, cell: Any, table: Any, width: float
) -> list[Any]:
    """The two sections as flowables (``p``, ``cell``, ``table``: the note's helpers)."""
    out: list[Any] = []
    lines = brace_lines(note)
    if lines:
        out.append(p("Brace (AFO) wear and skin", "h2"))
        out += [p(line) for line in lines]
        walking = walking_rows(note)
        if walking:
            head = ["Walking measure", "With brace", "Without brace", "Difference"]
            rows = [[cell(h, True) for h in head]] + [[cell(x) for x in r] for r in walking]
            out.append(table(rows, [width * f for f in (0.25, 0.22, 0.22, 0.31)]))
    if note.rtm is None:  # a note built without the monitoring record (no RTM data given)
        return out
    out.append(p("Remote therapeutic monitoring (RTM)", "h2"))
    rows = rtm_rows(note, start, end)
    if rows:
        head = ["30-day period", "Days with data", "Minutes", "Codes met"]
        table_rows = [[cell(h, True) for h in head]] + [[cell(x) for x in r] for r in rows]
        out.append(table(table_rows, [width * f for f in (0.36, 0.16, 0.18, 0.3)]))
    else:
        out.append(p("No monitoring period in this note's dates."))
    out.append(p(RTM_NOTE, "small"))
    return out


__all__ = ["RTM_NOTE", "MonitoringNote", "brace_lines", "rtm_rows", "story", "walking_rows"]
