"""`dorsi users`: a refused password is named, never echoed; operators can reset and sign out."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_dorsi
from tests.web.test_cli_web import env

__all__ = ["env"]

LONG = "Kx9-" + "quartz-" * 36 + "end"  # 259 characters: past the 128 limit and the old 256
WITH_NUL = "violet-\x00-harbour-lantern"
COMMON = "qwertyuiop-2026!"  # a leaked password with a year and a mark added


def _leaks(password: str, text: str) -> bool:
    """True when ``text`` holds the password or any 8-character piece of it."""
    pieces = {password[i : i + 8] for i in range(max(1, len(password) - 7))}
    return any(piece in text for piece in pieces if piece.strip("\x00"))


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        (LONG, "at most 128 characters"),
        (WITH_NUL, "NUL"),
        (COMMON, "common or leaked"),
        ("Zq" + "7" * 255, "at most 128 characters"),  # the probe's 257 characters
    ],
)
@pytest.mark.parametrize("role", ["clinician", "patient"])
def test_refused_passwords_are_never_echoed(env: Path, password: str, rule: str, role: str) -> None:
    result = run_dorsi(
        "users", "create", "--role", role, "--username", "probe", stdin=password + "\n"
    )
    assert result.code == 2, result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("dorsi users: error: password: ")
    assert rule in result.stderr
    assert "Traceback" not in result.stderr
    assert not _leaks(password, result.stdout + result.stderr)


def test_set_password_refuses_weak_ones_the_same_way(env: Path) -> None:
    made = run_dorsi(
        "users", "create", "--role", "clinician", "--username", "cara", stdin="a calm sea at dawn\n"
    )
    assert made.code == 0, made.stderr
    weak = run_dorsi("users", "set-password", "--username", "cara", stdin=COMMON + "\n")
    assert weak.code == 2
    assert "password: is a common or leaked password" in weak.stderr
    assert not _leaks(COMMON, weak.stdout + weak.stderr)
    good = run_dorsi(
        "users", "set-password", "--username", "cara", stdin="another calm sea at dusk\n"
    )
    assert good.code == 0, good.stderr
    assert "password set; 0 session(s)" in good.stdout
    out = run_dorsi("users", "sign-out", "--username", "cara")
    assert out.code == 0, out.stderr
    missing = run_dorsi("users", "sign-out", "--username", "nobody")
    assert missing.code == 2
    assert "username: no account 'nobody'" in missing.stderr
