"""The camera measure's maths: the Python reference and the browser's JS mirror, on the same
synthetic seated clips with known angles (tests/gait/camera_clips.py)."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from dorsi.gait import camera_rom
from dorsi.gait.angles import ankle_angle_deg
from dorsi.gait.camera_rom import FrameAngle, Point, RepCounter, frame_angle, summarise
from tests.gait.camera_clips import HEIGHT_PX, WIDTH_PX, Clip, build, clips

MATHS_JS = Path(camera_rom.__file__).parents[1] / "web" / "static" / "camera-maths.mjs"

#: the clips' landmark jitter is up to 3 px on a 205 px foot (about 1.2 deg a frame); the peak
#: is the highest 5-frame median over a 0.6 s hold, so it reads a little high
PEAK_TOLERANCE_DEG = 2.5


def _points(raw: list[dict[str, float]]) -> list[Point]:
    return [Point(**p) for p in raw]


def _run(clip: Clip) -> list[camera_rom.Repetition]:
    frames = [(t, _points(p)) for t, p in clip.frames]
    return camera_rom.run(frames, WIDTH_PX, HEIGHT_PX)


@pytest.mark.parametrize("angle", [-30.0, -12.5, 0.0, 7.0, 20.0])
def test_frame_angle_is_the_gait_convention(angle: float) -> None:
    clip = build(Clip("one", 30, rest_deg=angle, peaks_deg=(), noise_px=0.0))
    points = _points(clip.frames[0][1])
    got = frame_angle(points, WIDTH_PX, HEIGHT_PX)
    px = {i: np.array([points[i].x * WIDTH_PX, points[i].y * HEIGHT_PX]) for i in (25, 27, 29, 31)}
    reference = float(ankle_angle_deg(px[25], px[27], px[29], px[31]))
    assert got.grade == "good"
    assert got.side == "left"
    assert got.angle_deg == pytest.approx(reference, abs=1e-9)
    assert got.angle_deg == pytest.approx(angle, abs=1e-9)


def test_angle_is_in_pixels_not_normalised_units() -> None:
    clip = build(Clip("one", 30, rest_deg=10.0, peaks_deg=(), noise_px=0.0))
    points = _points(clip.frames[0][1])
    square = frame_angle(points, WIDTH_PX, WIDTH_PX)  # the same numbers read as a square frame
    assert frame_angle(points, WIDTH_PX, HEIGHT_PX).angle_deg == pytest.approx(10.0)
    assert square.angle_deg is not None
    assert abs(square.angle_deg - 10.0) > 1


def test_visibility_gates() -> None:
    clip = build(Clip("one", 30, rest_deg=0.0, peaks_deg=(), noise_px=0.0))
    raw = clip.frames[0][1]

    def with_visibility(v: float) -> FrameAngle:
        pts = [dict(p) for p in raw]
        pts[29]["visibility"] = v  # the left heel
        return frame_angle(_points(pts), WIDTH_PX, HEIGHT_PX, side="left")

    assert with_visibility(0.9).grade == "good"
    assert with_visibility(0.45).grade == "weak"
    gone = with_visibility(0.1)
    assert gone.grade == "none"
    assert gone.angle_deg is None
    assert frame_angle(_points(raw[:20]), WIDTH_PX, HEIGHT_PX).grade == "none"


def test_a_leg_too_small_in_the_frame_is_not_measured() -> None:
    clip = build(Clip("one", 30, rest_deg=0.0, peaks_deg=(), noise_px=0.0))
    pts = [dict(p) for p in clip.frames[0][1]]
    for i in (25, 27, 29, 31):  # shrink the leg around the ankle to a few pixels
        pts[i]["x"] = pts[27]["x"] + (pts[i]["x"] - pts[27]["x"]) * 0.1
        pts[i]["y"] = pts[27]["y"] + (pts[i]["y"] - pts[27]["y"]) * 0.1
    assert frame_angle(_points(pts), WIDTH_PX, HEIGHT_PX).grade == "none"


@pytest.mark.parametrize("clip", clips(), ids=lambda c: c.name)
def test_clips_count_every_repetition_and_measure_its_peak(clip: Clip) -> None:
    reps = _run(clip)
    assert len(reps) == len(clip.peaks_deg)
    for i, (rep, truth) in enumerate(zip(reps, clip.peaks_deg, strict=True)):
        if i in clip.poor_reps:
            assert rep.quality == "poor"
            assert rep.peak_deg is None
        else:
            assert rep.quality == "good"
            assert rep.peak_deg is not None
            assert abs(rep.peak_deg - truth) <= PEAK_TOLERANCE_DEG


def test_hysteresis_ignores_jitter_around_the_threshold() -> None:
    counter = RepCounter()
    angles = [0.0] * 10 + [7.0, 9.0, 7.5, 8.5, 6.0, 9.0, 7.0, 8.5] * 3 + [0.0] * 10
    for n, a in enumerate(angles):
        counter.push(n / 30, FrameAngle(a, "good", "left"))
    reps = counter.finish(len(angles) / 30)
    assert len(reps) == 1  # one lift, though it crossed 8 deg above rest a dozen times


def test_summary_best_and_median_of_measured_repetitions_only() -> None:
    s = summarise([10.0, None, 14.0, 12.0, 20.0])
    assert (s.reps_counted, s.reps_measured) == (5, 4)
    assert s.best_deg == 20.0
    assert s.median_deg == 13.0
    empty = summarise([None, None])
    assert (empty.reps_counted, empty.best_deg, empty.median_deg) == (2, None, None)


NODE_RUNNER = """
import {run, summarise} from %s;
import {readFileSync} from "node:fs";
const clips = JSON.parse(readFileSync(process.argv[2], "utf8"));
const out = clips.map((c) => {
  const reps = run(c.frames, c.width, c.height);
  return {reps, summary: summarise(reps.map((r) => r.peakDeg))};
});
console.log(JSON.stringify(out));
"""


def test_browser_js_gives_the_same_answers_as_the_reference(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: install Debian's 'nodejs' (scripts/setup installs npm)")
    all_clips = clips()
    data = tmp_path / "clips.json"
    data.write_text(json.dumps([c.as_json() for c in all_clips]))
    runner = tmp_path / "runner.mjs"
    runner.write_text(NODE_RUNNER % json.dumps(MATHS_JS.as_uri()))
    done = subprocess.run(
        [node, str(runner), str(data)], capture_output=True, text=True, timeout=60, check=True
    )
    js: list[dict[str, Any]] = json.loads(done.stdout)
    for clip, got in zip(all_clips, js, strict=True):
        reps = _run(clip)
        assert len(got["reps"]) == len(reps), clip.name
        for py, j in zip(reps, got["reps"], strict=True):
            assert j["quality"] == py.quality
            assert (j["peakDeg"] is None) == (py.peak_deg is None)
            if py.peak_deg is not None:
                assert math.isclose(j["peakDeg"], py.peak_deg, abs_tol=1e-9)
            assert math.isclose(j["startS"], py.start_s)
            assert math.isclose(j["endS"], py.end_s)
        summary = summarise([r.peak_deg for r in reps])
        assert got["summary"]["repsCounted"] == summary.reps_counted
        assert got["summary"]["bestDeg"] == pytest.approx(summary.best_deg)
        assert got["summary"]["medianDeg"] == pytest.approx(summary.median_deg)
