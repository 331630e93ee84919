"""Shared test helpers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

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


@pytest.fixture
def dorsi() -> Any:
    return run_dorsi
