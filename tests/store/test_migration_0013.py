"""Migration 0013 adds camera sessions and the ``camera`` measurement source, with their
checks, and goes back cleanly, dropping the camera's rows (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from dorsi.store.db import Database
from dorsi.store.migrate import downgrade, upgrade
from tests.store.fixtures import _postgres_schema_url

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


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        database = Database.from_url(f"sqlite:///{tmp_path / 'migrate.sqlite3'}")
        yield database.engine
        database.dispose()
    else:
        for url in _postgres_schema_url():
            database = Database.from_url(url)
            yield database.engine
            database.dispose()


def _run(engine: Engine, statement: object, **values: object) -> None:
    with engine.begin() as connection:
        connection.execute(statement, values)  # type: ignore[call-overload]


def test_0013_adds_camera_sessions_and_source_and_goes_back(engine: Engine) -> None:
    upgrade(engine, "0012")
    _run(engine, PATIENT)
    with pytest.raises(IntegrityError):  # before 0013 the source is unknown
        _run(engine, MEASUREMENT, measure="dorsiflexion_arom_camera_deg", source="camera")
    upgrade(engine, "0013")
    assert "camera_sessions" in inspect(engine).get_table_names()
    _run(engine, MEASUREMENT, measure="dorsiflexion_arom_camera_deg", source="camera")
    _run(engine, MEASUREMENT, measure="dorsiflexion_arom_deg", source="evaluation")
    _run(engine, CAMERA, side="left", counted=3, measured=2)
    for bad in (
        {"side": "both", "counted": 1, "measured": 1},
        {"side": "left", "counted": 1, "measured": 2},
    ):
        with pytest.raises(IntegrityError):
            _run(engine, CAMERA, **bad)
    with pytest.raises(IntegrityError):
        _run(engine, MEASUREMENT, measure="dorsiflexion_arom_deg", source="phone")
    downgrade(engine, "0012")
    assert "camera_sessions" not in inspect(engine).get_table_names()
    with engine.begin() as connection:
        sources = connection.execute(text("SELECT source FROM measurements")).scalars().all()
    assert sources == ["evaluation"]
