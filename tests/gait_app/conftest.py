"""Fixtures for the walking-video tests: the web fixtures (both databases), with the
embedded worker switched off unless a test turns it on, and a clinic with one patient each."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from dorsi.settings import Settings, load_settings
from dorsi.store.db import Database
from dorsi.web.app import create_app
from tests.web.conftest import (
    SECRET,
    Clinic,
    Clock,
    TestClient,
    clinic,
    clock,
)

__all__ = ["Clinic", "clinic", "clock"]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Jobs are queued but not run (``gait_worker=off``): the fast tests never analyse."""
    return load_settings(data_dir=tmp_path, secret_key=SECRET, gait_worker="off")


@pytest.fixture
def app(db: Database, clock: Clock, settings: Settings) -> FastAPI:
    return create_app(settings, database=db, clock=clock, migrate=False)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
