"""The durability guard: PostgreSQL with fsync off is refused; SQLite stays WAL + FULL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from dorsi.cli import main
from dorsi.settings import get_settings, load_settings
from dorsi.store import db as store_db
from dorsi.store.db import Database, NotDurableError, durability_settings, require_durable
from dorsi.web.app import create_app


def test_the_real_databases_are_durable(db: Database) -> None:
    found = durability_settings(db.engine)
    if db.is_sqlite:
        assert found == {"journal_mode": "wal", "synchronous": "2"}
    else:
        assert found == {"fsync": "on", "synchronous_commit": "on"}
    require_durable(db.engine)


def test_postgres_sessions_commit_synchronously_whatever_the_url_says(
    database_url: str,
) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("synchronous_commit is a PostgreSQL setting")
    url = make_url(database_url)
    options = f"{url.query['options']} -csynchronous_commit=off"
    database = Database.from_url(
        url.update_query_dict({"options": options}).render_as_string(hide_password=False)
    )
    assert durability_settings(database.engine)["synchronous_commit"] == "on"
    database.dispose()


def _pretend(monkeypatch: pytest.MonkeyPatch, **found: str) -> None:
    monkeypatch.setattr(store_db, "durability_settings", lambda engine: dict(found))


def test_fsync_off_is_refused_with_one_clear_line(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    if db.is_sqlite:
        _pretend(monkeypatch, journal_mode="wal", synchronous="1")
        with pytest.raises(NotDurableError, match="synchronous=FULL"):
            require_durable(db.engine)
        return
    _pretend(monkeypatch, fsync="off", synchronous_commit="on")
    with pytest.raises(NotDurableError, match="fsync=off") as caught:
        require_durable(db.engine)
    assert "\n" not in caught.value.message


def test_the_app_does_not_start_on_a_database_without_fsync(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pretend(monkeypatch, fsync="off", synchronous_commit="on")
    if db.is_sqlite:
        _pretend(monkeypatch, journal_mode="delete", synchronous="2")
    settings = load_settings(data_dir=tmp_path, secret_key="s" * 32)
    with pytest.raises(NotDurableError):
        create_app(settings, database=db, migrate=False)


def test_dorsi_serve_says_so_in_one_line_and_exits_1(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DORSI_DATABASE_URL", database_url)
    monkeypatch.setenv("DORSI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DORSI_SECRET_KEY", "s" * 32)
    _pretend(monkeypatch, fsync="off", synchronous_commit="on")
    if database_url.startswith("sqlite"):
        _pretend(monkeypatch, journal_mode="wal", synchronous="0")
    get_settings.cache_clear()  # settings are read once per process; read this test's
    try:
        assert main(["serve", "--port", "8999"]) == 1
    finally:
        get_settings.cache_clear()
    out, err = capsys.readouterr()
    assert "running" not in out
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("dorsi serve: error: ")
