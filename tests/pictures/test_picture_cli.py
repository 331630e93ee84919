"""`dorsi exercises ID --picture FILE.svg|png` as a user meets it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from PIL import Image

from tests.conftest import run_dorsi


def test_saves_an_svg(tmp_path: Path) -> None:
    target = tmp_path / "lift.svg"
    result = run_dorsi("exercises", "seated_dorsiflexion", "--picture", str(target))
    assert result.code == 0, result.stderr
    assert str(target) in result.stdout
    root = ET.fromstring(target.read_bytes())  # noqa: S314 - our own output
    assert root.get("role") == "img"


def test_saves_a_png(tmp_path: Path) -> None:
    target = tmp_path / "taps.PNG"
    result = run_dorsi("exercises", "step_taps", "--picture", str(target))
    assert result.code == 0, result.stderr
    with Image.open(target) as image:
        assert image.format == "PNG"
        assert image.width > 100


def test_unknown_exercise_is_one_line_exit_2(tmp_path: Path) -> None:
    target = tmp_path / "x.svg"
    result = run_dorsi("exercises", "moon_walk", "--picture", str(target))
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "moon_walk" in result.stderr
    assert "seated_dorsiflexion" in result.stderr
    assert not target.exists()


def test_wrong_extension_is_one_line_exit_2(tmp_path: Path) -> None:
    result = run_dorsi("exercises", "step_taps", "--picture", str(tmp_path / "x.gif"))
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "--picture" in result.stderr
    assert ".svg or .png" in result.stderr


def test_picture_needs_an_exercise_id(tmp_path: Path) -> None:
    result = run_dorsi("exercises", "--picture", str(tmp_path / "x.svg"))
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "exercise ID" in result.stderr


def test_unwritable_path_is_one_line_exit_2(tmp_path: Path) -> None:
    result = run_dorsi("exercises", "step_taps", "--picture", str(tmp_path / "no" / "x.svg"))
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "cannot write" in result.stderr
