"""Migration 0013 adds camera sessions and the ``camera`` measurement source, with their
checks, and goes back cleanly, dropping the camera's rows (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from dorsi.store.migrate import downgrade, upgrade

PATIENT = text(
    "INSERT INTO patients (id, display_name, side, cause, notes, preferred_language, "
    "created_at, program_paused) VALUES (1, 'P', 'left', 'lumbar', '', 'en', "
    "'2026-01-01 00:00:00', false)"
)
MEASUREMENT = text(
    "INSERT INTO measurements (patient_id, measure_id, value_num, measured_on, source, "
    "created_at) VALUES (1, :measure, 10.0, '2026-01-02', :source, '2026-01-02 00:00:00')"
)
CAMERA = text(
    "INSERT INTO camera_sessions (patient_id, measured_on, exercise_id, side, reps, "
    "reps_counted, reps_measured, created_at) VALUES (1, '2026-01-02', 'seated_dorsiflexion', "
    ":side, '[]', :counted, :measured, '2026-01-02 00:00:00')"
)


def _run(empty_engine: Engine, statement: object, **values: object) -> None:
    with empty_engine.begin() as connection:
        connection.execute(statement, values)  # type: ignore[call-overload]


def test_0013_adds_camera_sessions_and_source_and_goes_back(empty_engine: Engine) -> None:
    upgrade(empty_engine, "0012")
    _run(empty_engine, PATIENT)
    with pytest.raises(IntegrityError):  # before 0013 the source is unknown
        _run(empty_engine, MEASUREMENT, measure="dorsiflexion_arom_camera_deg", source="camera")
    upgrade(empty_engine, "0013")
    assert "camera_sessions" in inspect(empty_engine).get_table_names()
    _run(empty_engine, MEASUREMENT, measure="dorsiflexion_arom_camera_deg", source="camera")
    _run(empty_engine, MEASUREMENT, measure="dorsiflexion_arom_deg", source="evaluation")
    _run(empty_engine, CAMERA, side="left", counted=3, measured=2)
    for bad in (
        {"side": "both", "counted": 1, "measured": 1},
        {"side": "left", "counted": 1, "measured": 2},
    ):
        with pytest.raises(IntegrityError):
            _run(empty_engine, CAMERA, **bad)
    with pytest.raises(IntegrityError):
        _run(empty_engine, MEASUREMENT, measure="dorsiflexion_arom_deg", source="phone")
    downgrade(empty_engine, "0012")
    assert "camera_sessions" not in inspect(empty_engine).get_table_names()
    with empty_engine.begin() as connection:
        sources = connection.execute(text("SELECT source FROM measurements")).scalars().all()
    assert sources == ["evaluation"]
