"""Migration 0007 refiles gait speeds measured from a phone video (source ``gait``) as their
own measure; the 10-metre walk test's values stay where they are (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from dorsi.store.db import Database
from dorsi.store.migrate import downgrade, upgrade
from tests.store.fixtures import _postgres_schema_url


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of its own (the shared, migrated one must stay at the head)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
    else:
        yield from _postgres_schema_url()


ROWS = [("gait_speed_mps", "evaluation"), ("gait_speed_mps", "gait"), ("gait_speed_mps", "self")]


def test_video_speeds_become_their_own_measure(fresh_url: str) -> None:
    database = Database.from_url(fresh_url)
    engine = database.engine
    try:
        upgrade(engine, "0006")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO patients (id, display_name, side, cause, notes, "
                    "preferred_language, created_at, program_paused) VALUES "
                    "(1, 'P', 'left', 'peroneal', '', 'en', '2026-01-01 00:00:00', false)"
                )
            )
            for index, (measure, source) in enumerate(ROWS, start=1):
                connection.execute(
                    text(
                        "INSERT INTO measurements (id, patient_id, measure_id, value_num, "
                        "measured_on, source, created_at) VALUES (:id, 1, :m, 0.8, "
                        "'2026-02-01', :s, '2026-02-01 00:00:00')"
                    ),
                    {"id": index, "m": measure, "s": source},
                )
        upgrade(engine, "0007")
        with engine.connect() as connection:
            got = connection.execute(
                text("SELECT source, measure_id FROM measurements ORDER BY id")
            ).all()
        assert [tuple(r) for r in got] == [
            ("evaluation", "gait_speed_mps"),
            ("gait", "gait_speed_video_mps"),
            ("self", "gait_speed_mps"),
        ]
        downgrade(engine, "0006")
        with engine.connect() as connection:
            back = connection.execute(text("SELECT measure_id FROM measurements")).scalars()
            assert set(back) == {"gait_speed_mps"}
    finally:
        database.dispose()
