"""Shared helpers for the picture tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from dorsi.catalog.exercises import load_exercises

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "pictures"
EXERCISE_IDS = load_exercises().ids


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Folder where rendered pictures are kept for people to look at (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
