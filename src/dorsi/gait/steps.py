"""The walk's step rhythm, and leg labels made consistent with it.

Single-camera pose models see the far leg partly hidden and, where the legs cross in
mid-swing, often give it the near leg's label, sometimes for a whole step (or put both labels
on one leg). Events found on such a track are doubled or missed on the far side. Walking
itself gives the cure: the two feet take turns, so heel strikes alternate left, right, left.

This module works on both legs together, without trusting their labels:

1. **Step period.** The *front-foot signal* is, frame by frame, the position of the heel that
   is further ahead, relative to the pelvis along the walking direction (label-free). It peaks
   at every heel strike of either foot, so its period is the step time. The walk's dominant
   step period is the strongest peak of its autocorrelation between
   :data:`~dorsi.gait.thresholds.STEP_MIN_S` and :data:`~dorsi.gait.thresholds.STEP_MAX_S`.
   A limp's steps are uneven (a long one, then a short one), so the signal may repeat only
   once a stride: without a step rhythm, a rhythm between one and two longest steps is taken
   as the stride, and the mean step is half of it.
2. **Heel strikes of either foot** are the peaks of the front-foot signal, at least
   :data:`~dorsi.gait.thresholds.MIN_STEP_GAP_STEPS` step periods apart and rising by at least
   :data:`~dorsi.gait.thresholds.EVENT_PROMINENCE_FRACTION` of the signal's range.
3. **Sides by alternation.** In each unbroken chain of steps (one way: a turn ends a chain),
   the strikes alternate sides;
   which parity is left is decided by the labels themselves, each strike voting with how
   clearly its labelled heel is ahead (the near leg, labelled right most of the time, carries
   the vote). A chain whose vote is unclear is left as the model labelled it.
4. **Labels fixed per step.** Around each strike (from the legs' crossing before it to the one
   after), the labelled heel that should be ahead is checked: if the other label is clearly
   ahead, the leg labels are exchanged for that step; if neither is (both labels on one leg),
   the leg that should be behind was not seen there and is marked missing.

Everything here is geometry on a cleaned track; the caller re-cleans the relabelled raw track
so the low-pass filter never runs across a label change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from dorsi.gait.events import event_peaks, pelvis_xy, signal_range, stretches
from dorsi.gait.keypoints import FloatArray, PoseTrack, Side, idx, leg_indices
from dorsi.gait.thresholds import (
    EVENT_PROMINENCE_FRACTION,
    LABEL_MARGIN_FRACTION,
    MIN_STEP_GAP_STEPS,
    PARITY_VOTE_MARGIN,
    STEP_CHAIN_GAP_STEPS,
    STEP_MAX_S,
    STEP_MIN_S,
)

#: minimum normalised autocorrelation for a rhythm to count as walking
MIN_RHYTHM_CORRELATION = 0.3


@dataclass(frozen=True)
class StepRhythm:
    """What the label-free step analysis found.

    Attributes
    ----------
    step_period_s:
        the walk's dominant step time (None when no rhythm was found).
    strikes:
        frame positions of the heel strikes of either foot (peaks of the front-foot signal).
    sides:
        the side of each strike by alternation (None where no chain decided it).
    swapped:
        ``(frames,)`` True where the leg labels were exchanged.
    unseen:
        ``{side: (frames,)}`` True where that leg was not seen (both labels were on the other).
    """

    step_period_s: float | None
    strikes: FloatArray
    sides: tuple[Side | None, ...]
    swapped: NDArray[np.bool_]
    unseen: dict[Side, NDArray[np.bool_]]

    @property
    def stride_period_s(self) -> float | None:
        return None if self.step_period_s is None else 2.0 * self.step_period_s


def heel_signals(track: PoseTrack, direction: NDArray[np.int_]) -> dict[Side, FloatArray]:
    """Each heel's position ahead of the pelvis along the walking direction (pixels; NaN where
    the direction is unclear or the point is missing)."""
    pelvis_x = pelvis_xy(track)[:, 0]
    d = np.where(direction != 0, direction, np.nan).astype(np.float64)
    return {
        side: np.asarray((track.xy[:, idx(side, "heel"), 0] - pelvis_x) * d, np.float64)
        for side in ("left", "right")
    }


def front_signal(heels: dict[Side, FloatArray]) -> FloatArray:
    """Position of the heel further ahead, whichever its label (NaN unless both are seen)."""
    both = np.isfinite(heels["left"]) & np.isfinite(heels["right"])
    return np.where(both, np.fmax(heels["left"], heels["right"]), np.nan)


def dominant_period_s(
    signal: FloatArray, fps: float, *, min_s: float, max_s: float
) -> float | None:
    """The period of ``signal``'s strongest rhythm between ``min_s`` and ``max_s`` seconds.

    Autocorrelations of the finite stretches (mean removed, unbiased, normalised) are pooled,
    weighted by the number of sample pairs at each lag. The smallest lag whose local maximum
    reaches 80 % of the best one wins (so a multiple of the period is not taken for it); a
    sub-frame lag comes from a parabola. None when no peak reaches
    :data:`MIN_RHYTHM_CORRELATION`.
    """
    lo, hi = max(1, int(np.floor(min_s * fps))), int(np.ceil(max_s * fps))
    total = np.zeros(hi + 2)
    pairs = np.zeros(hi + 2)
    for start, stop in stretches(np.isfinite(signal)):
        piece = signal[start:stop] - np.mean(signal[start:stop])
        var = float(np.mean(piece * piece))
        if piece.size < 2 * lo + 2 or var <= 0:
            continue
        for lag in range(0, min(hi + 2, piece.size - 1)):
            prod = piece[: piece.size - lag] * piece[lag:]
            total[lag] += float(prod.sum()) / var
            pairs[lag] += prod.size
    with np.errstate(invalid="ignore", divide="ignore"):
        acf = np.where(pairs > 0, total / np.maximum(pairs, 1), np.nan)
    peaks = [
        lag
        for lag in range(max(lo, 1), min(hi, acf.size - 2) + 1)
        if np.isfinite(acf[lag - 1 : lag + 2]).all()
        and acf[lag] >= acf[lag - 1]
        and acf[lag] >= acf[lag + 1]
        and acf[lag] >= MIN_RHYTHM_CORRELATION
    ]
    if not peaks:
        return None
    best = max(acf[p] for p in peaks)
    lag = next(p for p in peaks if acf[p] >= 0.8 * best)
    y0, y1, y2 = acf[lag - 1], acf[lag], acf[lag + 1]
    denom = y0 - 2 * y1 + y2
    shift = float(np.clip(0.5 * (y0 - y2) / denom, -0.5, 0.5)) if denom != 0 else 0.0
    return (lag + shift) / fps


def _chains(
    strikes: FloatArray, step_frames: float, direction: NDArray[np.int_]
) -> list[list[int]]:
    """Indices of strikes grouped into unbroken chains (no step missing in between, no turn:
    after a turn the other leg is nearest the camera and the model's label errors change, so
    each way votes on its own labels)."""
    chains: list[list[int]] = []
    way = direction[np.clip(np.round(strikes).astype(np.int_), 0, direction.size - 1)]
    for i, s in enumerate(strikes):
        if (
            chains
            and s - strikes[chains[-1][-1]] <= STEP_CHAIN_GAP_STEPS.value * step_frames
            and way[i] == way[chains[-1][-1]]
        ):
            chains[-1].append(i)
        else:
            chains.append([i])
    return chains


def _crossing(lo: float, hi: float, gap: FloatArray) -> int:
    """Frame between two strikes where the heels pass each other (smallest gap)."""
    a = int(np.ceil(lo + 0.3 * (hi - lo)))
    b = int(np.floor(lo + 0.85 * (hi - lo)))
    window = gap[a : b + 1]
    if b < a or not np.isfinite(window).any():
        return round((lo + hi) / 2)
    return a + int(np.nanargmin(window))


def find_rhythm(track: PoseTrack, direction: NDArray[np.int_]) -> StepRhythm:
    """Step period, strikes of either foot, their sides, and where the labels need fixing."""
    n = track.frames
    swapped = np.zeros(n, dtype=bool)
    unseen: dict[Side, NDArray[np.bool_]] = {
        "left": np.zeros(n, dtype=bool),
        "right": np.zeros(n, dtype=bool),
    }
    heels = heel_signals(track, direction)
    front = front_signal(heels)
    period = dominant_period_s(front, track.fps, min_s=STEP_MIN_S.value, max_s=STEP_MAX_S.value)
    if period is None:
        # uneven steps (a limp: a long step, then a short one) repeat only once a stride; a
        # rhythm longer than the longest step is a stride, and the mean step is half of it
        stride = dominant_period_s(
            front, track.fps, min_s=STEP_MAX_S.value, max_s=2.0 * STEP_MAX_S.value
        )
        period = None if stride is None else stride / 2.0
    if period is None:
        return StepRhythm(None, np.zeros(0), (), swapped, unseen)
    step = period * track.fps
    strikes, _ = event_peaks(
        front,
        min_gap_frames=MIN_STEP_GAP_STEPS.value * step,
        prominence=EVENT_PROMINENCE_FRACTION.value * signal_range(front),
    )
    diff = heels["left"] - heels["right"]  # > 0: the left heel is ahead
    gap = np.abs(diff)
    sides: list[Side | None] = [None] * strikes.size
    for chain in _chains(strikes, step, direction):
        at = [round(strikes[i]) for i in chain]
        spread = float(np.median(gap[at]))
        if not spread > 0:
            continue
        votes = np.clip(diff[at] / spread, -1.0, 1.0)  # +1: left clearly ahead
        parity = np.where(np.arange(len(chain)) % 2 == 0, 1.0, -1.0)
        score = float(np.sum(votes * parity)) / len(chain)
        if abs(score) < PARITY_VOTE_MARGIN.value:
            continue  # the labels do not say which foot is which: leave them
        first: Side = "left" if score > 0 else "right"
        for j, i in enumerate(chain):
            expect_left = (j % 2 == 0) == (first == "left")
            side: Side = "left" if expect_left else "right"
            sides[i] = side
            prev_s = strikes[chain[j - 1]] if j > 0 else strikes[i] - step
            next_s = strikes[chain[j + 1]] if j + 1 < len(chain) else strikes[i] + step
            a = max(0, _crossing(prev_s, strikes[i], gap)) if j > 0 else max(0, round(prev_s))
            b = min(n, _crossing(strikes[i], next_s, gap) if j + 1 < len(chain) else round(next_s))
            agree = votes[j] * (1.0 if expect_left else -1.0)
            if agree <= -LABEL_MARGIN_FRACTION.value:
                swapped[a:b] = True
            elif agree < LABEL_MARGIN_FRACTION.value:
                other: Side = "right" if expect_left else "left"
                unseen[other][a:b] = True
    return StepRhythm(period, strikes, tuple(sides), swapped, unseen)


def _leg_rows(rows: NDArray[np.int_], side: Side) -> tuple[NDArray[np.int_], ...]:
    return np.ix_(rows, np.asarray(leg_indices(side), dtype=np.int_))


def relabel(raw: PoseTrack, rhythm: StepRhythm) -> PoseTrack:
    """``raw`` with the leg labels exchanged where ``rhythm.swapped`` and the unseen legs
    marked missing (NaN, visibility 0)."""
    out = raw.copy()
    rows = np.flatnonzero(rhythm.swapped)
    left, right = _leg_rows(rows, "left"), _leg_rows(rows, "right")
    out.xy[left], out.xy[right] = raw.xy[right], raw.xy[left]
    out.visibility[left], out.visibility[right] = raw.visibility[right], raw.visibility[left]
    for side, mask in rhythm.unseen.items():
        legs = _leg_rows(np.flatnonzero(mask), side)
        out.xy[legs] = np.nan
        out.visibility[legs] = 0.0
    return out


__all__ = [
    "StepRhythm",
    "dominant_period_s",
    "find_rhythm",
    "front_signal",
    "heel_signals",
    "relabel",
]
