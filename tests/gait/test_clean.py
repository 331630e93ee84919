"""Cleaning: gap filling, zero-phase low-pass, far-leg swap fix, outlier rejection."""

from __future__ import annotations

import numpy as np
import pytest

from dorsi.gait.clean import butter_lowpass, clean_track, fill_gaps, fix_leg_swaps, reject_outliers
from dorsi.gait.keypoints import INDEX, leg_indices
from tests.gait.synthetic import WalkSpec, generate_walk


def test_fill_gaps_fills_short_gaps_only() -> None:
    x = np.arange(20, dtype=float)
    x[3:5] = np.nan  # 2 samples
    x[10:16] = np.nan  # 6 samples
    out, filled = fill_gaps(x, max_gap=3)
    assert np.allclose(out[3:5], [3.0, 4.0])
    assert np.isnan(out[10:16]).all()
    assert filled[3:5].all()
    assert not filled[10:16].any()


def test_fill_gaps_leaves_the_ends() -> None:
    x = np.array([np.nan, 1.0, 2.0, np.nan])
    out, filled = fill_gaps(x, max_gap=5)
    assert np.isnan(out[0])
    assert np.isnan(out[-1])
    assert not filled.any()


def test_butterworth_is_zero_phase() -> None:
    """A 1 Hz sine through a 6 Hz low-pass keeps its timing (peak within 1 sample)."""
    fs = 60.0
    t = np.arange(0, 4, 1 / fs)
    x = np.sin(2 * np.pi * 1.0 * t)
    noisy = x + 0.3 * np.sin(2 * np.pi * 20.0 * t)
    y = butter_lowpass(noisy, cutoff_hz=6.0, sampling_rate_hz=fs)
    mid = slice(60, 180)
    assert np.argmax(y[mid]) == pytest.approx(np.argmax(x[mid]), abs=1)
    assert np.max(np.abs(y[mid] - x[mid])) < 0.05


def test_butterworth_splits_at_nan_and_rejects_bad_cutoff() -> None:
    x = np.sin(np.linspace(0, 10, 100))
    x[50] = np.nan
    y = butter_lowpass(x, cutoff_hz=3.0, sampling_rate_hz=30.0)
    assert np.isnan(y[50])
    assert np.isfinite(y[:50]).all()
    with pytest.raises(ValueError, match="cutoff_hz"):
        butter_lowpass(x, cutoff_hz=0.0, sampling_rate_hz=30.0)


def test_butterworth_above_nyquist_is_identity() -> None:
    x = np.random.default_rng(1).normal(size=50)
    assert np.array_equal(butter_lowpass(x, cutoff_hz=20.0, sampling_rate_hz=30.0), x)


def test_leg_swaps_are_fixed() -> None:
    clean = generate_walk(WalkSpec(duration_s=4.0)).track
    swapped = clean.copy()
    left, right = leg_indices("left"), leg_indices("right")
    frames = [20, 21, 50, 77]
    for f in frames:
        swapped.xy[f, left], swapped.xy[f, right] = clean.xy[f, right], clean.xy[f, left]
    fixed, count = fix_leg_swaps(swapped)
    assert count >= len(frames)
    assert np.allclose(fixed.xy[frames], clean.xy[frames])


def test_a_long_run_of_exchanged_labels_is_left_to_the_model() -> None:
    """From frame 60 on the model labels the legs the other way round (as after a turn, when
    the other leg is nearest): the frame-to-frame fix must not carry its view of the frames
    before over the rest of the walk, while single-frame swaps before are still undone."""
    clean = generate_walk(WalkSpec(duration_s=4.0)).track
    model = clean.copy()
    left, right = np.asarray(leg_indices("left")), np.asarray(leg_indices("right"))
    later = np.arange(60, clean.frames)
    model.xy[np.ix_(later, left)] = clean.xy[np.ix_(later, right)]
    model.xy[np.ix_(later, right)] = clean.xy[np.ix_(later, left)]
    flicker = [20, 40]
    swapped = model.copy()
    for f in flicker:
        swapped.xy[f, left], swapped.xy[f, right] = model.xy[f, right], model.xy[f, left]
    fixed, count = fix_leg_swaps(swapped)
    assert np.allclose(fixed.xy[later], model.xy[later])
    assert np.allclose(fixed.xy[flicker], model.xy[flicker])
    assert count == len(flicker)


def test_outliers_and_unsure_points_are_dropped() -> None:
    track = generate_walk(WalkSpec(duration_s=4.0)).track
    k = INDEX["left_toe"]
    track.xy[40, k] += 400.0
    track.visibility[60, INDEX["right_knee"]] = 0.1
    out, removed = reject_outliers(track)
    assert np.isnan(out.xy[40, k]).all()
    assert np.isnan(out.xy[60, INDEX["right_knee"]]).all()
    assert removed >= 2


def test_clean_track_reports_what_it_filled() -> None:
    track = generate_walk(WalkSpec(duration_s=4.0)).track
    track.xy[30:33, INDEX["left_heel"]] = np.nan
    track.visibility[30:33, INDEX["left_heel"]] = 0.0
    result = clean_track(track, cutoff_hz=6.0)
    assert result.filled[30:33, INDEX["left_heel"]].all()
    assert np.isfinite(result.track.xy[30:33, INDEX["left_heel"]]).all()
