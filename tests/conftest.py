"""Shared test helpers, and the database fixtures every directory uses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# One PostgreSQL schema and one pool per test process, whatever directory a test is in: each
# conftest that imported these made its own session-wide copy, and the copies' idle
# connections together ran PostgreSQL out of its 100.
from tests.store.fixtures import database_url, db, empty_engine, migrated

__all__ = ["database_url", "db", "empty_engine", "migrated"]

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@dataclass(frozen=True)
class CliResult:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_dorsi(*args: str, stdin: str | None = None, timeout_s: float = 120) -> CliResult:
    """Run the real ``dorsi`` console script of this environment."""
    exe = Path(sys.executable).with_name("dorsi")
    proc = subprocess.run(
        [str(exe), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        check=False,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def require_shared(path: Path) -> Path:
    """Fail (never skip silently) when a file of ``../shared/data`` is missing.

    CI clones the project beside a copy of ``shared/``; a missing file means a broken checkout.
    Set DORSI_ALLOW_MISSING_SHARED=1 to report such tests as skipped instead, with the reason.
    """
    if not path.exists():
        reason = f"test data {path} is missing (the project expects ../shared beside it)"
        if os.environ.get("DORSI_ALLOW_MISSING_SHARED") == "1":
            pytest.skip(f"{reason}; skipped because DORSI_ALLOW_MISSING_SHARED=1")
        pytest.fail(reason)
    return path


@pytest.fixture
def dorsi() -> Any:
    return run_dorsi


#: tests that share one thing that cannot be used twice at once, by the path they start with,
#: so that ``pytest -n`` (scripts/test) keeps each group on one worker: the browser tests'
#: server, chromium and screenshot folder; the queue tests' RabbitMQ queue; the gait variants'
#: video and pose-track cache (each built once, then read).
ONE_WORKER_GROUPS = {
    "browser/": "browser",
    "queue/": "broker",
    "gait/test_video_variants.py": "gait-variants",
}


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = item.path.relative_to(ROOT / "tests").as_posix()
        for prefix, group in ONE_WORKER_GROUPS.items():
            if path.startswith(prefix):
                item.add_marker(pytest.mark.xdist_group(group))
