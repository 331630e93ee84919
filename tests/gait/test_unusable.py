"""A video with no usable stride says why, in plain words, as an InputError on VIDEO."""

from __future__ import annotations

import numpy as np
import pytest

from dorsi.errors import InputError
from dorsi.gait.analysis import VideoDiagnostics, analyze_track
from dorsi.gait.keypoints import INDEX, PoseTrack
from dorsi.gait.report import VideoInfo
from tests.gait.synthetic import WalkSpec, generate_walk


def _info(track: PoseTrack, width: int = 3000, height: int = 700) -> VideoInfo:
    return VideoInfo(
        fps=track.fps,
        frames=track.frames,
        duration_s=track.frames / track.fps,
        width=width,
        height=height,
    )


def _reason(track: PoseTrack, info: VideoInfo, luma: float | None = None) -> str:
    with pytest.raises(InputError) as caught:
        analyze_track(track, video=info, diagnostics=VideoDiagnostics(mean_luma=luma))
    assert caught.value.field == "VIDEO"
    return caught.value.detail


def test_too_short() -> None:
    track = generate_walk(WalkSpec(duration_s=1.0)).track
    assert "too short" in _reason(track, _info(track))


def test_no_person() -> None:
    track = PoseTrack.empty(150, 30.0)
    assert "no person" in _reason(track, _info(track))


def test_too_dark() -> None:
    track = PoseTrack.empty(150, 30.0)
    assert "too dark" in _reason(track, _info(track), luma=12.0)


def test_person_too_small() -> None:
    walk = generate_walk(WalkSpec(px_per_m=40.0, noise_px=2.0, seed=3))
    assert "too small" in _reason(walk.track, _info(walk.track, 3000, 2000))


def test_not_side_on() -> None:
    """Facing the camera: the hips are wide apart and the pelvis barely travels sideways."""
    walk = generate_walk(WalkSpec())
    track = walk.track.copy()
    centre = np.nanmean(track.xy[:, :, 0])
    track.xy[:, :, 0] = centre + (track.xy[:, :, 0] - centre) * 0.02
    track.xy[:, INDEX["left_hip"], 0] -= 60
    track.xy[:, INDEX["right_hip"], 0] += 60
    assert "side-on" in _reason(track, _info(track))


def test_standing_still() -> None:
    walk = generate_walk(WalkSpec())
    track = walk.track.copy()
    track.xy[:] = track.xy[40]
    assert "side-on" in _reason(track, _info(track))


def test_toe_tracked_below_the_floor_excludes_the_stride() -> None:
    """A stride whose toe is tracked well below its own floor line is left out, with why."""
    walk = generate_walk(WalkSpec())
    track = walk.track.copy()
    to, hs = walk.truth["left"].toe_offs_s[2], walk.truth["left"].heel_strikes_s[3]
    frames = slice(round(to * track.fps) + 3, round(hs * track.fps) - 3)
    track.xy[frames, INDEX["left_toe"], 1] += 40.0  # y down: 40 px below the floor
    report = analyze_track(track, video=_info(track)).report
    assert any("below the floor line" in w for w in report.quality.warnings)
    assert all(s.toe_clearance_ratio >= -0.05 for s in report.strides)
