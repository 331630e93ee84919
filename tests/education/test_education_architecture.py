"""The education package is core: no interface, storage or framework imports, no own file I/O."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "dorsi"
FORBIDDEN = (
    "dorsi.web",
    "dorsi.store",
    "dorsi.cli",
    "dorsi.services",
    "dorsi.reports",
    "fastapi",
    "starlette",
    "sqlalchemy",
    "jinja2",
    "httpx",
    "textstat",
)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_education_and_i18n_import_nothing_outer() -> None:
    paths = [*sorted((SRC / "education").glob("*.py")), SRC / "i18n.py"]
    assert len(paths) >= 4
    bad = [
        f"{path.name} imports {name}"
        for path in paths
        for name in _imports(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)
    ]
    assert bad == []


def test_education_reads_files_only_through_the_catalog_loader() -> None:
    for path in sorted((SRC / "education").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for call in ("open(", "read_text(", "write_text(", "os.environ", "yaml."):
            assert call not in text, f"{path.name} uses {call}"
