"""Dependencies point inward: the clinical core and gait maths import no interface or storage."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "dorsi"

OUTER_LAYERS = ("dorsi.web", "dorsi.store", "dorsi.cli", "dorsi.services", "dorsi.reports")
FRAMEWORKS = ("fastapi", "starlette", "sqlalchemy", "alembic", "uvicorn", "jinja2", "httpx")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(package: str) -> list[Path]:
    folder = SRC / package
    return sorted(folder.rglob("*.py")) if folder.exists() else []


def _violations(package: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in _modules(package):
        for name in _imports(path):
            if any(name == bad or name.startswith(bad + ".") for bad in forbidden):
                found.append(f"{path.relative_to(SRC)} imports {name}")
    return found


@pytest.mark.parametrize("package", ["clinical", "catalog"])
def test_core_imports_no_interface_storage_or_framework(package: str) -> None:
    assert _modules(package), f"dorsi/{package} has no modules"
    assert _violations(package, OUTER_LAYERS + FRAMEWORKS) == []


def test_clinical_core_does_no_file_io() -> None:
    """The clinical decisions take data in and give data out; only catalog/ reads files."""
    for path in _modules("clinical"):
        text = path.read_text(encoding="utf-8")
        for call in ("open(", "read_text(", "write_text(", "os.environ", "yaml."):
            assert call not in text, f"{path.relative_to(SRC)} uses {call}"


def test_gait_imports_no_interface_or_storage() -> None:
    assert _violations("gait", OUTER_LAYERS + FRAMEWORKS) == []


def test_help_imports_nothing_heavy() -> None:
    """`dorsi --help` must stay fast: no web framework, database, numpy or video stack."""
    code = (
        "import sys, contextlib, io\n"
        "from dorsi.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['--help'])\n"
        "heavy = ('fastapi', 'sqlalchemy', 'numpy', 'cv2', 'mediapipe', 'pydantic', 'yaml')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
