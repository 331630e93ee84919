"""The progress review of a stored record, shared by the progress note and the FHIR export.

Both documents must say what the app's pages say, so both ask the clinical core the same
question the app asks (:meth:`dorsi.services.history.History.review`): every measurement and
check-in, the program's start and planned days, its phase, and the day up to which stop alerts
are resolved. The shared wording of the two figures every reader compares (a measure worse than
its best, and adherence in days) lives here too, so the documents cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from dorsi.clinical.contract import parse
from dorsi.clinical.progress import ProgressInput, review
from dorsi.clinical.progress_contract import Adherence, Checkin, MeasureReview, ProgressOutput
from dorsi.interop.record import MeasurementRow, PatientRecord, ProgramVersion, StoredCheckin


def program_at(record: PatientRecord, day: dt.date) -> ProgramVersion | None:
    """The newest assigned version assigned on or before ``day``."""
    found = [
        p
        for p in record.assigned_programs
        if p.assigned_at is not None and p.assigned_at.date() <= day
    ]
    return max(found, key=lambda p: p.version) if found else None


def clinician_clears(record: PatientRecord) -> list[dt.datetime]:
    """When clinician screenings found it safe to go on."""
    return sorted(
        s.created_at
        for s in record.screenings
        if s.created_by_role == "clinician" and s.level == "proceed"
    )


#: what a stored check-in gives the review: the check-in itself, without the row's ids and
#: without its note (free text the review never reads is not parsed again)
_CHECKIN = set(Checkin.model_fields) - {"notes"}


def stops_resolved_through(record: PatientRecord, end: dt.date) -> dt.date | None:
    """The review's ``stops_resolved_through`` as of ``end`` (as :mod:`dorsi.services.stops`):
    the newest day a clinician acknowledged, or of a stop check-in a later clinician
    screening cleared."""
    days = [a.through_date for a in record.stop_acknowledgements if a.created_at.date() <= end]
    clears = [t for t in clinician_clears(record) if t.date() <= end]
    days += [
        c.date
        for c in record.checkins
        if (c.weakness_worse or c.balance_worse) and any(t >= c.created_at for t in clears)
    ]
    return max(days, default=None)


def review_record(
    record: PatientRecord,
    end: dt.date,
    *,
    start: dt.date | None = None,
    measurements: Sequence[MeasurementRow] | None = None,
    checkins: Sequence[StoredCheckin] | None = None,
) -> ProgressOutput:
    """The clinical core's review as of ``end`` of ``measurements`` and ``checkins`` (default:
    the whole record); a program assigned before ``start`` counts from ``start``."""
    measurements = record.measurements if measurements is None else measurements
    checkins = record.checkins if checkins is None else checkins
    firsts = [p.assigned_at.date() for p in record.assigned_programs if p.assigned_at]
    program_start = max(min(firsts), start) if firsts and start else min(firsts, default=None)
    program = program_at(record, end)
    days = [e.days_per_week for e in program.exercises] if program else []
    payload = {
        "measurements": [
            {"measure": m.measure, "value": m.value, "date": m.date.isoformat()}
            for m in measurements
        ],
        "sessions": [s.model_dump(mode="json", include=_CHECKIN) for s in checkins],
        "program_start": program_start.isoformat()
        if program_start and program_start <= end
        else None,
        "planned_days_per_week": max(days) if days else None,
        "stops_resolved_through": _iso(stops_resolved_through(record, end)),
        "phase": program.phase if program else None,
    }
    return review(parse(ProgressInput, payload), today=end)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def fmt(value: float) -> str:
    """A number as the documents print it (at most two decimals, no trailing zeros)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def value_text(value: float | str, unit: str) -> str:
    """A measured value with its unit; an MMT grade as ``4/5``."""
    if isinstance(value, str):
        return f"{value}/5"
    return f"{fmt(value)} {unit}"


def worse_from_best(r: MeasureReview, unit: str, change_unit: str) -> str:
    """``worse than its best of ... on ...`` (clinical words), or "" when the latest value is
    not worse than the best earlier one."""
    if "best" not in r.worse_than or r.best is None or r.best_date is None:
        return ""
    return (
        f"worse than its best of {value_text(r.best, unit)} on {r.best_date.isoformat()} "
        f"({fmt(r.change_from_best or 0)} {change_unit}, MDC at the best "
        f"{fmt(r.mdc_from_best or 0)})"
    )


def adherence_days(adherence: Adherence) -> str:
    """The review's adherence as a clinician reads it: days, never "0 of 0 (100%)"."""
    if adherence.percent is None or adherence.sessions_planned == 0:
        return ""
    return (
        f"Sessions done on {adherence.sessions_done} of {adherence.sessions_planned} planned "
        f"days ({adherence.percent}%)."
    )


__all__ = [
    "adherence_days",
    "clinician_clears",
    "fmt",
    "program_at",
    "review_record",
    "stops_resolved_through",
    "value_text",
    "worse_from_best",
]
