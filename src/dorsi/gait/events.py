"""Gait events from kinematics: Zeni et al. (2008).

Zeni JA, Richards JG, Higginson JS. Two simple methods for determining gait events during
treadmill and overground walking using kinematic data. *Gait Posture* 2008;27(4):710-4.
The same method is used by OpenCap and Pose2Sim.

Along the walking direction, heel strike is a maximum of the heel's position relative to the
pelvis (the foot furthest ahead), and toe off is a minimum of the toe's position relative to
the pelvis (the foot furthest behind). Here the pelvis is the midpoint of the hips, and the
walking direction comes from the pelvis velocity frame by frame, so a walk from left to right,
right to left, or past and back all work; frames with no clear direction (standing, turning)
carry no events.

The thresholds that keep noise and an unsure far leg from adding events (minimum distance
between events from the walk's own stride period, minimum prominence from the signal's range)
are Dorsi's additions, listed with their reasons in :mod:`dorsi.gait.thresholds`; the legs'
labels are made consistent with the step rhythm first (:mod:`dorsi.gait.steps`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.signal import find_peaks

from dorsi.gait.keypoints import INDEX, FloatArray, PoseTrack, Side, idx
from dorsi.gait.thresholds import (
    EVENT_PROMINENCE_FRACTION,
    FALLBACK_EVENT_GAP_S,
    MIN_EVENT_GAP_STRIDES,
    MIN_PROMINENCE_SCALES,
)


@dataclass(frozen=True)
class SideEvents:
    """Event frame positions (fractional frames, refined by a parabola) of one foot."""

    heel_strikes: FloatArray
    toe_offs: FloatArray
    #: ``(dropped, kept)`` frame pairs: a second turning point too close to a kept one
    doubled_heel_strikes: tuple[tuple[float, float], ...] = ()
    doubled_toe_offs: tuple[tuple[float, float], ...] = ()


def pelvis_xy(track: PoseTrack) -> FloatArray:
    return np.asarray(
        (track.xy[:, INDEX["left_hip"]] + track.xy[:, INDEX["right_hip"]]) / 2.0, np.float64
    )


def walking_direction(
    pelvis_x: FloatArray,
    *,
    fps: float,
    scale_px: float,
    min_speed_scales_per_s: float = 0.15,
    window_s: float = 0.5,
) -> NDArray[np.int_]:
    """Per frame: +1 walking towards +x (right in the image), -1 towards -x, 0 unclear.

    The pelvis velocity is averaged over ``window_s``; below ``min_speed_scales_per_s`` body
    scales (hip-to-ankle lengths) per second the direction is unclear.
    """
    n = pelvis_x.size
    direction = np.zeros(n, dtype=np.int_)
    if n < 3 or not np.isfinite(scale_px):
        return direction
    velocity = np.gradient(pelvis_x) * fps
    width = max(1, round(window_s * fps))
    kernel = np.ones(width) / width
    finite = np.isfinite(velocity)
    v = np.where(finite, velocity, 0.0)
    counts = np.convolve(finite.astype(float), kernel, mode="same")
    with np.errstate(invalid="ignore", divide="ignore"):
        smooth = np.convolve(v, kernel, mode="same") / counts
    fast = np.abs(smooth) >= min_speed_scales_per_s * scale_px
    ok = finite & fast & np.isfinite(smooth)
    direction[ok] = np.sign(smooth[ok]).astype(np.int_)
    return direction


def stretches(finite: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """``(start, stop)`` of each run of True in ``finite``."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], finite.astype(int), [0]])))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _refine(signal: FloatArray, p: int) -> float:
    """Sub-frame peak position from a parabola through the peak and its neighbours."""
    if 0 < p < signal.size - 1:
        y0, y1, y2 = signal[p - 1], signal[p], signal[p + 1]
        denom = y0 - 2 * y1 + y2
        if np.isfinite(denom) and denom != 0:
            return p + float(np.clip(0.5 * (y0 - y2) / denom, -0.5, 0.5))
    return float(p)


def signal_range(signal: FloatArray) -> float:
    """Robust peak-to-peak range: 95th minus 5th percentile of the finite values."""
    values = signal[np.isfinite(signal)]
    if values.size < 3:
        return float("nan")
    return float(np.percentile(values, 95) - np.percentile(values, 5))


def event_peaks(
    signal: FloatArray, *, min_gap_frames: float, prominence: float
) -> tuple[FloatArray, list[tuple[float, float]]]:
    """Maxima of ``signal`` in each finite stretch (NaN splits it), and those dropped as doubled.

    Every turning point standing ``prominence`` above its surroundings is a candidate (an
    extreme on a stretch's edge is not a turning point we can trust). Taking the most prominent
    first, a candidate closer than ``min_gap_frames`` to one already kept is a doubled event: it
    is dropped and returned as a ``(dropped, kept)`` pair of frame positions.

    Which of two close candidates is the event is decided by prominence, not by height: height
    is one frame's value, and a bump where the landmark goes astray just before the track ends
    (the foot leaving the picture) can top the real turning point by a few pixels of noise,
    while its prominence is cut short by the end of the stretch.
    """
    kept_all: list[float] = []
    doubled: list[tuple[float, float]] = []
    for start, stop in stretches(np.isfinite(signal)):
        piece = signal[start:stop]
        if piece.size < 3:
            continue
        cand, props = find_peaks(piece, prominence=prominence)
        inner = (cand > 0) & (cand < piece.size - 1)
        cand, prom = cand[inner], props["prominences"][inner]
        kept: list[int] = []
        for i in np.argsort(-prom, kind="stable").tolist():
            p = int(cand[i])
            near = [k for k in kept if abs(k - p) < min_gap_frames]
            if near:
                doubled.append((float(p + start), float(near[0] + start)))
            else:
                kept.append(int(p))
        kept_all += [_refine(piece, k) + start for k in sorted(kept)]
    return np.asarray(kept_all, np.float64), sorted(doubled)


def zeni_events(
    track: PoseTrack,
    side: Side,
    direction: NDArray[np.int_],
    *,
    scale_px: float,
    stride_period_s: float | None = None,
) -> SideEvents:
    """Heel strikes and toe offs of one foot (Zeni et al. 2008).

    ``track`` should already be cleaned and filtered. Two events of the same kind and foot
    closer than :data:`~dorsi.gait.thresholds.MIN_EVENT_GAP_STRIDES` of the walk's stride
    period (``stride_period_s``, from :mod:`dorsi.gait.steps`; without it
    :data:`~dorsi.gait.thresholds.FALLBACK_EVENT_GAP_S`) are one event doubled: the more
    prominent turning point is kept and the other reported. A turning point counts only when it
    stands out by :data:`~dorsi.gait.thresholds.EVENT_PROMINENCE_FRACTION` of the signal's range
    (and at least :data:`~dorsi.gait.thresholds.MIN_PROMINENCE_SCALES` body scales), so
    wiggles of an unsure far leg do not count as events.
    """
    pelvis_x = pelvis_xy(track)[:, 0]
    d = np.where(direction != 0, direction, np.nan).astype(np.float64)
    heel = (track.xy[:, idx(side, "heel"), 0] - pelvis_x) * d
    toe = (track.xy[:, idx(side, "toe"), 0] - pelvis_x) * d
    gap_s = (
        FALLBACK_EVENT_GAP_S.value
        if stride_period_s is None
        else MIN_EVENT_GAP_STRIDES.value * stride_period_s
    )
    min_gap = max(1.0, gap_s * track.fps)
    floor = MIN_PROMINENCE_SCALES.value * scale_px

    def prominence(signal: FloatArray) -> float:
        rng = signal_range(signal)
        relative = EVENT_PROMINENCE_FRACTION.value * rng if np.isfinite(rng) else 0.0
        return max(floor, relative)

    strikes, doubled_strikes = event_peaks(
        heel, min_gap_frames=min_gap, prominence=prominence(heel)
    )
    offs, doubled_offs = event_peaks(-toe, min_gap_frames=min_gap, prominence=prominence(toe))
    return SideEvents(strikes, offs, tuple(doubled_strikes), tuple(doubled_offs))
