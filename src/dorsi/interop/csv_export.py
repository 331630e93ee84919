"""CSV export of a patient's measurements and session log, for people who want a spreadsheet.

Two files, UTF-8 with a header row, comma-separated, one row per stored item, oldest first:

- ``measurements.csv``: date, measure, measure_name, value, unit, ucum, source, evaluation_id
- ``sessions.csv``: date, completed, sets_done, pain_nrs, difficulty, trips_since_last,
  weakness_worse, balance_worse, notes

Text typed by people (notes) that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, tab or carriage return) gets a leading apostrophe (OWASP "CSV
injection"); numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from dorsi.catalog.measures import load_measures
from dorsi.interop.record import MeasurementRow, StoredCheckin

MEASUREMENT_COLUMNS = (
    "date",
    "measure",
    "measure_name",
    "value",
    "unit",
    "ucum",
    "source",
    "evaluation_id",
)
SESSION_COLUMNS = (
    "date",
    "completed",
    "sets_done",
    "pain_nrs",
    "difficulty",
    "trips_since_last",
    "weakness_worse",
    "balance_worse",
    "notes",
)
FILES = ("measurements.csv", "sessions.csv")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """``text`` that a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _write(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def measurements_csv(measurements: Sequence[MeasurementRow]) -> str:
    catalog = load_measures()
    rows = []
    for m in measurements:
        measure = catalog.get(m.measure)
        value = safe_text(m.value) if isinstance(m.value, str) else _number(m.value)
        rows.append(
            (
                m.date.isoformat(),
                m.measure,
                measure.name,
                value,
                measure.unit,
                measure.ucum,
                m.source,
                "" if m.evaluation_id is None else str(m.evaluation_id),
            )
        )
    return _write(MEASUREMENT_COLUMNS, rows)


def sessions_csv(checkins: Sequence[StoredCheckin]) -> str:
    rows = [
        (
            s.date.isoformat(),
            _yes_no(s.completed),
            "" if s.sets_done is None else str(s.sets_done),
            str(s.pain_nrs),
            s.difficulty,
            "" if s.trips_since_last is None else str(s.trips_since_last),
            _yes_no(s.weakness_worse),
            _yes_no(s.balance_worse),
            safe_text(s.notes),
        )
        for s in checkins
    ]
    return _write(SESSION_COLUMNS, rows)


__all__ = [
    "FILES",
    "MEASUREMENT_COLUMNS",
    "SESSION_COLUMNS",
    "measurements_csv",
    "safe_text",
    "sessions_csv",
]
