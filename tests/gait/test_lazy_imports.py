"""OpenCV, MediaPipe, LiteRT and matplotlib load only when a video is decoded, a pose model
runs or a plot is drawn, and each is imported in one place (``dorsi.gait._extra``)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "dorsi"
HEAVY = ("cv2", "mediapipe", "ai_edge_litert", "matplotlib", "flatbuffers")


def _heavy_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        found += [f"{path.relative_to(SRC)}: {n}" for n in names if n.split(".")[0] in HEAVY]
    return found


def test_no_module_imports_a_heavy_package_itself() -> None:
    found = [hit for path in sorted(SRC.rglob("*.py")) for hit in _heavy_imports(path)]
    assert found == []


@pytest.mark.parametrize(
    "module",
    [
        "dorsi.gait.pipeline",
        "dorsi.gait.render",
        "dorsi.gait.pose.litert_backend",
        "dorsi.gait.pose.mediapipe_backend",
        "dorsi.gait.pose.task_bundle",
    ],
)
def test_loading_a_gait_module_loads_no_heavy_package(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_the_first_call_loads_the_package() -> None:
    code = (
        "import sys\n"
        "from dorsi.gait import _extra\n"
        "before = 'cv2' in sys.modules\n"
        "module = _extra.cv2()\n"
        "print(before, module is sys.modules['cv2'], _extra.cv2() is module)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "True", "True"]
