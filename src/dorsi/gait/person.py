"""Choosing the walking person when a single-person pose model may follow someone else.

MediaPipe's legacy pose finds one person and then tracks them. In a clinic or park video the
first person found may be a bystander. The pipeline therefore:

1. splits the tracked keypoints into *identities* wherever the pelvis jumps or the body size
   changes abruptly between frames (the tracker switched people) or the person is lost;
2. scores each identity by how far it travels across the picture, in body scales
   (hip-to-ankle lengths): a walker crosses the picture, a bystander does not;
3. where a non-walking identity was tracked, the frames are searched again with that person
   masked out (:func:`mask_box`), so a walker behind or beside them is found;
4. the walking identities of similar body size are joined in time order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from dorsi.gait.keypoints import INDEX, FloatArray

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Identity:
    """Frames ``start`` to ``stop`` (exclusive) of one tracked person in one pass."""

    pass_no: int
    start: int
    stop: int
    scale_px: float
    travel_scales: float
    first_xy: tuple[float, float] = (0.0, 0.0)  # pelvis at the start
    last_xy: tuple[float, float] = (0.0, 0.0)  # pelvis at the end

    @property
    def frames(self) -> int:
        return self.stop - self.start


def _pelvis(xy: FloatArray) -> FloatArray:
    return np.asarray((xy[..., INDEX["left_hip"], :] + xy[..., INDEX["right_hip"], :]) / 2)


def _scale(xy: FloatArray) -> FloatArray:
    """Per-frame body scale: mean hip-to-ankle length of the two legs."""
    left = np.linalg.norm(xy[..., INDEX["left_hip"], :] - xy[..., INDEX["left_ankle"], :], axis=-1)
    right = np.linalg.norm(
        xy[..., INDEX["right_hip"], :] - xy[..., INDEX["right_ankle"], :], axis=-1
    )
    return np.asarray((left + right) / 2, np.float64)


def split_identities(
    xy: FloatArray,
    present: NDArray[np.bool_],
    *,
    pass_no: int = 1,
    max_gap: int = 3,
    max_jump_scales: float = 0.6,
    max_size_change: float = 1.5,
) -> list[Identity]:
    """Cut the frames where a person was found into identities (see the module docstring)."""
    pelvis = _pelvis(xy)
    scale = _scale(xy)
    out: list[Identity] = []
    start = -1
    last = -1
    n = present.size

    def close(stop: int) -> None:
        if start < 0:
            return
        seg = slice(start, stop)
        ok = present[seg] & np.isfinite(scale[seg])
        if not ok.any():
            return
        s = float(np.median(scale[seg][ok]))
        x = pelvis[seg, 0][ok]
        travel = float(np.ptp(x)) / s if s > 0 else 0.0
        pts = pelvis[seg][ok]
        first = (float(pts[0, 0]), float(pts[0, 1]))
        last_pt = (float(pts[-1, 0]), float(pts[-1, 1]))
        out.append(Identity(pass_no, start, stop, s, travel, first, last_pt))

    for i in range(n):
        if not present[i]:
            continue
        if start >= 0:
            gap = i - last
            jump = float(np.linalg.norm(pelvis[i] - pelvis[last]))
            ref = max(float(scale[last]), 1e-6)
            ratio = float(scale[i]) / ref
            if (
                gap > max_gap
                or jump > max_jump_scales * ref * gap
                or not (1 / max_size_change) <= ratio <= max_size_change
            ):
                close(last + 1)
                start = i
        else:
            start = i
        last = i
    if start >= 0:
        close(last + 1)
    return out


def _continues(a: Identity, b: Identity, *, fps: float, speed_scales_per_s: float) -> bool:
    """Whether ``b`` (later) could be the same person as ``a`` picked up again."""
    gap_s = max(b.start - a.stop, 0) / fps
    reach = a.scale_px * (1.0 + speed_scales_per_s * gap_s)
    jump = float(np.hypot(b.first_xy[0] - a.last_xy[0], b.first_xy[1] - a.last_xy[1]))
    return gap_s <= 1.0 and jump <= reach


def choose_walker(
    identities: list[Identity], *, min_travel_scales: float, fps: float = 30.0
) -> list[Identity]:
    """The walking identities to use, in time order.

    The walker travelling furthest is chosen; other walking identities are joined only when
    they pick up, in time and place, where a chosen one left off (the same person lost for
    under a second), so a second walker is never mixed in.

    When nobody walks, the longest identity is returned alone (so the caller can explain why
    no stride was found).
    """
    walkers = [i for i in identities if i.travel_scales >= min_travel_scales]
    if not walkers:
        return [max(identities, key=lambda i: i.frames)] if identities else []
    best = max(walkers, key=lambda i: (i.travel_scales, i.frames))
    chosen = [best]
    grown = True
    while grown:
        grown = False
        for cand in sorted(walkers, key=lambda i: i.start):
            if cand in chosen or not 0.6 <= cand.scale_px / best.scale_px <= 1.6:
                continue
            if any(not (cand.stop <= c.start or cand.start >= c.stop) for c in chosen):
                continue
            before = max(
                (c for c in chosen if c.stop <= cand.start), key=lambda c: c.stop, default=None
            )
            after = min(
                (c for c in chosen if c.start >= cand.stop), key=lambda c: c.start, default=None
            )
            if (before and _continues(before, cand, fps=fps, speed_scales_per_s=3.0)) or (
                after and _continues(cand, after, fps=fps, speed_scales_per_s=3.0)
            ):
                chosen.append(cand)
                grown = True
    return sorted(chosen, key=lambda i: i.start)


def person_box(xy: FloatArray, width: int, height: int, *, margin: float = 0.25) -> Box | None:
    """A box around one frame's keypoints, grown by ``margin`` of its height (more above,
    for the head, which is not among the keypoints)."""
    pts = xy[np.all(np.isfinite(xy), axis=1)]
    if pts.shape[0] < 2:
        return None
    x0, y0 = pts.min(axis=0)
    x1, y1 = pts.max(axis=0)
    h = max(y1 - y0, 1.0)
    pad = margin * h
    box = (
        int(max(0, x0 - pad)),
        int(max(0, y0 - 2.5 * pad)),
        int(min(width, x1 + pad)),
        int(min(height, y1 + 0.5 * pad)),
    )
    return box if box[2] > box[0] and box[3] > box[1] else None


def mask_box(frame: NDArray[np.uint8], box: Box) -> NDArray[np.uint8]:
    """A copy of ``frame`` with ``box`` filled with the frame's mean colour (estimated on a
    sparse grid of pixels: a full mean costs more than the pose model)."""
    out = frame.copy()
    x0, y0, x1, y1 = box
    colour = frame[::16, ::16].reshape(-1, frame.shape[-1]).mean(axis=0)
    out[y0:y1, x0:x1] = colour.astype(np.uint8)
    return out
