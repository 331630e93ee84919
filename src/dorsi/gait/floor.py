"""The floor line in the picture, fitted to where the feet rest in stance.

With the camera side-on the walking path on the floor appears as a line in the picture (tilted
if the phone is). It is fitted, per foot, to that foot's toe point during stance, when the toe
is on the ground, so a toe height above it is the toe's rise above its own resting height:
no calibration object and no assumption about where on the shoe the landmark sits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dorsi.gait.keypoints import FloatArray


@dataclass(frozen=True)
class FloorLine:
    """``y = slope * x + intercept`` in image pixels (y down)."""

    slope: float
    intercept: float

    def height_px(self, xy: FloatArray) -> FloatArray:
        """Perpendicular height of ``(..., 2)`` points above the line (positive = above)."""
        x, y = xy[..., 0], xy[..., 1]
        return np.asarray(
            (self.slope * x + self.intercept - y) / np.hypot(1.0, self.slope), np.float64
        )

    def pitch_deg(self, heel: FloatArray, toe: FloatArray, direction: FloatArray) -> FloatArray:
        """Foot pitch relative to the floor, toe up positive, for a walker moving ``direction``."""
        rise = self.height_px(toe) - self.height_px(heel)
        along = ((toe - heel)[..., 0] + self.slope * (toe - heel)[..., 1]) / np.hypot(
            1.0, self.slope
        )
        return np.asarray(np.degrees(np.arctan2(rise, along * direction)), np.float64)


def fit_floor_line(points: FloatArray, *, rounds: int = 3) -> FloorLine | None:
    """Robust least-squares line through ``(n, 2)`` stance points; None if it cannot be fitted.

    Points further than 3 scaled median absolute deviations from the line are dropped and
    the line refitted, ``rounds`` times. When most points (10th to 90th percentile) lie within
    a few pixels horizontally, they are one footprint: its few frames as the toe starts to move
    would set the slope alone (a slow walker's single stance tilted the line enough to put the
    next swing below it), so the line is taken as horizontal through their median.
    """
    pts = points[np.all(np.isfinite(points), axis=1)]
    if pts.shape[0] < 2:
        return None
    x10, x90 = np.percentile(pts[:, 0], [10.0, 90.0])
    if x90 - x10 < 5.0:
        return FloorLine(0.0, float(np.median(pts[:, 1])))
    keep = np.ones(pts.shape[0], dtype=bool)
    slope, intercept = 0.0, float(np.median(pts[:, 1]))
    for _ in range(rounds):
        if keep.sum() < 2:
            break
        slope, intercept = (float(v) for v in np.polyfit(pts[keep, 0], pts[keep, 1], 1))
        residual = pts[:, 1] - (slope * pts[:, 0] + intercept)
        mad = float(np.median(np.abs(residual[keep] - np.median(residual[keep])))) * 1.4826
        keep = np.abs(residual) <= max(3.0 * mad, 1.0)
    return FloorLine(slope, intercept)
