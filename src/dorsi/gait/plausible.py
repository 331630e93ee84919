"""Impossible values are mis-tracking, never measurements.

A toe below the floor or an ankle bent beyond what a joint can do is the pose model losing the
foot for a moment. Such frames are flagged; a short run of them with good frames on both sides
is repaired by straight-line interpolation between those neighbours (which cannot itself be
impossible: both ends are possible values); anything longer or at the edge of the window
cannot be repaired, and the stride is left out with the reason (see
:func:`dorsi.gait.analysis.analyze_track`). The limits are in :mod:`dorsi.gait.thresholds`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from dorsi.gait.events import stretches
from dorsi.gait.keypoints import FloatArray


@dataclass(frozen=True)
class Repaired:
    """A series with its impossible frames repaired where the neighbours allowed.

    ``values`` is NaN where a flagged frame could not be repaired.
    """

    values: FloatArray
    flagged: NDArray[np.bool_]
    repaired: NDArray[np.bool_]

    @property
    def unrepaired(self) -> NDArray[np.bool_]:
        return np.asarray(self.flagged & ~self.repaired)


def repair(values: FloatArray, bad: NDArray[np.bool_], *, max_run: int) -> Repaired:
    """Interpolate each run of ``bad`` frames no longer than ``max_run`` that has a good,
    finite frame on both sides; the other bad frames become NaN."""
    out = np.asarray(values, np.float64).copy()
    bad = np.asarray(bad, dtype=bool) & np.isfinite(out)
    good = np.isfinite(out) & ~bad
    fixed = np.zeros(out.size, dtype=bool)
    for start, stop in stretches(bad):
        inside = start > 0 and stop < out.size and good[start - 1] and good[stop]
        if inside and stop - start <= max_run:
            a, b = out[start - 1], out[stop]
            w = (np.arange(start, stop) - (start - 1)) / (stop - (start - 1))
            out[start:stop] = a + (b - a) * w
            fixed[start:stop] = True
        else:
            out[start:stop] = np.nan
    return Repaired(out, bad, fixed)


def repair_out_of_range(
    values: FloatArray, lo: float, hi: float, *, max_run: int, below_ok: float = 0.0
) -> Repaired:
    """:func:`repair` of the frames outside ``[lo - below_ok, hi]``; values in
    ``[lo - below_ok, lo)`` (within the measurement noise under the limit) are set to ``lo``
    and flagged as repaired."""
    v = np.asarray(values, np.float64)
    with np.errstate(invalid="ignore"):
        bad = (v < lo - below_ok) | (v > hi)
        near = (v < lo) & ~bad
    v = v.copy()
    v[near] = lo  # before the repair, so no interpolation starts from under the limit
    result = repair(v, bad, max_run=max_run)
    return Repaired(result.values, result.flagged | near, result.repaired | near)


def frames_at(mask: NDArray[np.bool_], fps: float) -> str:
    """Where ``mask`` is True, as times in seconds ('1.20-1.27 s, 3.40 s')."""
    parts = []
    for a, b in stretches(mask):
        parts.append(f"{a / fps:.2f} s" if b - a == 1 else f"{a / fps:.2f}-{(b - 1) / fps:.2f} s")
    return ", ".join(parts)


__all__ = ["Repaired", "frames_at", "repair", "repair_out_of_range"]
