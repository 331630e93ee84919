"""No impossible value is ever reported: mis-tracked frames are repaired or the stride is out.

The property tests corrupt a synthetic walk the way pose models fail (the toe dragged below
the floor for a few frames, a foot point thrown far off, noise, gaps) and check every reported
stride: toe clearance >= 0, ankle angles inside the physiological range, stance and swing
longer than a frame; every stride left out is listed with its reason.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dorsi.errors import InputError
from dorsi.gait.analysis import analyze_track
from dorsi.gait.keypoints import INDEX, PoseTrack
from dorsi.gait.plausible import repair, repair_out_of_range
from dorsi.gait.report import GaitReport, VideoInfo
from dorsi.gait.thresholds import ANKLE_MAX_DEG, ANKLE_MIN_DEG
from tests.gait.synthetic import SyntheticWalk, WalkSpec, generate_walk


def _report(walk: SyntheticWalk, track: PoseTrack) -> GaitReport:
    info = VideoInfo(
        fps=track.fps,
        frames=track.frames,
        duration_s=track.frames / track.fps,
        width=walk.width,
        height=walk.height,
    )
    return analyze_track(track, video=info).report


def _sink_toe(track: PoseTrack, side: str, start: int, frames: int, depth_px: float) -> None:
    """Drag one toe ``depth_px`` down the picture (below the floor) for ``frames`` frames."""
    track.xy[start : start + frames, INDEX[f"{side}_toe"], 1] += depth_px


def test_repair_fills_a_short_inner_run_and_blanks_the_rest() -> None:
    values = np.array([1.0, 2.0, -9.0, -9.0, 5.0, 6.0, -9.0])
    out = repair(values, values < 0, max_run=2)
    assert out.values[:6].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert np.isnan(out.values[6])  # at the edge: no neighbour on one side
    assert out.repaired.tolist() == [False, False, True, True, False, False, False]
    too_long = repair(values, values < 0, max_run=1)
    assert np.isnan(too_long.values[2:4]).all()


def test_noise_just_under_the_limit_is_taken_as_the_limit() -> None:
    out = repair_out_of_range(
        np.array([0.5, -0.01, 0.4, -0.5]), 0.0, np.inf, max_run=0, below_ok=0.02
    )
    assert out.values[:3].tolist() == [0.5, 0.0, 0.4]
    assert np.isnan(out.values[3])
    assert out.flagged.tolist() == [False, True, False, True]


def test_a_toe_dragged_below_the_floor_mid_swing_is_repaired_or_left_out() -> None:
    """Every swing of the near foot has its toe sunk 15 px for 2 frames (short: repaired) or
    for 12 frames (long: the stride is left out, with the reason in the JSON)."""
    spec = WalkSpec(duration_s=8.0)
    walk = generate_walk(spec)
    truth = walk.truth["left"]
    for frames, repaired in ((2, True), (12, False)):
        track = walk.track.copy()
        for hs, to in zip(truth.heel_strikes_s[1:], truth.toe_offs_s[:-1], strict=True):
            mid = round((to + (hs - to) / 2) * spec.fps)
            _sink_toe(track, "left", mid - frames // 2, frames, 15.0)
        report = _report(walk, track)
        left = [s for s in report.strides if s.side == "left"]
        assert all(s.toe_clearance_ratio >= 0 for s in report.strides)
        if repaired:
            assert left
            assert all(s.flags for s in left)
        else:
            assert not left
            reasons = [e.reason for e in report.quality.excluded_strides if e.side == "left"]
            assert reasons
            assert all("below the floor line" in r for r in reasons)


@settings(max_examples=10, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    stride_time_s=st.floats(0.9, 2.5),
    noise_px=st.floats(0.0, 3.0),
    sinks=st.integers(0, 8),
    depth_px=st.floats(5.0, 60.0),
    throws=st.integers(0, 8),
    direction=st.sampled_from([1, -1]),
)
def test_no_impossible_value_whatever_the_input(
    seed: int,
    stride_time_s: float,
    noise_px: float,
    sinks: int,
    depth_px: float,
    throws: int,
    direction: int,
) -> None:
    spec = WalkSpec(
        seed=seed,
        stride_time_s=stride_time_s,
        speed_mps=1.1 / stride_time_s,
        duration_s=max(7.0, 4 * stride_time_s),
        noise_px=noise_px,
        dropout_fraction=0.02,
        direction=direction,
    )
    walk = generate_walk(spec)
    track = walk.track.copy()
    rng = np.random.default_rng(seed)
    n = track.frames
    for _ in range(sinks):
        side = str(rng.choice(["left", "right"]))
        _sink_toe(track, side, int(rng.integers(0, n - 10)), int(rng.integers(1, 10)), depth_px)
    for _ in range(throws):  # a foot point thrown far off for one or two frames
        point = INDEX[f"{rng.choice(['left', 'right'])}_{rng.choice(['heel', 'toe', 'ankle'])}"]
        start = int(rng.integers(0, n - 2))
        track.xy[start : start + int(rng.integers(1, 3)), point] += rng.normal(0, 80.0, 2)
    try:
        report = _report(walk, track)
    except InputError:
        return  # nothing usable is an honest answer
    one_frame_s = 1.0 / spec.fps
    for stride in report.strides:
        assert stride.toe_clearance_ratio >= 0
        for angle in (stride.peak_swing_dorsiflexion_deg, stride.ankle_at_initial_contact_deg):
            assert ANKLE_MIN_DEG.value <= angle <= ANKLE_MAX_DEG.value
        assert stride.stance_time_s >= one_frame_s
        assert stride.swing_time_s >= one_frame_s
        assert 0 <= stride.quality <= 1
    for side in ("left", "right"):
        summary = getattr(report.summary, side)
        if summary is not None:
            assert summary.toe_clearance_ratio >= 0
    assert all(e.reason for e in report.quality.excluded_strides)
    assert len(report.quality.excluded_strides) == sum(
        1 for w in report.quality.warnings if " excluded: " in w
    )


def test_an_impossible_ankle_angle_is_never_reported() -> None:
    """The near toe thrown far above the foot for a long run in every swing: the angle there
    is beyond any ankle; those strides are left out, and the reason says so."""
    spec = WalkSpec(duration_s=8.0)
    walk = generate_walk(spec)
    track = walk.track.copy()
    truth = walk.truth["left"]
    for hs, to in zip(truth.heel_strikes_s[1:], truth.toe_offs_s[:-1], strict=True):
        start = round((to + 0.5 * (hs - to)) * spec.fps)
        track.xy[start - 4 : start + 6, INDEX["left_toe"], 1] -= 120.0
    report = _report(walk, track)
    for stride in report.strides:
        assert ANKLE_MIN_DEG.value <= stride.peak_swing_dorsiflexion_deg <= ANKLE_MAX_DEG.value
    reasons = [e.reason for e in report.quality.excluded_strides if e.side == "left"]
    assert any("outside what an ankle can do" in r for r in reasons), reasons
