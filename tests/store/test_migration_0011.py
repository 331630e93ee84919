"""Migration 0011 adds goals and questionnaire answers, with their checks, and goes back
cleanly (SQLite and PostgreSQL)."""

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
GOAL = text(
    "INSERT INTO goals (patient_id, measure_id, target_num, target_grade, by_date, text, "
    "set_on, created_at) VALUES (1, :measure, :num, :grade, :by, :text, '2026-01-01', "
    "'2026-01-01 00:00:00')"
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


def _goal(engine: Engine, **values: object) -> None:
    row = {"measure": None, "num": None, "grade": None, "by": None, "text": None, **values}
    with engine.begin() as connection:
        connection.execute(GOAL, row)


def test_0011_adds_the_tables_with_their_checks_and_goes_back(engine: Engine) -> None:
    upgrade(engine, "0011")
    assert {"goals", "questionnaire_responses"} <= set(inspect(engine).get_table_names())
    with engine.begin() as connection:
        connection.execute(PATIENT)
    _goal(engine, measure="tug_s", num=10.0, by="2026-05-01")
    _goal(engine, measure="dorsiflexion_mmt", grade="4-", by="2026-05-01")
    _goal(engine, text="Walk to the shop")
    for bad in (
        {},  # neither a measure nor words
        {"measure": "tug_s", "num": 10.0},  # a measure without a date
        {"measure": "tug_s", "by": "2026-05-01"},  # a measure without a target
        {"measure": "tug_s", "num": 1.0, "grade": "4", "by": "2026-05-01"},  # two targets
        {"text": "x", "num": 1.0},  # a target without a measure
    ):
        with pytest.raises(IntegrityError):
            _goal(engine, **bad)
    downgrade(engine, "0008")
    assert not {"goals", "questionnaire_responses"} & set(inspect(engine).get_table_names())
