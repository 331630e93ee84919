"""dorsi backup / restore: a restore into an empty database holds every row of every table."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from dorsi.errors import ConflictError, InputError
from dorsi.services.demo import fill_demo
from dorsi.settings import load_settings
from dorsi.store.audit_chain import verify
from dorsi.store.backup import backup, dorsi_tables, holds_data, restore
from dorsi.store.db import Database, make_engine
from dorsi.store.migrate import head_revision, upgrade
from tests.conftest import run_dorsi
from tests.store.audit_helpers import write_entries

TODAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def table_rows(database: Database) -> dict[str, list[str]]:
    """Every row of every Dorsi table, as sorted text (order-free comparison)."""
    present = set(inspect(database.engine).get_table_names())
    out: dict[str, list[str]] = {}
    with database.engine.connect() as connection:
        for name in dorsi_tables():
            assert name in present, f"table {name} is missing"
            rows = connection.execute(text(f'SELECT * FROM "{name}"'))  # noqa: S608
            out[name] = sorted(repr(tuple(row)) for row in rows)
    return out


@pytest.fixture
def filled(db: Database, tmp_path: Path) -> Database:
    """The demo clinic: users, patients, screenings, evaluations, programs, check-ins, audit."""
    fill_demo(db, load_settings(data_dir=tmp_path, secret_key="s" * 32), today=TODAY)
    return db


@pytest.fixture
def empty_target(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A URL for a brand-new, empty database of the same kind (schema name kept on PG)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'dorsi.sqlite3'}"
        return
    source = make_url(database_url)
    schema = str(source.query["options"]).split("=", 1)[1]
    name = f"dorsi_restore_{secrets.token_hex(4)}"
    admin = create_engine(source.set(query={}), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    target = source.set(database=name)
    setup = create_engine(target.set(query={}))
    with setup.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    setup.dispose()
    try:
        yield target.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def test_restore_into_an_empty_database_holds_every_table(
    filled: Database, empty_target: str, tmp_path: Path
) -> None:
    path = tmp_path / "clinic.backup"
    summary = backup(filled.engine, path)
    assert path.is_file()
    assert summary.rows["patients"] == 3
    assert summary.rows["session_checkins"] > 10
    assert summary.rows["audit_log"] > 10

    target = Database.from_url(empty_target)
    restored = restore(target.engine, path)
    assert restored.rows == summary.rows
    assert table_rows(target) == table_rows(filled)
    with target.transaction() as session:
        assert verify(session).intact
    # The restored database takes new writes (sequences, chain head) and stays verifiable.
    write_entries(target, 2, settings_dir=tmp_path)
    with target.transaction() as session:
        verdict = verify(session)
    assert verdict.intact
    assert verdict.entries == summary.rows["audit_log"] + 2
    target.dispose()


def test_restore_into_a_migrated_but_empty_database_needs_no_force(
    filled: Database, empty_target: str, tmp_path: Path
) -> None:
    path = tmp_path / "clinic.backup"
    backup(filled.engine, path)
    target = Database.from_url(empty_target)
    upgrade(target.engine)
    assert not holds_data(target.engine)
    restore(target.engine, path)
    assert table_rows(target) == table_rows(filled)
    target.dispose()


def test_restore_refuses_a_database_with_data_unless_forced(
    filled: Database, empty_target: str, tmp_path: Path
) -> None:
    path = tmp_path / "clinic.backup"
    backup(filled.engine, path)
    target = Database.from_url(empty_target)
    upgrade(target.engine)
    write_entries(target, 3, settings_dir=tmp_path)  # the target now holds rows of its own
    with pytest.raises(ConflictError, match="already holds data"):
        restore(target.engine, path)
    with target.transaction() as session:
        assert verify(session).entries == 3  # untouched
    restore(target.engine, path, force=True)
    assert table_rows(target) == table_rows(filled)
    target.dispose()


def test_backup_does_not_overwrite_a_file_unless_forced(filled: Database, tmp_path: Path) -> None:
    path = tmp_path / "clinic.backup"
    path.write_bytes(b"keep me")
    with pytest.raises(InputError, match="already exists"):
        backup(filled.engine, path)
    assert path.read_bytes() == b"keep me"
    backup(filled.engine, path, force=True)
    assert path.read_bytes() != b"keep me"
    assert not list(tmp_path.glob(".clinic.backup.partial-*"))


def test_restore_refuses_a_file_that_is_not_a_backup(empty_target: str, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a backup\n", encoding="utf-8")
    target = Database.from_url(empty_target)
    with pytest.raises(InputError, match=r"not a .*backup"):
        restore(target.engine, bogus)
    with pytest.raises(InputError, match="is not a file"):
        restore(target.engine, tmp_path / "missing.backup")
    target.dispose()


def test_a_backup_of_an_empty_database_is_refused(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/none.sqlite3")
    with pytest.raises(InputError, match="no Dorsi schema"):
        backup(engine, tmp_path / "x.backup")
    engine.dispose()


def _env(monkeypatch: pytest.MonkeyPatch, url: str, data_dir: Path) -> None:
    monkeypatch.setenv("DORSI_DATABASE_URL", url)
    monkeypatch.setenv("DORSI_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DORSI_SECRET_KEY", "s" * 32)


def test_cli_backup_and_restore(
    filled: Database,
    database_url: str,
    empty_target: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "cli.backup"
    _env(monkeypatch, database_url, tmp_path)
    made = run_dorsi("backup", str(path))
    assert made.code == 0, made.stderr
    assert "backup written" in made.stdout
    assert "audit log intact" in made.stdout
    again = run_dorsi("backup", str(path))
    assert again.code == 2
    assert len(again.stderr.strip().splitlines()) == 1
    assert "already exists" in again.stderr

    _env(monkeypatch, empty_target, tmp_path)
    restored = run_dorsi("restore", str(path))
    assert restored.code == 0, restored.stderr
    assert f"revision {head_revision()}" in restored.stdout
    twice = run_dorsi("restore", str(path))
    assert twice.code == 2
    assert len(twice.stderr.strip().splitlines()) == 1
    assert "--force" in twice.stderr
    forced = run_dorsi("restore", str(path), "--force")
    assert forced.code == 0, forced.stderr
    target = Database.from_url(empty_target)
    assert table_rows(target) == table_rows(filled)
    target.dispose()
