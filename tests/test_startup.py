"""Start-up stays light: what `dorsi screen` imports, and the fast YAML loader's equivalence.

The times themselves are measured by benchmarks/startup.py (not a timed test).
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
import yaml

from dorsi.catalog.load import read_yaml

HEAVY = (
    "fastapi",
    "starlette",
    "sqlalchemy",
    "alembic",
    "uvicorn",
    "jinja2",
    "httpx",
    "psycopg",
    "numpy",
    "scipy",
    "cv2",
    "mediapipe",
    "matplotlib",
    "PIL",
)


def test_screen_imports_no_framework_database_or_numeric_stack(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(
        json.dumps(
            {
                "foot_drop_onset": "gradual",
                "days_since_onset": 60,
                "evaluated_by_clinician": True,
                "weakness_trend": "stable",
                "face_droop": False,
                "arm_weakness": False,
                "speech_difficulty": False,
                "vision_loss": False,
                "saddle_numbness": False,
                "bladder_or_bowel_change": False,
                "both_legs_weak": False,
                "severe_numbness": False,
                "injury_with_severe_pain_or_swelling": False,
                "back_pain_with_weakness": False,
                "balance_affected": "no",
                "falls_past_month": 0,
            }
        ),
        encoding="utf-8",
    )
    code = (
        "import sys, contextlib, io\n"
        "from dorsi.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main(['screen', {str(answers)!r}])\n"
        f"heavy = {HEAVY!r}\n"
        "print(code, sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().split(maxsplit=1) == ["0", "[]"]


def _catalog_files() -> list[str]:
    root = Path(str(resources.files("dorsi.catalog").joinpath("data")))
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.yaml"))


@pytest.mark.parametrize("name", _catalog_files())
def test_fast_loader_reads_every_catalog_file_like_the_safe_loader(name: str) -> None:
    text = resources.files("dorsi.catalog").joinpath("data", name).read_text(encoding="utf-8")
    assert read_yaml(name) == yaml.load(text, Loader=yaml.SafeLoader)
