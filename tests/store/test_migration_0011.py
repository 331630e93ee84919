"""Migration 0011 adds goals and questionnaire answers, with their checks, and goes back
cleanly (SQLite and PostgreSQL)."""

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
GOAL = text(
    "INSERT INTO goals (patient_id, measure_id, target_num, target_grade, by_date, text, "
    "set_on, created_at) VALUES (1, :measure, :num, :grade, :by, :text, '2026-01-01', "
    "'2026-01-01 00:00:00')"
)


def _goal(empty_engine: Engine, **values: object) -> None:
    row = {"measure": None, "num": None, "grade": None, "by": None, "text": None, **values}
    with empty_engine.begin() as connection:
        connection.execute(GOAL, row)


def test_0011_adds_the_tables_with_their_checks_and_goes_back(empty_engine: Engine) -> None:
    upgrade(empty_engine, "0011")
    assert {"goals", "questionnaire_responses"} <= set(inspect(empty_engine).get_table_names())
    with empty_engine.begin() as connection:
        connection.execute(PATIENT)
    _goal(empty_engine, measure="tug_s", num=10.0, by="2026-05-01")
    _goal(empty_engine, measure="dorsiflexion_mmt", grade="4-", by="2026-05-01")
    _goal(empty_engine, text="Walk to the shop")
    for bad in (
        {},  # neither a measure nor words
        {"measure": "tug_s", "num": 10.0},  # a measure without a date
        {"measure": "tug_s", "by": "2026-05-01"},  # a measure without a target
        {"measure": "tug_s", "num": 1.0, "grade": "4", "by": "2026-05-01"},  # two targets
        {"text": "x", "num": 1.0},  # a target without a measure
    ):
        with pytest.raises(IntegrityError):
            _goal(empty_engine, **bad)
    downgrade(empty_engine, "0008")
    assert not {"goals", "questionnaire_responses"} & set(inspect(empty_engine).get_table_names())
