"""scripts/audit-deps: dated exceptions only; a missing service is reported, never silent."""

from __future__ import annotations

import datetime as dt
import importlib.machinery
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit-deps"
TODAY = dt.date(2026, 3, 2)


def _module() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("audit_deps", str(SCRIPT))
    spec = importlib.util.spec_from_loader("audit_deps", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def _ignore_file(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / ".pip-audit-ignore"
    path.write_text("# comment\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_no_exception_file_means_no_exceptions() -> None:
    audit = _module()
    assert audit.exceptions(TODAY, Path("/nonexistent/.pip-audit-ignore")) == []


def test_valid_exceptions_until_their_date(tmp_path: Path) -> None:
    audit = _module()
    path = _ignore_file(
        tmp_path,
        "GHSA-abcd-1234-efgh  2026-03-02  only in the test tools, never shipped",
        "PYSEC-2026-1 2026-12-31 fixed upstream, upgrade pending",
    )
    assert audit.exceptions(TODAY, path) == ["GHSA-abcd-1234-efgh", "PYSEC-2026-1"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("GHSA-abcd-1234-efgh  2026-03-01  old", "expired on 2026-03-01"),
        ("GHSA-abcd-1234-efgh", "expected 'VULN-ID YYYY-MM-DD reason'"),
        ("GHSA-abcd-1234-efgh 2026-12-31", "expected 'VULN-ID YYYY-MM-DD reason'"),
        ("GHSA-abcd-1234-efgh someday no date", "expected 'VULN-ID YYYY-MM-DD reason'"),
    ],
)
def test_undated_malformed_or_expired_exceptions_fail(
    tmp_path: Path, line: str, message: str
) -> None:
    audit = _module()
    with pytest.raises(SystemExit) as stopped:
        audit.exceptions(TODAY, _ignore_file(tmp_path, line))
    assert message in str(stopped.value.code)


def test_the_shipped_exception_file_is_valid() -> None:
    audit = _module()
    audit.exceptions(dt.datetime.now(dt.UTC).date())


def test_the_script_says_what_it_did(tmp_path: Path) -> None:
    """Either it audited (and pip-audit's verdict stands) or it printed why it could not."""
    proc = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=600, check=False
    )
    first = proc.stdout.splitlines()[0] if proc.stdout else ""
    if first.startswith("pip-audit: SKIPPED"):
        assert proc.returncode == 0
        assert "NOT audited" in first
        assert "->" in first  # the service and why it did not answer
    else:
        assert first.startswith("pip-audit: auditing with the")
        assert proc.returncode == 0, proc.stdout + proc.stderr
