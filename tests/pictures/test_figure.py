"""The figure model: joint angles in, geometry out, with the clinical ankle convention."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dorsi.pictures.figure import (
    FOOT_SOLE_VERTICES,
    SHANK_CM,
    THIGH_CM,
    Arm,
    BodyPose,
    Leg,
    Polygon,
    drawn_ankle_deg,
    interpolate,
    segment_angles,
    solve,
)
from dorsi.pictures.poses import ANGLE_LIMITS_DEG


def _angle(name: str) -> st.SearchStrategy[float]:
    low, high, _ = ANGLE_LIMITS_DEG[name]
    return st.floats(low, high, allow_nan=False)


legs = st.builds(
    Leg,
    hip_deg=_angle("hip_deg"),
    knee_deg=_angle("knee_deg"),
    ankle_deg=_angle("ankle_deg"),
    toes_deg=_angle("toes_deg"),
    toe_curl_deg=_angle("toe_curl_deg"),
)
poses = st.builds(
    BodyPose,
    trunk_deg=_angle("trunk_deg"),
    near=legs,
    far=legs,
    arm=st.builds(Arm, shoulder_deg=_angle("shoulder_deg"), elbow_deg=_angle("elbow_deg")),
)


def test_standing_straight_puts_the_foot_flat_under_the_hip() -> None:
    fig = solve(BodyPose())
    hip, knee, ankle = (fig.landmarks[k] for k in ("hip", "near_knee", "near_ankle"))
    assert knee == pytest.approx((0.0, -THIGH_CM))
    assert ankle == pytest.approx((0.0, -THIGH_CM - SHANK_CM))
    heel, ball = fig.landmarks["near_heel"], fig.landmarks["near_ball"]
    assert heel[1] == pytest.approx(ball[1])  # sole level at 0 deg
    assert ball[0] > heel[0]  # the person faces +x
    assert hip == (0.0, 0.0)


def test_dorsiflexion_lifts_the_toes_and_plantarflexion_lowers_them() -> None:
    def toe_height(ankle_deg: float) -> float:
        return solve(BodyPose(near=Leg(ankle_deg=ankle_deg))).landmarks["near_toe_tip"][1]

    assert toe_height(20.0) > toe_height(0.0) > toe_height(-30.0)


def test_sitting_pose_has_a_level_thigh_and_an_upright_shin() -> None:
    angles = segment_angles(BodyPose(near=Leg(hip_deg=90, knee_deg=90)), "near")
    assert angles["thigh"] % 360 == pytest.approx(0.0)
    assert angles["shank"] % 360 == pytest.approx(270.0)


def test_knee_flexion_moves_the_ankle_behind_the_knee_line() -> None:
    """A bent knee folds backwards (the shin swings back), never forwards."""
    fig = solve(BodyPose(near=Leg(knee_deg=60)))
    assert fig.landmarks["near_ankle"][0] < fig.landmarks["near_knee"][0]


def test_toe_lift_raises_the_toe_tip_about_the_big_toe_joint() -> None:
    flat = solve(BodyPose()).landmarks
    lifted = solve(BodyPose(near=Leg(toes_deg=40))).landmarks
    assert lifted["near_toe_tip"][1] > flat["near_toe_tip"][1]
    assert lifted["near_mtp"] == pytest.approx(flat["near_mtp"])


@settings(max_examples=200, deadline=None)
@given(poses)
def test_drawn_ankle_angle_matches_the_data(pose: BodyPose) -> None:
    fig = solve(pose)
    assert drawn_ankle_deg(fig, "near") == pytest.approx(pose.near.ankle_deg, abs=1e-6)
    assert drawn_ankle_deg(fig, "far") == pytest.approx(pose.far.ankle_deg, abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(poses)
def test_segment_lengths_do_not_depend_on_the_pose(pose: BodyPose) -> None:
    fig = solve(pose)
    for side in ("near", "far"):
        hip, knee, ankle = (fig.landmarks[f"{side}_{k}"] for k in ("hip", "knee", "ankle"))
        assert math.dist(hip, knee) == pytest.approx(THIGH_CM)
        assert math.dist(knee, ankle) == pytest.approx(SHANK_CM)
        foot = fig.parts[f"{side}_foot"][0]
        assert isinstance(foot, Polygon)
        a, b = (foot.points[i] for i in FOOT_SOLE_VERTICES)
        assert (a, b) == (fig.landmarks[f"{side}_heel"], fig.landmarks[f"{side}_ball"])


@settings(max_examples=100, deadline=None)
@given(poses, poses)
def test_interpolation_starts_and_ends_at_the_keyframes(a: BodyPose, b: BodyPose) -> None:
    start, end = interpolate(a, b, 0.0), interpolate(a, b, 1.0)
    assert start.near.ankle_deg == pytest.approx(a.near.ankle_deg)
    assert end.near.ankle_deg == pytest.approx(b.near.ankle_deg)
    assert start.trunk_deg == pytest.approx(a.trunk_deg)
    assert end.arm.elbow_deg == pytest.approx(b.arm.elbow_deg)
    mid = interpolate(a, b, 0.5)
    low, high = sorted((a.far.knee_deg, b.far.knee_deg))
    assert low - 1e-9 <= mid.far.knee_deg <= high + 1e-9


def test_translation_moves_every_landmark_and_shape() -> None:
    fig = solve(BodyPose())
    moved = fig.translated(3.0, -2.0)
    for name, (x, y) in fig.landmarks.items():
        assert moved.landmarks[name] == pytest.approx((x + 3.0, y - 2.0))
    before, after = fig.parts["near_foot"][0], moved.parts["near_foot"][0]
    assert isinstance(before, Polygon)
    assert isinstance(after, Polygon)
    assert after.points[0] == pytest.approx((before.points[0][0] + 3.0, before.points[0][1] - 2.0))
