"""Phone videos carry a rotation in their metadata: frames must come out upright.

The test makes a small landscape clip with a white band down its left edge, then marks it as
rotated by 90 degrees (display matrix) with the FFmpeg binary that ships in the imageio-ffmpeg
wheel, as a phone held upright would. Read back, the frames must be portrait and the band must
lie along a short edge: the rotation was applied, not ignored.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import cv2
import imageio_ffmpeg  # type: ignore[import-untyped]
import numpy as np
import pytest

from dorsi.gait.video import iter_frames, probe

pytestmark = pytest.mark.gait

WIDTH_PX, HEIGHT_PX, BAND_PX = 96, 64, 24


def _landscape_clip(path: Path) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 30, (WIDTH_PX, HEIGHT_PX))
    for _ in range(15):
        frame = np.zeros((HEIGHT_PX, WIDTH_PX, 3), np.uint8)
        frame[:, :BAND_PX] = 255
        writer.write(frame)
    writer.release()


def _rotated_copy(source: Path, target: Path, degrees: int) -> None:
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-y",
        "-loglevel",
        "error",
        "-display_rotation",
        str(degrees),
        "-i",
        str(source),
        "-c",
        "copy",
        str(target),
    ]
    subprocess.run(command, check=True, capture_output=True)


def test_unrotated_clip_is_read_as_recorded(tmp_path: Path) -> None:
    clip = tmp_path / "landscape.mp4"
    _landscape_clip(clip)
    meta = probe(clip)
    assert (meta.width, meta.height, meta.rotation_deg) == (WIDTH_PX, HEIGHT_PX, 0)
    frame = next(iter(iter_frames(clip)))
    assert frame.shape[:2] == (HEIGHT_PX, WIDTH_PX)
    assert frame[:, : BAND_PX // 2].mean() > 200
    assert frame[:, -BAND_PX:].mean() < 50


@pytest.mark.parametrize("degrees", [90, -90])
def test_rotation_metadata_turns_frames_upright(tmp_path: Path, degrees: int) -> None:
    clip, rotated = tmp_path / "landscape.mp4", tmp_path / "portrait.mp4"
    _landscape_clip(clip)
    _rotated_copy(clip, rotated, degrees)
    meta = probe(rotated)
    assert (meta.width, meta.height) == (HEIGHT_PX, WIDTH_PX)
    assert meta.rotation_deg in (90, 270)
    frame = next(iter(iter_frames(rotated)))
    assert frame.shape[:2] == (WIDTH_PX, HEIGHT_PX), "frames come out portrait"
    top, bottom = frame[: BAND_PX // 2].mean(), frame[-(BAND_PX // 2) :].mean()
    assert max(top, bottom) > 200, "the band that was on the left now lies along a short edge"
    assert min(top, bottom) < 50
