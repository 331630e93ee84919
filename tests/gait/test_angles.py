"""The ankle angle convention: 0 deg = foot at 90 deg to the shank, dorsiflexion positive."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dorsi.gait.angles import ankle_angle_deg

KNEE = np.array([0.0, 40.0])
ANKLE = np.array([0.0, 0.0])


def _foot(pitch_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """Heel and toe for a foot pitched ``pitch_deg`` (toe up positive), y up, walking +x."""
    p = np.radians(pitch_deg)
    heel = np.array([-5.0, -6.0])
    return heel, heel + 25.0 * np.array([np.cos(p), np.sin(p)])


def test_neutral_is_zero() -> None:
    heel, toe = _foot(0.0)
    assert abs(float(ankle_angle_deg(KNEE, ANKLE, heel, toe))) < 1e-9


def test_toes_up_is_dorsiflexion_positive() -> None:
    heel, toe = _foot(15.0)
    assert abs(float(ankle_angle_deg(KNEE, ANKLE, heel, toe)) - 15.0) < 1e-9


def test_toes_down_is_plantarflexion_negative() -> None:
    heel, toe = _foot(-20.0)
    assert abs(float(ankle_angle_deg(KNEE, ANKLE, heel, toe)) + 20.0) < 1e-9


@settings(max_examples=60, deadline=None)
@given(
    pitch=st.floats(-60, 40),
    rotation=st.floats(-180, 180),
    scale=st.floats(0.1, 50),
    mirror=st.booleans(),
    flip_y=st.booleans(),
)
def test_angle_does_not_depend_on_view(
    pitch: float, rotation: float, scale: float, mirror: bool, flip_y: bool
) -> None:
    """Walking left or right, image y down or up, any size or camera roll: same angle."""
    heel, toe = _foot(pitch)
    r = np.radians(rotation)
    m = np.array([[np.cos(r), -np.sin(r)], [np.sin(r), np.cos(r)]]) * scale
    if mirror:
        m = m @ np.diag([-1.0, 1.0])
    if flip_y:
        m = np.diag([1.0, -1.0]) @ m
    pts = [m @ p for p in (KNEE, ANKLE, heel, toe)]
    assert abs(float(ankle_angle_deg(*pts)) - pitch) < 1e-6


def test_vectorised_over_frames() -> None:
    heels, toes = zip(*(_foot(p) for p in (-10.0, 0.0, 10.0)), strict=True)
    out = ankle_angle_deg(
        np.tile(KNEE, (3, 1)), np.tile(ANKLE, (3, 1)), np.array(heels), np.array(toes)
    )
    assert np.allclose(out, [-10.0, 0.0, 10.0])
