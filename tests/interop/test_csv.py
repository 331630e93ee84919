"""The CSV export: columns, one row per item, formulas never run, numbers stay numbers."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from dorsi.interop.csv_export import (
    MEASUREMENT_COLUMNS,
    SESSION_COLUMNS,
    measurements_csv,
    safe_text,
    sessions_csv,
)
from dorsi.interop.record import PatientRecord


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_measurements_csv(records: dict[str, PatientRecord]) -> None:
    record = records["rosa"]
    text = measurements_csv(record.measurements)
    assert text.splitlines()[0] == ",".join(MEASUREMENT_COLUMNS)
    rows = _rows(text)
    assert len(rows) == len(record.measurements)
    grades = [r for r in rows if r["measure"] == "dorsiflexion_mmt"]
    assert [r["value"] for r in grades] == ["2+", "3", "4-"]
    speed = [r for r in rows if r["measure"] == "gait_speed_mps"]
    assert [float(r["value"]) for r in speed] == [0.78, 0.9, 1.05]
    assert {r["ucum"] for r in speed} == {"m/s"}


def test_sessions_csv_escapes_formulas(records: dict[str, PatientRecord]) -> None:
    record = records["rosa"]
    evil = record.checkins[0].model_copy(update={"notes": '=HYPERLINK("http://x")'})
    text = sessions_csv((evil, *record.checkins[1:]))
    assert text.splitlines()[0] == ",".join(SESSION_COLUMNS)
    rows = _rows(text)
    assert len(rows) == len(record.checkins)
    assert rows[0]["notes"].startswith("'=")
    assert {r["completed"] for r in rows} <= {"yes", "no"}


@given(st.text(max_size=40))
def test_safe_text_never_starts_a_formula(text: str) -> None:
    out = safe_text(text)
    assert not out.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert out.endswith(text)
