"""The robust local regression that leaves bursts of mis-tracked frames out of the angle."""

from __future__ import annotations

import numpy as np

from dorsi.gait.clean import butter_lowpass
from dorsi.gait.smooth import replace_bursts, robust_loess

FPS = 30.0
STRIDE_S = 1.1
SPAN = round(0.4 * STRIDE_S * FPS)  # as analyze_track sets it (ANGLE_SPAN_STRIDES)


def _gait_like() -> np.ndarray:
    """An ankle-like curve: the stride's fundamental and two harmonics, 4 strides."""
    t = np.arange(round(4 * STRIDE_S * FPS)) / FPS
    w = 2 * np.pi / STRIDE_S
    curve = 12 * np.sin(w * t) + 6 * np.sin(2 * w * t + 1.0) + 3 * np.sin(3 * w * t + 2.0)
    return np.asarray(curve, np.float64)


def test_a_burst_of_slipped_frames_is_left_out() -> None:
    truth = _gait_like()
    measured = truth.copy()
    # 3 frames (0.1 s, a quarter of the window) 25 deg off, as a slipped heel point gives
    burst = slice(40, 43)
    measured[burst] += 25.0
    smoothed = robust_loess(measured, span_frames=SPAN)
    assert np.max(np.abs(smoothed[burst] - truth[burst])) < 2.0
    # a linear low-pass spreads the same burst instead
    linear = butter_lowpass(measured, cutoff_hz=6.0, sampling_rate_hz=FPS)
    assert np.max(np.abs(linear[burst] - truth[burst])) > 10.0


def test_clean_peaks_are_kept() -> None:
    truth = _gait_like()
    smoothed = robust_loess(truth, span_frames=SPAN)
    inner = slice(SPAN, truth.size - SPAN)
    # the broad peak within 0.5 deg; the sharper trough (third harmonic) loses about 1 deg
    assert abs(np.max(smoothed[inner]) - np.max(truth[inner])) < 0.5
    assert abs(np.min(smoothed[inner]) - np.min(truth[inner])) < 1.5
    assert np.sqrt(np.mean((smoothed - truth) ** 2)) < 1.0


def test_missing_frames_stay_missing_and_short_spans_change_nothing() -> None:
    values = _gait_like()
    values[20:26] = np.nan
    smoothed = robust_loess(values, span_frames=SPAN)
    assert np.all(np.isnan(smoothed[20:26]))
    assert np.all(np.isfinite(np.delete(smoothed, np.arange(20, 26))))
    assert np.array_equal(robust_loess(values, span_frames=4), values, equal_nan=True)
    # too few frames left for a quadratic: the measured frames are kept, never made missing
    few = np.array([np.nan, 3.0, np.nan, np.nan, np.nan, 5.0, np.nan])
    assert np.array_equal(robust_loess(few, span_frames=5), few, equal_nan=True)
    assert robust_loess(np.array([]), span_frames=SPAN).size == 0


def test_only_the_burst_is_replaced_the_rest_keeps_its_measured_value() -> None:
    truth = _gait_like()
    measured = truth.copy()
    measured[40:43] += 25.0
    repaired, replaced = replace_bursts(measured, span_frames=SPAN)
    assert np.flatnonzero(replaced).tolist() == [40, 41, 42]
    assert np.max(np.abs(repaired[40:43] - truth[40:43])) < 1.0
    assert np.array_equal(repaired[~replaced], measured[~replaced])
    # a clean curve is left exactly as measured (its swing peak is not flattened)
    clean, none = replace_bursts(truth, span_frames=SPAN)
    assert not none.any()
    assert np.array_equal(clean, truth)


def test_a_sharp_real_dip_is_taken_for_a_burst() -> None:
    """The known limit (docs/gait.md): a real, short dip (the push-off at toe off) is replaced
    like a mis-tracked burst; shape alone cannot tell them apart."""
    truth = _gait_like()
    truth[60:64] -= np.array([4.0, 9.0, 9.0, 4.0])  # a 4-frame dip, as the synthetic push-off
    _, replaced = replace_bursts(truth, span_frames=SPAN)
    assert replaced[61:63].all()
