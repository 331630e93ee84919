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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.signal import find_peaks

from dorsi.gait.keypoints import INDEX, FloatArray, PoseTrack, Side, idx


@dataclass(frozen=True)
class SideEvents:
    """Event frame positions (fractional frames, refined by a parabola) of one foot."""

    heel_strikes: FloatArray
    toe_offs: FloatArray


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


def _refine(signal: FloatArray, peaks: NDArray[np.int_]) -> FloatArray:
    """Sub-frame peak positions from a parabola through each peak and its neighbours."""
    out = peaks.astype(np.float64)
    for j, p in enumerate(peaks):
        if 0 < p < signal.size - 1:
            y0, y1, y2 = signal[p - 1], signal[p], signal[p + 1]
            denom = y0 - 2 * y1 + y2
            if np.isfinite(denom) and denom != 0:
                out[j] = p + float(np.clip(0.5 * (y0 - y2) / denom, -0.5, 0.5))
    return out


def _extrema(signal: FloatArray, *, distance: int, prominence: float) -> FloatArray:
    """Maxima of ``signal`` in each finite stretch (NaN splits it)."""
    finite = np.isfinite(signal)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], finite.astype(int), [0]])))
    found: list[FloatArray] = []
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        piece = signal[start:stop]
        if piece.size < 3:
            continue
        peaks, _ = find_peaks(piece, distance=distance, prominence=prominence)
        # an extreme on the stretch's edge is not a turning point we can trust
        peaks = peaks[(peaks > 0) & (peaks < piece.size - 1)]
        found.append(_refine(piece, peaks) + start)
    return np.concatenate(found) if found else np.zeros(0)


def zeni_events(
    track: PoseTrack,
    side: Side,
    direction: NDArray[np.int_],
    *,
    scale_px: float,
    min_event_interval_s: float = 0.5,
    min_prominence_scales: float = 0.25,
) -> SideEvents:
    """Heel strikes and toe offs of one foot (Zeni et al. 2008).

    ``track`` should already be cleaned and filtered. ``min_prominence_scales`` (in body
    scales) keeps noise wiggles from counting as events.
    """
    pelvis_x = pelvis_xy(track)[:, 0]
    d = np.where(direction != 0, direction, np.nan).astype(np.float64)
    heel = (track.xy[:, idx(side, "heel"), 0] - pelvis_x) * d
    toe = (track.xy[:, idx(side, "toe"), 0] - pelvis_x) * d
    distance = max(1, round(min_event_interval_s * track.fps))
    prominence = min_prominence_scales * scale_px
    return SideEvents(
        heel_strikes=_extrema(heel, distance=distance, prominence=prominence),
        toe_offs=_extrema(-toe, distance=distance, prominence=prominence),
    )
