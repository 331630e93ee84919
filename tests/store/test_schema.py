"""The schema: migrations match the models, and the database enforces the invariants."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from dorsi.errors import InputError
from dorsi.store.db import Database, make_engine
from dorsi.store.migrate import current_revision, downgrade, head_revision, upgrade
from dorsi.store.models import Base, Measurement, Patient, User

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _patient(**overrides: object) -> Patient:
    values: dict[str, object] = {
        "display_name": "Ann",
        "side": "left",
        "cause": "peroneal",
        "notes": "",
        "preferred_language": "en",
        "created_at": NOW,
        "program_paused": False,
    }
    values.update(overrides)
    return Patient(**values)


def test_migrations_match_the_models(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_database_is_at_the_head_revision(db: Database) -> None:
    assert current_revision(db.engine) == head_revision()


def test_upgrade_twice_is_harmless(db: Database) -> None:
    upgrade(db.engine)
    assert current_revision(db.engine) == head_revision()


def test_downgrade_to_base_and_back(tmp_path: object) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/down.sqlite3")
    upgrade(engine)
    downgrade(engine, "base")
    with engine.connect() as connection:
        names = {row[0] for row in connection.execute(text("SELECT name FROM sqlite_master"))}
    assert "patients" not in names
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_sqlite_runs_durable_and_strict(tmp_path: object) -> None:
    database = Database.from_url(f"sqlite:///{tmp_path}/p.sqlite3")
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    database.dispose()


def test_datetimes_come_back_aware_in_utc(db: Database) -> None:
    local = datetime(2026, 3, 2, 11, 30, tzinfo=timezone(timedelta(hours=2)))
    with db.transaction() as session:
        session.add(_patient(created_at=local))
    with db.transaction() as session:
        stored = session.scalars(select(Patient)).one().created_at
    assert stored.tzinfo is not None
    assert stored.utcoffset() == timedelta(0)
    assert stored == NOW


def test_naive_datetimes_are_refused(db: Database) -> None:
    def store_naive() -> None:
        with db.transaction() as session:
            session.add(_patient(created_at=datetime(2026, 1, 1)))  # noqa: DTZ001

    with pytest.raises(Exception, match="naive datetime"):
        store_naive()


def test_a_measurement_holds_exactly_one_kind_of_value(db: Database) -> None:
    with db.transaction() as session:
        patient = _patient()
        session.add(patient)
        session.flush()
        patient_id = patient.id
    for num, grade in ((None, None), (3.0, "3+")):
        with pytest.raises(IntegrityError), db.transaction() as session:
            session.add(
                Measurement(
                    patient_id=patient_id,
                    measure_id="gait_speed_mps",
                    value_num=num,
                    value_grade=grade,
                    measured_on=date(2026, 3, 1),
                    source="evaluation",
                    created_at=NOW,
                )
            )


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError), db.transaction() as session:
        session.add(
            User(
                username="x",
                role="patient",
                display_name="X",
                patient_id=999,
                is_active=True,
                created_at=NOW,
            )
        )


def test_roles_are_checked(db: Database) -> None:
    with pytest.raises(IntegrityError), db.transaction() as session:
        session.add(User(username="x", role="root", display_name="X", created_at=NOW))


def test_a_failed_transaction_leaves_nothing_behind(db: Database) -> None:
    def fail_half_way() -> None:
        with db.transaction() as session:
            session.add(_patient())
            session.flush()
            raise RuntimeError("fault in the middle")

    with pytest.raises(RuntimeError):
        fail_half_way()
    with db.transaction() as session:
        assert session.scalars(select(Patient)).all() == []


@pytest.mark.parametrize(
    "url", ["mysql://u@h/db", "postgresql+psycopg2://u@h/db", "not a url at all"]
)
def test_unsupported_database_urls_name_the_setting(url: str) -> None:
    with pytest.raises(InputError, match="DORSI_DATABASE_URL"):
        make_engine(url)
