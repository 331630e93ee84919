"""Migration 0008 lets patient records hold every cause of the program and ``both`` sides,
keeps the rows already there, and refuses to go back while a record uses a new value
(SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from dorsi.errors import ConflictError
from dorsi.store.migrate import current_revision, downgrade, upgrade

INSERT = text(
    "INSERT INTO patients (id, display_name, side, cause, notes, preferred_language, "
    "created_at, program_paused) VALUES (:id, 'P', :side, :cause, '', 'en', "
    "'2026-01-01 00:00:00', false)"
)


def _rows(empty_engine: Engine) -> list[tuple[int, str, str]]:
    with empty_engine.connect() as connection:
        got = connection.execute(text("SELECT id, side, cause FROM patients ORDER BY id")).all()
    return [(r[0], r[1], r[2]) for r in got]


def _insert(empty_engine: Engine, patient_id: int, side: str, cause: str) -> None:
    with empty_engine.begin() as connection:
        connection.execute(INSERT, {"id": patient_id, "side": side, "cause": cause})


def test_new_causes_and_both_sides_fit_after_0008_and_not_before(empty_engine: Engine) -> None:
    upgrade(empty_engine, "0007")
    _insert(empty_engine, 1, "left", "peroneal")
    _insert(empty_engine, 2, "right", "lumbar")
    with pytest.raises(IntegrityError):
        _insert(empty_engine, 3, "both", "stroke")

    upgrade(empty_engine, "0008")
    assert _rows(empty_engine) == [(1, "left", "peroneal"), (2, "right", "lumbar")]
    _insert(empty_engine, 3, "both", "motor_neuron_disease")
    _insert(empty_engine, 4, "left", "post_operative_sciatic")
    with pytest.raises(IntegrityError):
        _insert(empty_engine, 5, "middle", "stroke")
    with pytest.raises(IntegrityError):
        _insert(empty_engine, 6, "left", "gout")

    # Going back would break the records with the new values: refused, nothing changed.
    with pytest.raises(ConflictError, match="2 patient record"):
        downgrade(empty_engine, "0007")
    assert current_revision(empty_engine) == "0008"
    assert len(_rows(empty_engine)) == 4

    with empty_engine.begin() as connection:
        connection.execute(text("DELETE FROM patients WHERE id IN (3, 4)"))
    downgrade(empty_engine, "0007")
    assert _rows(empty_engine) == [(1, "left", "peroneal"), (2, "right", "lumbar")]
    with pytest.raises(IntegrityError):
        _insert(empty_engine, 7, "both", "peroneal")
    upgrade(empty_engine)
    _insert(empty_engine, 8, "both", "hereditary_neuropathy")
    assert _rows(empty_engine)[-1] == (8, "both", "hereditary_neuropathy")
