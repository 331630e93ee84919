"""Cleaning a keypoint track: far-leg label swaps, outliers, short gaps, zero-phase low-pass.

Order matters and is fixed by :func:`clean_track`: swaps are fixed first (a swapped frame looks
like an outlier of both legs), then outliers are removed, short gaps filled, and the result
filtered with a zero-phase Butterworth filter (``scipy.signal.filtfilt``), which adds no lag
so event times are not shifted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import median_filter
from scipy.signal import butter, filtfilt

from dorsi.gait.keypoints import INDEX, KEYPOINTS, FloatArray, PoseTrack, leg_indices

#: landmarks whose visibility is below this are treated as missing
MIN_VISIBILITY = 0.3


@dataclass(frozen=True)
class CleaningResult:
    """A cleaned track and what was done to it."""

    track: PoseTrack
    #: ``(frames, keypoints)``: True where the value was filled in (not observed)
    filled: NDArray[np.bool_]
    swapped_frames: int
    outliers_removed: int


def body_scale_px(track: PoseTrack) -> float:
    """A robust size of the person in pixels: the median hip-to-ankle distance (both legs)."""
    lengths = []
    for side in ("left", "right"):
        hip = track.xy[:, INDEX[f"{side}_hip"]]
        ankle = track.xy[:, INDEX[f"{side}_ankle"]]
        lengths.append(np.linalg.norm(hip - ankle, axis=1))
    values = np.concatenate(lengths)
    values = values[np.isfinite(values)]
    return float(np.median(values)) if values.size else float("nan")


def fix_leg_swaps(
    track: PoseTrack, *, margin: float = 0.7, max_run_s: float = 0.25
) -> tuple[PoseTrack, int]:
    """Swap the left and right leg labels in frames where the swapped assignment fits better.

    Each frame is compared with the previous frame's legs extrapolated at constant velocity
    (knee, ankle, heel, toe). When the cost of the swapped assignment is below ``margin`` times
    the cost of keeping the labels, the legs are swapped. Pose models mislabel the far leg
    most often when the legs cross in mid-swing, for a frame or a few.

    The test is relative to the frames before, as relabelled, so one wrong decision (the legs
    close together, or the first frames after the walker is found again) carries over to every
    frame after it, up to the next wrong one: the model's labels would be exchanged for a
    whole walking pass. So only runs of exchanged frames up to ``max_run_s`` seconds (a
    flicker) are kept; in a longer run the model's labels stand. A whole step labelled the
    wrong way is left for :mod:`dorsi.gait.steps`, which corrects it from the order of the
    steps. (Judging the frames after a long run again from the model's labels was tried: on
    the demo it kept two 5-frame exchanges against the model and lost a stride.)
    """
    left, right = leg_indices("left"), leg_indices("right")
    prev: FloatArray | None = None
    prev2: FloatArray | None = None
    swapped = np.zeros(track.frames, dtype=bool)
    for i in range(track.frames):
        legs = np.stack([track.xy[i, left], track.xy[i, right]])  # (2, 4, 2)
        if not np.all(np.isfinite(legs)):
            prev, prev2 = None, None
            continue
        if prev is not None:
            pred = prev if prev2 is None else prev + (prev - prev2)
            keep = np.linalg.norm(legs - pred, axis=-1).sum()
            swap = np.linalg.norm(legs[::-1] - pred, axis=-1).sum()
            if swap < margin * keep:
                legs = legs[::-1]
                swapped[i] = True
        prev2, prev = prev, legs
    max_run = max(1, round(max_run_s * track.fps))
    for start, stop in _runs(swapped):
        if stop - start > max_run:
            swapped[start:stop] = False
    out = track.copy()
    rows = np.flatnonzero(swapped)
    legs_l, legs_r = np.asarray(left, np.int_), np.asarray(right, np.int_)
    for a, b in ((legs_l, legs_r), (legs_r, legs_l)):
        out.xy[np.ix_(rows, a)] = track.xy[np.ix_(rows, b)]
        out.visibility[np.ix_(rows, a)] = track.visibility[np.ix_(rows, b)]
    return out, int(rows.size)


def _runs(mask: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """``(start, stop)`` of each run of True in ``mask``."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int_), [0]])))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def reject_outliers(
    track: PoseTrack, *, window_s: float = 0.3, max_jump_scale: float = 0.25
) -> tuple[PoseTrack, int]:
    """Drop points that are unsure or far from their running median.

    A point is dropped when its visibility is below :data:`MIN_VISIBILITY`, or when it lies
    more than ``max_jump_scale`` body scales (hip-to-ankle length) from the running median of
    that point over ``window_s`` seconds.
    """
    out = track.copy()
    low = out.visibility < MIN_VISIBILITY
    out.xy[low] = np.nan
    scale = body_scale_px(out)
    removed = 0
    if not np.isfinite(scale) or out.frames < 3:
        return out, int(low.sum())
    kernel = max(3, round(window_s * out.fps) | 1)
    for k in range(len(KEYPOINTS)):
        series = out.xy[:, k, :]
        ok = np.all(np.isfinite(series), axis=1)
        if ok.sum() < kernel:
            continue
        med = np.full_like(series, np.nan)
        for d in range(2):
            med[ok, d] = median_filter(series[ok, d], size=kernel, mode="nearest")
        dist = np.linalg.norm(series - med, axis=1)
        bad = ok & (dist > max_jump_scale * scale)
        out.xy[bad, k, :] = np.nan
        removed += int(bad.sum())
    out.visibility[~np.all(np.isfinite(out.xy), axis=2)] = 0.0
    return out, removed + int(low.sum())


def fill_gaps(series: FloatArray, *, max_gap: int) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Linearly interpolate NaN runs of at most ``max_gap`` samples inside ``series`` (1-D).

    Longer gaps, and gaps touching either end, stay NaN. Returns the series and a mask of the
    filled samples.
    """
    out = series.copy()
    filled = np.zeros(series.shape, dtype=bool)
    nan = ~np.isfinite(series)
    if not nan.any() or nan.all():
        return out, filled
    good = np.flatnonzero(~nan)
    i = 0
    n = series.size
    while i < n:
        if not nan[i]:
            i += 1
            continue
        j = i
        while j < n and nan[j]:
            j += 1
        if i > 0 and j < n and (j - i) <= max_gap:
            out[i:j] = np.interp(np.arange(i, j), good, series[good])
            filled[i:j] = True
        i = j
    return out, filled


def butter_lowpass(
    series: FloatArray, *, cutoff_hz: float, sampling_rate_hz: float, order: int = 2
) -> FloatArray:
    """Zero-phase Butterworth low-pass of a 1-D series; NaN runs split it into pieces.

    ``order`` is the order of the filter run once; ``filtfilt`` runs it forwards and
    backwards, doubling the effective order and cancelling the phase lag.

    Pieces too short for ``filtfilt`` are left unfiltered. A cutoff at or above the Nyquist
    frequency returns the series unchanged.
    """
    if cutoff_hz <= 0:
        raise ValueError("cutoff_hz must be positive")
    nyquist = sampling_rate_hz / 2.0
    if cutoff_hz >= nyquist * 0.99:
        return series.copy()
    b, a = butter(order, cutoff_hz / nyquist)
    out = series.copy()
    finite = np.isfinite(series)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], finite.astype(int), [0]])))
    padlen = 3 * max(len(a), len(b))
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        if stop - start > padlen:
            out[start:stop] = filtfilt(b, a, series[start:stop])
    return out


def clean_track(
    track: PoseTrack, *, cutoff_hz: float = 6.0, max_gap_s: float = 0.25, fix_swaps: bool = True
) -> CleaningResult:
    """Swap fix, outlier rejection, gap filling and zero-phase low-pass, in that order.

    ``filtfilt`` runs a second-order Butterworth forwards and backwards, giving a fourth-order
    zero-phase response (the usual practice in gait kinematics). ``fix_swaps=False`` skips the
    frame-to-frame swap fix (for a track whose labels were already made consistent, see
    :mod:`dorsi.gait.steps`).
    """
    swapped, swaps = fix_leg_swaps(track) if fix_swaps else (track, 0)
    cleaned, outliers = reject_outliers(swapped)
    max_gap = max(1, round(max_gap_s * track.fps))
    filled_mask = np.zeros(cleaned.xy.shape[:2], dtype=bool)
    for k in range(len(KEYPOINTS)):
        for d in range(2):
            cleaned.xy[:, k, d], mask = fill_gaps(cleaned.xy[:, k, d], max_gap=max_gap)
            if d == 0:
                filled_mask[:, k] = mask
            cleaned.xy[:, k, d] = butter_lowpass(
                cleaned.xy[:, k, d], cutoff_hz=cutoff_hz, sampling_rate_hz=track.fps
            )
    return CleaningResult(cleaned, filled_mask, swaps, outliers)


__all__ = [
    "MIN_VISIBILITY",
    "CleaningResult",
    "body_scale_px",
    "butter_lowpass",
    "clean_track",
    "fill_gaps",
    "fix_leg_swaps",
    "reject_outliers",
]
