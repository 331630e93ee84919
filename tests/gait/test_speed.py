"""Walking speed from a video and a given distance carries its standard uncertainty."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dorsi.gait.speed import entry_precision_m, video_speed


@pytest.mark.parametrize(
    ("distance_m", "precision_m"),
    [(5.0, 0.5), (5.2, 0.05), (5.25, 0.005), (12.0, 0.5), (3.1, 0.05), (10.5, 0.05)],
)
def test_the_distance_is_known_to_half_its_last_digit(
    distance_m: float, precision_m: float
) -> None:
    assert entry_precision_m(distance_m) == pytest.approx(precision_m)


def test_the_parts_combine_in_quadrature() -> None:
    """8 m in 6.4 s at 30 fps, strides 1.10, 1.20 and 1.15 s: the distance to 0.5 m (6 %
    of it), the time to sqrt(2) * hypot(1/30, 0.05) s; relative parts added in quadrature."""
    got = video_speed(8.0, 6.4, fps=30.0, stride_times_s=[1.10, 1.20, 1.15])
    u_time = math.sqrt(2) * math.hypot(1 / 30, 0.05)
    assert got.speed_mps == pytest.approx(1.25)
    assert got.distance_uncertainty_m == pytest.approx(0.5)
    assert got.time_uncertainty_s == pytest.approx(u_time)
    assert got.uncertainty_mps == pytest.approx(1.25 * math.hypot(0.5 / 8.0, u_time / 6.4))


def test_one_stride_leaves_only_the_frames() -> None:
    got = video_speed(8.25, 6.0, fps=60.0, stride_times_s=[1.2])
    assert got.time_uncertainty_s == pytest.approx(math.sqrt(2) / 60.0)


def test_a_steadier_walk_and_a_finer_distance_give_a_smaller_uncertainty() -> None:
    rough = video_speed(8.0, 6.4, fps=24.0, stride_times_s=[1.0, 1.4, 1.2])
    steady = video_speed(8.0, 6.4, fps=24.0, stride_times_s=[1.19, 1.21, 1.2])
    finer = video_speed(8.05, 6.4, fps=24.0, stride_times_s=[1.19, 1.21, 1.2])
    assert finer.uncertainty_mps < steady.uncertainty_mps < rough.uncertainty_mps


@pytest.mark.parametrize(
    ("distance_m", "walking_s", "fps"), [(0.0, 5.0, 30.0), (5.0, 0.0, 30.0), (5.0, 5.0, 0.0)]
)
def test_nothing_to_divide_is_refused(distance_m: float, walking_s: float, fps: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        video_speed(distance_m, walking_s, fps=fps, stride_times_s=[])


@settings(max_examples=100, deadline=None)
@given(
    distance=st.floats(1, 100),
    walking=st.floats(0.5, 120),
    fps=st.floats(10, 240),
    strides=st.lists(st.floats(0.6, 3.0), max_size=12),
)
def test_the_uncertainty_is_positive_and_finite(
    distance: float, walking: float, fps: float, strides: list[float]
) -> None:
    got = video_speed(distance, walking, fps=fps, stride_times_s=strides)
    assert 0 < got.uncertainty_mps < math.inf
    assert got.speed_mps == pytest.approx(distance / walking)
