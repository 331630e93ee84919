"""Synthetic seated dorsiflexion clips as landmark sequences with known angles.

A side-on phone (portrait, 720x1280) sees a seated lower leg: the knee above the ankle with
the shank tilted a few degrees, the foot pivoting on the heel. Each repetition lifts the foot
from a resting angle to a known peak along a raised cosine, holds, lowers and rests. The
BlazePose-like landmarks get Gaussian pixel jitter, and chosen repetitions are seen poorly
(low visibility) or have dropped frames, as a phone's pose model gives. Deterministic per seed.

Used by tests/gait/test_camera_rom.py (Python and the browser's JS on the same clips) and
benchmarks/camera.py (angle error and counting accuracy). What they do not show: how well
BlazePose itself places the heel and toe on a real foot; see docs/camera.md.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

WIDTH_PX = 720
HEIGHT_PX = 1280


@dataclass(frozen=True)
class Clip:
    name: str
    fps: float
    rest_deg: float
    peaks_deg: tuple[float, ...]
    noise_px: float = 2.0
    poor_reps: tuple[int, ...] = ()  # repetitions seen with visibility 0.45 (counted only)
    dropout_every: int = 0  # every n-th frame unseen (0: none)
    shank_tilt_deg: float = 6.0
    side: str = "left"
    seed: int = 1
    frames: list[tuple[float, list[dict[str, float]]]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "width": WIDTH_PX, "height": HEIGHT_PX, "frames": self.frames}


def _profile(clip: Clip) -> list[tuple[float, float, int | None]]:
    """(t_s, true angle, index of the repetition under way or None) per frame."""
    up_s, hold_s, down_s, rest_s = 1.2, 0.6, 1.2, 1.0
    out: list[tuple[float, float, int | None]] = []
    t = 0.0
    dt = 1.0 / clip.fps

    def span(seconds: float, angle: Any, rep: int | None) -> None:
        nonlocal t
        n = round(seconds * clip.fps)
        for k in range(n):
            out.append((t, angle(k / max(n - 1, 1)), rep))
            t += dt

    span(1.5, lambda _u: clip.rest_deg, None)
    for i, peak in enumerate(clip.peaks_deg):
        lift = peak - clip.rest_deg

        def up(u: float, lift: float = lift) -> float:
            return clip.rest_deg + lift * (1 - math.cos(math.pi * u)) / 2

        def down(u: float, lift: float = lift) -> float:
            return clip.rest_deg + lift * (1 + math.cos(math.pi * u)) / 2

        span(up_s, up, i)
        span(hold_s, lambda _u, peak=peak: peak, i)
        span(down_s, down, i)
        span(rest_s, lambda _u: clip.rest_deg, None)
    return out


def _points(clip: Clip, angle_deg: float, rng: random.Random, visibility: float) -> list[Any]:
    knee = (0.45 * WIDTH_PX, 0.40 * HEIGHT_PX)
    shank_px, foot_px = 0.30 * HEIGHT_PX, 0.16 * HEIGHT_PX
    tilt = math.radians(clip.shank_tilt_deg)
    ankle = (knee[0] - shank_px * math.sin(tilt), knee[1] + shank_px * math.cos(tilt))
    ux, uy = (knee[0] - ankle[0]) / shank_px, (knee[1] - ankle[1]) / shank_px  # ankle -> knee
    theta = math.radians(90.0 - angle_deg)
    # the foot: the shank direction turned by theta towards the toes (+x), y pointing down
    fx = math.cos(theta) * ux - math.sin(theta) * uy
    fy = math.sin(theta) * ux + math.cos(theta) * uy
    if fx < 0:  # turned the wrong way: turn the other way
        fx = math.cos(-theta) * ux - math.sin(-theta) * uy
        fy = math.sin(-theta) * ux + math.cos(-theta) * uy
    heel = (ankle[0] - 0.22 * foot_px * fx + 0.1 * foot_px * -fy, ankle[1] - 0.22 * foot_px * fy)
    toe = (heel[0] + foot_px * fx, heel[1] + foot_px * fy)
    near = {"knee": knee, "ankle": ankle, "heel": heel, "toe": toe}
    idx = {"left": (25, 27, 29, 31), "right": (26, 28, 30, 32)}
    far = idx["right" if clip.side == "left" else "left"]
    points: list[Any] = [{"x": 0.5, "y": 0.2, "visibility": 0.9} for _ in range(33)]
    for i, name in zip(idx[clip.side], ("knee", "ankle", "heel", "toe"), strict=True):
        px, py = near[name]
        points[i] = {
            "x": (px + rng.gauss(0, clip.noise_px)) / WIDTH_PX,
            "y": (py + rng.gauss(0, clip.noise_px)) / HEIGHT_PX,
            "visibility": visibility,
        }
    for i in far:  # the far leg, hidden behind the near one
        points[i] = {"x": 0.46, "y": 0.6, "visibility": 0.2}
    return points


def build(clip: Clip) -> Clip:
    """The clip with its frames filled in."""
    rng = random.Random(clip.seed)  # noqa: S311 - reproducible jitter, not a secret
    for n, (t, angle, rep) in enumerate(_profile(clip)):
        visibility = 0.45 if rep is not None and rep in clip.poor_reps else 0.92
        if clip.dropout_every and n % clip.dropout_every == 0:
            visibility = 0.05
        clip.frames.append((round(t, 4), _points(clip, angle, rng, visibility)))
    return clip


#: the clips, from easy to hard; peaks within the active range of a recovering foot drop
CLIPS: tuple[Clip, ...] = (
    Clip("clean-30fps", 30, rest_deg=-5, peaks_deg=(10, 12, 8, 14, 11), noise_px=1.0, seed=1),
    Clip("drop-foot-rest", 30, rest_deg=-25, peaks_deg=(-5, -2, -8, 0), noise_px=2.0, seed=2),
    Clip("noisy-15fps", 15, rest_deg=0, peaks_deg=(15, 18, 12, 16, 14, 17), noise_px=3.0, seed=3),
    Clip("right-side", 30, rest_deg=-8, peaks_deg=(9, 11, 10), side="right", seed=4),
    Clip("one-poorly-seen", 30, rest_deg=-5, peaks_deg=(10, 12, 11, 13), poor_reps=(1,), seed=5),
    Clip("dropped-frames", 20, rest_deg=-3, peaks_deg=(12, 9, 15), dropout_every=4, seed=6),
    Clip("small-lifts", 30, rest_deg=-2, peaks_deg=(9, 10, 8), noise_px=1.5, seed=7),
)


def clips() -> list[Clip]:
    return [build(Clip(**{k: v for k, v in c.__dict__.items() if k != "frames"})) for c in CLIPS]
