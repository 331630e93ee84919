"""Settings: the one reader of the environment."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from dorsi.errors import InputError
from dorsi.settings import load_settings


def test_default_database_is_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, database_url="")
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'dorsi.sqlite3'}"


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DORSI_DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("DORSI_SESSION_IDLE_MINUTES", "20")
    settings = load_settings()
    assert settings.resolved_database_url == "postgresql+psycopg://u@h/db"
    assert settings.session_idle_minutes == 20


def test_generated_secret_is_private_and_stable(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    first = settings.secret()
    assert len(first) == 64
    assert settings.secret() == first
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_short_secret_is_refused() -> None:
    with pytest.raises(InputError, match="DORSI_SECRET_KEY: must be at least 32"):
        load_settings(secret_key="short")  # noqa: S106


def test_production_requires_an_explicit_secret(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="DORSI_SECRET_KEY must be set in production"):
        load_settings(env="production", data_dir=tmp_path)
    ok = load_settings(env="production", secret_key="k" * 32)
    assert ok.secret() == b"k" * 32
