"""Fixtures of the documents tests: the demo clinic, PDF text and page images."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dorsi.interop.record import PatientRecord
from tests.reports.demo import Demo, make_demo

GOLDEN = Path(__file__).resolve().parent / "golden"
ARTEFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artefacts" / "documents"


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    built = make_demo(tmp_path_factory.mktemp("demo"))
    yield built
    built.database.dispose()


@pytest.fixture(scope="session")
def records(demo: Demo) -> dict[str, PatientRecord]:
    return {name: demo.record(name) for name in ("rosa", "omar", "grace")}
