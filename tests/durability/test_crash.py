"""The SIGKILL harness, short: a few kills per backend (the full run is
``python -m tests.durability --kills 200``; see docs/deploy.md for its figures)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.durability import harness
from tests.durability.servers import ServiceMissing, backend

KILLS = int(os.environ.get("DORSI_DURABILITY_KILLS", "8"))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_acknowledged_writes_survive_sigkill(name: str, tmp_path: Path) -> None:
    try:
        with backend(name, tmp_path) as db:
            report = harness.run(db, kills=KILLS, clients=4, seed=7, max_gap_s=0.8)
    except ServiceMissing as exc:
        if os.environ.get("DORSI_SKIP_POSTGRES") == "1":
            pytest.skip(f"{exc}; skipped because DORSI_SKIP_POSTGRES=1")
        pytest.fail(str(exc))
    print(harness.format_reports([report]))
    assert report.kills == KILLS
    assert report.acked_checkins > 0
    assert report.acked_evaluations > 0
    assert report.ok, "\n".join(report.problems())
