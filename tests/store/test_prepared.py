"""Prepared statements (dorsi.store.prepared) on both backends: the same rows as the ORM."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import bindparam, event, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dorsi.services.progress import _INSERT_CHECKIN
from dorsi.store.db import Database
from dorsi.store.models import Patient, SessionCheckin, User
from dorsi.store.prepared import Prepared

NOW = datetime(2026, 3, 2, 9, 0, 5, 123456, tzinfo=UTC)
COLUMNS = tuple(c.name for c in SessionCheckin.__table__.columns if c.name != "id")

_SELECT = Prepared(
    lambda: select(
        SessionCheckin.created_at,
        SessionCheckin.session_date,
        SessionCheckin.completed,
        SessionCheckin.weakness_worse,
        SessionCheckin.sets_done,
        SessionCheckin.program_id,
        SessionCheckin.notes,
    ).where(SessionCheckin.id == bindparam("id"))
)
_NEWEST_TWO_AFTER_ONE = Prepared(
    lambda: select(SessionCheckin.id).order_by(SessionCheckin.id.desc()).limit(2).offset(1)
)


@pytest.fixture
def patient_and_user(db: Database) -> tuple[int, int]:
    with db.transaction() as session:
        patient = Patient(
            display_name="P", side="left", cause="lumbar", created_at=NOW, program_paused=False
        )
        user = User(
            username="clin", role="clinician", display_name="C", password_hash=None, created_at=NOW
        )
        session.add_all([patient, user])
        session.flush()
        return patient.id, user.id


def _values(patient: int, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "patient_id": patient,
        "program_id": None,
        "session_date": date(2026, 2, 28),
        "created_at": NOW,
        "created_by_id": None,
        "completed": True,
        "sets_done": None,
        "pain_nrs": 3,
        "difficulty": "ok",
        "trips_since_last": None,
        "weakness_worse": False,
        "balance_worse": True,
        "notes": "café",
    }
    return values | changes


def _as_dict(row: SessionCheckin) -> dict[str, Any]:
    return {name: getattr(row, name) for name in COLUMNS}


def _stored(session: Session, checkin_id: int) -> tuple[Any, ...]:
    """The values as the database holds them (no type processing)."""
    names = ", ".join(COLUMNS)
    row = session.execute(
        text(f"SELECT {names} FROM session_checkins WHERE id = :id"),  # noqa: S608
        {"id": checkin_id},
    ).one()
    return tuple(row)


@pytest.fixture
def watched(db: Database) -> Iterator[list[str]]:
    """Statements seen by a ``before_cursor_execute`` listener (the events path)."""
    seen: list[str] = []

    def listener(*args: Any) -> None:
        seen.append(args[2])

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        # an aware datetime in another zone is stored as the same instant in UTC; all set
        {
            "created_at": NOW.astimezone(timezone(timedelta(hours=2))),
            "sets_done": 0,
            "trips_since_last": 4,
            "completed": False,
            "weakness_worse": True,
            "balance_worse": False,
            "notes": "",
        },
    ],
    ids=["nulls", "all-set"],
)
def test_prepared_insert_stores_what_the_orm_stores(
    db: Database, patient_and_user: tuple[int, int], changes: dict[str, Any]
) -> None:
    patient_id, user_id = patient_and_user
    values = _values(patient_id, **changes)
    if changes:
        values["created_by_id"] = user_id
    with db.transaction() as session:
        orm = SessionCheckin(**values)
        session.add(orm)
        session.flush()
        orm_id = orm.id
        ((prepared_id,),) = _INSERT_CHECKIN.rows(session, **values)
    assert isinstance(prepared_id, int)
    assert prepared_id != orm_id
    with db.transaction() as session:
        by_orm = session.get(SessionCheckin, orm_id)
        by_prepared = session.get(SessionCheckin, prepared_id)
        assert by_orm is not None
        assert by_prepared is not None
        assert _as_dict(by_prepared) == _as_dict(by_orm)
        assert by_prepared.created_at == NOW
        assert by_prepared.created_at.tzinfo is UTC
        assert by_prepared.session_date == date(2026, 2, 28)
        assert by_prepared.completed is values["completed"]
        assert by_prepared.sets_done == values["sets_done"]
        # byte for byte the same storage, not merely equal after loading
        assert _stored(session, prepared_id) == _stored(session, orm_id)


def _insert(db: Database, patient_id: int, count: int) -> list[int]:
    ids = []
    with db.transaction() as session:
        for day in range(count):
            checkin = SessionCheckin(**_values(patient_id, session_date=date(2026, 2, day + 1)))
            session.add(checkin)
            session.flush()
            ids.append(checkin.id)
    return ids


def test_select_returns_processed_values_on_both_paths(
    db: Database, patient_and_user: tuple[int, int]
) -> None:
    (checkin_id,) = _insert(db, patient_and_user[0], 1)
    expected = (NOW, date(2026, 2, 1), True, False, None, None, "café")
    with db.transaction() as session:
        raw = _SELECT.first(session, id=checkin_id)
        assert _SELECT.first(session, id=checkin_id + 1000) is None
    assert raw == expected
    assert raw is not None
    assert raw[0].tzinfo is UTC
    assert type(raw[1]) is date
    assert raw[2] is True
    assert raw[3] is False

    seen: list[str] = []

    def listener(*args: Any) -> None:
        seen.append(args[2])

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        with db.transaction() as session:
            watched = _SELECT.rows(session, id=checkin_id)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert watched == [expected]
    assert watched[0][0].tzinfo is UTC
    assert watched[0][2] is True
    assert any("FROM session_checkins" in sql for sql in seen)


def test_insert_returning_on_the_events_path(
    db: Database, patient_and_user: tuple[int, int], watched: list[str]
) -> None:
    values = _values(patient_and_user[0])
    with db.transaction() as session:
        ((new_id,),) = _INSERT_CHECKIN.rows(session, **values)
    assert any(sql.startswith("INSERT INTO session_checkins") for sql in watched)
    with db.transaction() as session:
        row = session.get(SessionCheckin, new_id)
        assert row is not None
        assert _as_dict(row) == values


@pytest.mark.parametrize("path", ["raw", "events"])
@pytest.mark.parametrize(
    "changes",
    [{"pain_nrs": 11}, {"patient_id": 999_999}],
    ids=["check-constraint", "foreign-key"],
)
def test_a_constraint_violation_raises_sqlalchemys_integrity_error(
    db: Database,
    patient_and_user: tuple[int, int],
    changes: dict[str, Any],
    path: str,
) -> None:
    seen: list[str] = []

    def listener(*args: Any) -> None:
        seen.append(args[2])

    if path == "events":
        event.listen(db.engine, "before_cursor_execute", listener)
    try:
        with pytest.raises(IntegrityError) as caught, db.transaction() as session:
            _INSERT_CHECKIN.rows(session, **_values(patient_and_user[0], **changes))
    finally:
        if path == "events":
            event.remove(db.engine, "before_cursor_execute", listener)
    error = caught.value
    assert type(error).__module__ == "sqlalchemy.exc"
    assert error.orig is not None
    assert type(error.orig).__module__ != "sqlalchemy.exc"  # the driver's error, kept inside
    assert bool(seen) is (path == "events")
    # nothing was kept, and the connection is fit for the next unit
    with db.transaction() as session:
        assert session.scalars(select(SessionCheckin)).all() == []
        ((new_id,),) = _INSERT_CHECKIN.rows(session, **_values(patient_and_user[0]))
    with db.transaction() as session:
        assert session.scalars(select(SessionCheckin.id)).all() == [new_id]


def test_limit_and_offset_use_the_values_core_bound(
    db: Database, patient_and_user: tuple[int, int]
) -> None:
    ids = _insert(db, patient_and_user[0], 4)
    with db.transaction() as session:
        assert _NEWEST_TWO_AFTER_ONE.rows(session) == [(ids[2],), (ids[1],)]
        newest = Prepared(
            lambda: select(SessionCheckin.id).order_by(SessionCheckin.id.desc()).limit(1)
        )
        assert newest.rows(session) == [(ids[3],)]
        assert newest.first(session) == (ids[3],)


def test_a_statement_is_compiled_once_per_database(
    db: Database, patient_and_user: tuple[int, int]
) -> None:
    builds: list[int] = []

    def build() -> Any:
        builds.append(1)
        return insert(Patient).values(
            display_name=bindparam("name"),
            side="left",
            cause="lumbar",
            notes="",
            preferred_language="en",
            created_at=bindparam("at", type_=SessionCheckin.created_at.type),
            program_paused=False,
        )

    statement = Prepared(build)
    for n in range(3):
        with db.transaction() as session:
            statement.rows(session, name=f"n{n}", at=NOW)
    assert builds == [1]
    with db.transaction() as session:
        stored = session.scalars(
            select(Patient).where(Patient.display_name.like("n%")).order_by(Patient.id)
        ).all()
        assert [(p.display_name, p.created_at, p.program_paused) for p in stored] == [
            (f"n{n}", NOW, False) for n in range(3)
        ]
