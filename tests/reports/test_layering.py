"""The document builders are pure: no database, web, services or command line inside."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "dorsi"
FORBIDDEN = (
    "dorsi.store",
    "dorsi.web",
    "dorsi.services",
    "dorsi.cli",
    "sqlalchemy",
    "fastapi",
    "starlette",
)


@pytest.mark.parametrize("package", ["reports", "interop"])
def test_builders_import_no_storage_web_or_services(package: str) -> None:
    found = []
    files = sorted((SRC / package).rglob("*.py"))
    assert files
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            found += [
                f"{path.name}: {n}"
                for n in names
                if any(n == bad or n.startswith(bad + ".") for bad in FORBIDDEN)
            ]
    assert found == []


def test_missing_reportlab_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from dorsi.errors import MissingExtraError, exit_code
    from dorsi.reports import require_reports_extra

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "reportlab" else real(name, *a),
    )
    with pytest.raises(MissingExtraError, match=r"\.\[reports\]") as caught:
        require_reports_extra()
    assert exit_code(caught.value) == 3
