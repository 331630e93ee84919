"""Bursts of mis-tracked frames in an angle series, found and replaced from the frames around.

A phone pose model loses a foot point for a few frames at a time (at a heel strike, where the
legs cross, at push-off): the point slips by a tenth of a metre and the ankle angle with it, by
10-30 deg. A linear low-pass filter cannot tell such a burst from motion; it spreads it over its
neighbours instead. Robust locally weighted regression (LOWESS, Cleveland WS, *J Am Stat
Assoc* 1979;74(368):829-36) can: each frame's value is a weighted least-squares quadratic
through the frames around it (tricube weights in time), refitted with every frame
down-weighted by how far it lies from the fit (bisquare weights, zero beyond six median
absolute residuals), so a burst up to about a quarter of the window does not pull the curve
(a longer one still does: the frames at the middle of a window weigh the most).

The fit itself is *not* the angle Dorsi reports: over a window of a swing phase it also
flattens a real, sharp swing peak (by 3 deg on average, up to 4.4, on the demo video's
strides). Only the frames further from the fit than three robust standard deviations of the
residuals (1.4826 x their median absolute value; Hampel's identifier, the usual,
conservative cut-off) are taken as mis-tracked and replaced by the fit; every other frame
keeps its measured value. Shape alone cannot tell a burst from a real, short feature: a
sharp push-off dip at toe off is replaced too (docs/gait.md, Known limits); Dorsi reports no
push-off number, but the plotted curve shows it shallower.

The window is tied to the walk's own rhythm (:data:`dorsi.gait.thresholds.ANGLE_SPAN_STRIDES`)
rather than fixed, so a slow walker's longer swing gets a longer one. Pure numpy.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

from dorsi.gait.keypoints import FloatArray

#: Cleveland's choices: a quadratic through each window, robustness weights from residuals
#: beyond six median absolute residuals set to zero, a few robustness iterations
DEGREE = 2
ROBUST_SCALE = 6.0
ITERATIONS = 3
#: a frame is a burst beyond this many robust standard deviations of the residuals
OUTLIER_SDS = 3.0
#: median absolute deviation -> standard deviation, for normally distributed residuals
MAD_TO_SD = 1.4826


def robust_loess(values: FloatArray, *, span_frames: int) -> FloatArray:
    """Robust local quadratic regression of a 1-D series over windows of ``span_frames``.

    NaN frames carry no weight and stay NaN. A finite frame whose window holds too few
    frames to fit a quadratic keeps its first (not yet robust) fit, or failing that its own
    value: smoothing never makes a measured frame missing. A span under five frames returns
    the series unchanged.
    """
    y = np.asarray(values, np.float64)
    n = y.size
    if span_frames < 2 * DEGREE + 1 or n == 0:
        return y.copy()
    half = span_frames // 2
    ok = np.isfinite(y)
    offsets = np.arange(-half, half + 1, dtype=np.float64)
    kernel = (1.0 - (np.abs(offsets) / (half + 1)) ** 3) ** 3
    padded_y = np.concatenate([np.zeros(half), np.where(ok, y, 0.0), np.zeros(half)])
    padded_ok = np.concatenate([np.zeros(half), ok.astype(np.float64), np.zeros(half)])
    windows_y = sliding_window_view(padded_y, 2 * half + 1)  # (n, 2h+1)
    design = np.vander(offsets, DEGREE + 1, increasing=True)  # (2h+1, 3): 1, t, t^2
    outer = (design[:, :, None] * design[:, None, :]).reshape(design.shape[0], -1)  # (2h+1, 9)
    robustness = np.ones(n + 2 * half)
    fit = np.full(n, np.nan)
    first = fit
    for iteration in range(ITERATIONS + 1):
        weights = sliding_window_view(padded_ok * robustness, 2 * half + 1) * kernel
        normal = (weights @ outer).reshape(n, DEGREE + 1, DEGREE + 1)
        rhs = (weights * windows_y) @ design
        solvable = (np.count_nonzero(weights, axis=1) > DEGREE) & (
            np.abs(np.linalg.det(normal)) > 1e-9
        )
        fit = np.full(n, np.nan)
        if solvable.any():
            coef = np.linalg.solve(normal[solvable], rhs[solvable][:, :, None])[:, :, 0]
            fit[solvable] = coef[:, 0]
        if iteration == 0:
            first = fit
        if iteration == ITERATIONS:
            break
        residual = np.abs(y - fit)
        usable = ok & np.isfinite(residual)
        if not usable.any():
            break
        scale = float(np.median(residual[usable]))
        if not scale > 0:
            break
        u = np.where(usable, residual / (ROBUST_SCALE * scale), 1.0)
        bisquare = np.where(u < 1.0, (1.0 - u**2) ** 2, 0.0)
        robustness = np.concatenate([np.ones(half), bisquare, np.ones(half)])
    fit = np.where(np.isfinite(fit), fit, np.where(np.isfinite(first), first, y))
    fit[~ok] = np.nan
    return fit


def replace_bursts(values: FloatArray, *, span_frames: int) -> tuple[FloatArray, NDArray[np.bool_]]:
    """``values`` with the frames far from their :func:`robust_loess` fit replaced by it.

    A frame is replaced when its residual is more than :data:`OUTLIER_SDS` robust standard
    deviations (:data:`MAD_TO_SD` x the median absolute residual) from the fit. Returns the
    series and a mask of the replaced frames; NaN frames stay NaN.
    """
    y = np.asarray(values, np.float64)
    fit = robust_loess(y, span_frames=span_frames)
    residual = np.abs(y - fit)
    usable = np.isfinite(residual)
    out = y.copy()
    replaced = np.zeros(y.size, dtype=bool)
    if not usable.any():
        return out, replaced
    sd = MAD_TO_SD * float(np.median(residual[usable]))
    if not sd > 0:
        return out, replaced
    replaced[usable] = residual[usable] > OUTLIER_SDS * sd
    out[replaced] = fit[replaced]
    return out, replaced


__all__ = ["MAD_TO_SD", "OUTLIER_SDS", "replace_bursts", "robust_loess"]
