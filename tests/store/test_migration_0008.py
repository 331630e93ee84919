"""Migration 0008 lets patient records hold every cause of the program and ``both`` sides,
keeps the rows already there, and refuses to go back while a record uses a new value
(SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from dorsi.errors import ConflictError
from dorsi.store.db import Database
from dorsi.store.migrate import current_revision, downgrade, upgrade
from tests.store.fixtures import _postgres_schema_url

INSERT = text(
    "INSERT INTO patients (id, display_name, side, cause, notes, preferred_language, "
    "created_at, program_paused) VALUES (:id, 'P', :side, :cause, '', 'en', "
    "'2026-01-01 00:00:00', false)"
)


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of its own (the shared, migrated one must stay at the head)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
        database = Database.from_url(url)
        yield database.engine
        database.dispose()
    else:
        for url in _postgres_schema_url():
            database = Database.from_url(url)
            yield database.engine
            database.dispose()


def _rows(engine: Engine) -> list[tuple[int, str, str]]:
    with engine.connect() as connection:
        got = connection.execute(text("SELECT id, side, cause FROM patients ORDER BY id")).all()
    return [(r[0], r[1], r[2]) for r in got]


def _insert(engine: Engine, patient_id: int, side: str, cause: str) -> None:
    with engine.begin() as connection:
        connection.execute(INSERT, {"id": patient_id, "side": side, "cause": cause})


def test_new_causes_and_both_sides_fit_after_0008_and_not_before(engine: Engine) -> None:
    upgrade(engine, "0007")
    _insert(engine, 1, "left", "peroneal")
    _insert(engine, 2, "right", "lumbar")
    with pytest.raises(IntegrityError):
        _insert(engine, 3, "both", "stroke")

    upgrade(engine, "0008")
    assert _rows(engine) == [(1, "left", "peroneal"), (2, "right", "lumbar")]
    _insert(engine, 3, "both", "motor_neuron_disease")
    _insert(engine, 4, "left", "post_operative_sciatic")
    with pytest.raises(IntegrityError):
        _insert(engine, 5, "middle", "stroke")
    with pytest.raises(IntegrityError):
        _insert(engine, 6, "left", "gout")

    # Going back would break the records with the new values: refused, nothing changed.
    with pytest.raises(ConflictError, match="2 patient record"):
        downgrade(engine, "0007")
    assert current_revision(engine) == "0008"
    assert len(_rows(engine)) == 4

    with engine.begin() as connection:
        connection.execute(text("DELETE FROM patients WHERE id IN (3, 4)"))
    downgrade(engine, "0007")
    assert _rows(engine) == [(1, "left", "peroneal"), (2, "right", "lumbar")]
    with pytest.raises(IntegrityError):
        _insert(engine, 7, "both", "peroneal")
    upgrade(engine)
    _insert(engine, 8, "both", "hereditary_neuropathy")
    assert _rows(engine)[-1] == (8, "both", "hereditary_neuropathy")
