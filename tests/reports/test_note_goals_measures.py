"""The progress note shows the new outcome measures and every goal with its status."""

from __future__ import annotations

import dataclasses
import datetime as dt

from dorsi.interop.record import GoalRow, MeasurementRow, PatientRecord
from dorsi.reports import default_period, progress_note_view, render_progress_note
from tests.reports.demo import NOW
from tests.reports.pdf import pages_text


def _with_outcomes(record: PatientRecord) -> PatientRecord:
    start, end = default_period(record, NOW.date())
    first, last = start + dt.timedelta(days=1), end - dt.timedelta(days=1)
    rows = (
        MeasurementRow(9001, "fga_score", 15.0, first, "evaluation", None, NOW, None),
        MeasurementRow(9002, "fga_score", 23.0, last, "evaluation", None, NOW, None),
        MeasurementRow(9003, "abc_pct", 62.5, last, "self", None, NOW, None),
        MeasurementRow(9004, "six_minute_walk_m", 240.0, last, "evaluation", None, NOW, None),
    )
    goals = (
        GoalRow(1, first, None, "fga_score", 22.0, end + dt.timedelta(days=30), None),
        GoalRow(2, first, None, "six_minute_walk_m", 400.0, end + dt.timedelta(days=30), None),
        GoalRow(3, first, None, None, None, None, "Walk to the market and back"),
    )
    return dataclasses.replace(record, measurements=(*record.measurements, *rows), goals=goals)


def test_the_note_reports_goals_and_new_measures(records: dict[str, PatientRecord]) -> None:
    record = _with_outcomes(records["rosa"])
    start, end = default_period(record, NOW.date())
    view = progress_note_view(record, start=start, end=end, created=NOW)
    assert [(g.status, g.goal.split(":")[0]) for g in view.goals] == [
        ("met", "Functional Gait Assessment"),
        ("not on track", "Six-minute walk test (distance)"),
        ("not yet measured", "Walk to the market and back"),
    ]
    names = {m.name for m in view.measures}
    assert {
        "Functional Gait Assessment",
        "Activities-specific Balance Confidence scale (ABC)",
    } <= names
    flat = " ".join(" ".join(pages_text(render_progress_note(view))).split())
    assert "Goals" in flat
    assert "Functional Gait Assessment: 22 points (0-30) by" in flat
    assert "Walk to the market and back" in flat
    assert "Too few measurements yet to see a trend" in flat  # one 6-minute walk so far
