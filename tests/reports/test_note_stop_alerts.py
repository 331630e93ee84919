"""The progress note shows a check-in's stop alert as resolved once a clinician acknowledged
it, by whom and when, as the patient page does (issue 16)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from dorsi.interop.record import PatientRecord, StopAcknowledgementRow
from dorsi.reports import progress_note_view
from dorsi.reports.progress_view import default_period, stops_resolved_through
from tests.reports.demo import NOW


def _with_stop(record: PatientRecord, acknowledged: bool) -> PatientRecord:
    last = record.checkins[-1]
    worse = last.model_copy(update={"balance_worse": True, "notes": "wobbly today"})
    clinician = next(c for c in record.clinicians if c.assigned)
    acks = (
        (
            StopAcknowledgementRow(
                1, last.date, last.created_at + dt.timedelta(hours=3), clinician.id, "Called: ok"
            ),
        )
        if acknowledged
        else ()
    )
    return dataclasses.replace(
        record, checkins=(*record.checkins[:-1], worse), stop_acknowledgements=acks
    )


def _stop_line(record: PatientRecord) -> str:
    start, end = default_period(record, NOW.date())
    view = progress_note_view(record, start=start, end=end, created=NOW)
    (line,) = [a for a in view.alerts if a.what.startswith("Check-in: balance worse")]
    return line.resolution


def test_an_acknowledged_stop_alert_reads_resolved_with_who_and_when(
    records: dict[str, PatientRecord],
) -> None:
    open_one = _with_stop(records["rosa"], acknowledged=False)
    assert _stop_line(open_one).startswith("Open")
    assert stops_resolved_through(open_one, NOW.date()) is None
    done = _with_stop(records["rosa"], acknowledged=True)
    clinician = next(c for c in done.clinicians if c.assigned)
    status = _stop_line(done)
    assert status.startswith(f"Acknowledged by {clinician.display_name} on ")
    assert status.endswith(": Called: ok")
    assert stops_resolved_through(done, NOW.date()) == done.checkins[-1].date
