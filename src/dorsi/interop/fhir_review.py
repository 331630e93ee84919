"""The progress review in the FHIR export: what a receiving system needs to show the same
review as the app's pages and the progress note.

- Each measure's latest Observation carries an ``interpretation`` from HL7's v3
  ObservationInterpretation change group: "W" Worse when the review found it worse than its
  first, previous or best value by the MDC (the words name which, for example "worse than its
  best of 4/5 on 2026-03-30"), "B" Better when it improved; a value with no real change, or a
  single value, has none (that group has no code for "unchanged").
- One ``ClinicalImpression`` (status completed, as of the export day) sums up the review: a
  finding per reviewed measure pointing at its latest Observation, adherence in days, and the
  review's alerts as notes. It is the review of :func:`dorsi.interop.review.review_record`,
  the question the app and the progress note ask, so all three say the same.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dorsi.catalog.measures import Measure, load_measures
from dorsi.clinical.progress_contract import MeasureReview, ProgressOutput
from dorsi.interop import codes as c
from dorsi.interop.record import MeasurementRow, PatientRecord
from dorsi.interop.review import adherence_days, fmt, value_text, worse_from_best


def _change_unit(measure: Measure) -> str:
    return "grades" if measure.value_kind == "mmt_grade" else measure.unit


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + fmt(value)


def statement(r: MeasureReview, measure: Measure) -> str:
    """The review of one measure in clinical words (what the pages and the note say)."""
    unit, change_unit = measure.unit, _change_unit(measure)
    latest = value_text(r.latest, unit)
    when = f" on {r.latest_date.isoformat()}" if r.latest_date else ""
    if r.status == "insufficient_data":
        return f"{measure.name}: one value so far, {latest}{when}."
    if r.status == "worse":
        parts = []
        if "best" in r.worse_than:
            parts.append(worse_from_best(r, unit, change_unit))
        if "previous" in r.worse_than and r.previous is not None and r.previous_date:
            parts.append(
                f"worse than its previous value of {value_text(r.previous, unit)} on "
                f"{r.previous_date.isoformat()} ({fmt(r.change_from_previous or 0)} "
                f"{change_unit}, MDC {fmt(r.mdc_from_previous or 0)})"
            )
        if "baseline" in r.worse_than:
            parts.append(
                f"worse than its first value of {value_text(r.baseline, unit)} "
                f"({fmt(r.change)} {change_unit}, MDC {fmt(r.mdc)})"
            )
        return f"{measure.name} is {'; '.join(p for p in parts if p)}: latest {latest}{when}."
    verdict = "better than" if r.status == "improved" else "no real change from"
    return (
        f"{measure.name}: {verdict} its first value of {value_text(r.baseline, unit)} "
        f"({_signed(r.change)} {change_unit}, MDC {fmt(r.mdc)}): latest {latest}{when}."
    )


def latest_rows(record: PatientRecord, review: ProgressOutput) -> dict[int, str]:
    """measurement id -> measure, for the row that is each reviewed measure's latest value
    (the last stored on the latest day, as the review reads them in date order)."""
    out: dict[int, str] = {}
    for measure, r in review.measures.items():
        same_day: list[MeasurementRow] = [
            m for m in record.measurements if m.measure == measure and m.date == r.latest_date
        ]
        if same_day:
            out[same_day[-1].id] = measure
    return out


def interpretation(r: MeasureReview, measure: Measure) -> list[dict[str, Any]] | None:
    """Observation.interpretation of a measure's latest value, or None (no real change)."""
    code = c.INTERPRETATION_CHANGE.get(r.status)
    if code is None:
        return None
    return [
        {
            "coding": [c.coding(c.OBSERVATION_INTERPRETATION, *code)],
            "text": statement(r, measure),
        }
    ]


def clinical_impression(
    record: PatientRecord,
    review: ProgressOutput,
    today: dt.date,
    *,
    subject: dict[str, str],
    problem: str,
    observations: dict[str, str],
    issued: str,
) -> dict[str, Any]:
    """The ClinicalImpression of the review; ``observations`` maps each reviewed measure to
    the reference of its latest Observation."""
    catalog = load_measures()
    findings = []
    lines = []
    for measure_id, r in review.measures.items():
        text = statement(r, catalog.get(measure_id))
        lines.append(text)
        finding: dict[str, Any] = {"basis": text}
        if measure_id in observations:
            finding["itemReference"] = {"reference": observations[measure_id]}
        else:  # (never: every reviewed measure has a stored row)
            finding["itemCodeableConcept"] = {"text": catalog.get(measure_id).name}
        findings.append(finding)
    a = review.adherence
    if a.percent is not None and a.sessions_planned:
        lines.append(adherence_days(a))
    elif record.current_program is None:
        lines.append("No home program is assigned, so no days are planned.")
    else:
        lines.append("The home program plans no exercise days yet, so adherence is not counted.")
    resource: dict[str, Any] = {
        "status": "completed",
        "code": {"coding": [c.coding(*c.PROGRESS_REVIEW)], "text": c.PROGRESS_REVIEW[2]},
        "description": (
            "Each measure's latest value against its first, previous and best values, with the "
            "smallest real change (MDC) that applies; adherence counts days with a completed "
            "session against the days the program plans."
        ),
        "subject": subject,
        "effectiveDateTime": today.isoformat(),
        "date": issued,
        "problem": [{"reference": problem}],
        "summary": " ".join(lines),
    }
    if findings:
        resource["finding"] = findings
    if review.alerts:
        resource["note"] = [
            {"text": f"{alert.kind.replace('_', ' ').capitalize()}: {alert.message}"}
            for alert in review.alerts
        ]
    return resource


__all__ = ["clinical_impression", "interpretation", "latest_rows", "statement"]
