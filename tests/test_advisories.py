"""The set-up warning for a Python without the cookie-parsing fix (CVE-2024-7592)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dorsi.advisories import warnings_for


@pytest.mark.parametrize(
    ("version", "warned"),
    [
        ((3, 11, 7, "final"), True),  # the release on these machines
        ((3, 11, 9, "final"), True),
        ((3, 11, 10, "final"), False),
        ((3, 12, 5, "final"), True),
        ((3, 12, 6, "final"), False),
        ((3, 13, 0, "candidate"), True),
        ((3, 13, 0, "final"), False),
        ((3, 13, 1, "final"), False),
        ((3, 14, 0, "beta"), False),
    ],
)
def test_a_python_without_the_fix_is_named(
    version: tuple[int, int, int, str], warned: bool
) -> None:
    found = warnings_for(version)
    assert bool(found) == warned
    if warned:
        assert "CVE-2024-7592" in found[0]
        assert "3.11.10+" in found[0]
        assert "3.12.6+" in found[0]
        assert ".".join(map(str, version[:3])) in found[0]


def test_the_module_warns_and_never_fails() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dorsi.advisories"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert bool(result.stdout) == bool(warnings_for(tuple(sys.version_info)))
