"""`dorsi db` as an operator meets it."""

from __future__ import annotations

from pathlib import Path

import pytest

from dorsi.store.migrate import head_revision
from tests.conftest import run_dorsi


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DORSI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DORSI_DATABASE_URL", raising=False)
    return tmp_path


def test_upgrade_creates_the_default_sqlite_file_and_is_repeatable(env: Path) -> None:
    first = run_dorsi("db", "upgrade")
    assert first.code == 0, first.stderr
    assert (env / "dorsi.sqlite3").exists()
    assert f"revision {head_revision()} (latest)" in first.stdout
    again = run_dorsi("db", "upgrade")
    assert again.code == 0
    current = run_dorsi("db", "current")
    assert current.code == 0
    assert f"revision {head_revision()};" in current.stdout


def test_current_on_an_empty_database_says_so(env: Path) -> None:
    result = run_dorsi("db", "current")
    assert result.code == 0
    assert "none (empty database)" in result.stdout


def test_unreachable_database_is_one_line_exit_2(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DORSI_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:1/nothing")
    result = run_dorsi("db", "current")
    assert result.code == 2
    assert result.stderr.count("\n") == 1
    assert "DORSI_DATABASE_URL" in result.stderr


def test_bad_setting_is_one_line_naming_the_variable(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DORSI_SESSION_IDLE_MINUTES", "zero")
    result = run_dorsi("db", "current")
    assert result.code == 2
    assert "DORSI_SESSION_IDLE_MINUTES" in result.stderr
    assert result.stderr.count("\n") == 1


def test_unknown_action_is_a_usage_error(env: Path) -> None:
    result = run_dorsi("db", "explode")
    assert result.code == 2
    assert "invalid choice" in result.stderr
