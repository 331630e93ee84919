"""The body points the gait maths uses, and a time series of them.

Every pose backend maps its own landmarks onto :data:`KEYPOINTS` (image pixels, x to the
right, y down) with a visibility in 0-1. Only these twelve points are needed: shoulders and
hips for the trunk and walking direction, and knee, ankle, heel and toe (MediaPipe's "foot
index", the tip of the longest toe) of each leg.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

Side = Literal["left", "right"]
SIDES: tuple[Side, Side] = ("left", "right")

KEYPOINTS: tuple[str, ...] = (
    "left_shoulder",
    "right_shoulder",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_toe",
    "right_toe",
)
INDEX: dict[str, int] = {name: i for i, name in enumerate(KEYPOINTS)}
LEG_PARTS: tuple[str, ...] = ("knee", "ankle", "heel", "toe")

FloatArray = NDArray[np.float64]


def idx(side: Side, part: str) -> int:
    """Index of ``side``'s ``part`` (e.g. ``idx("left", "heel")``)."""
    return INDEX[f"{side}_{part}"]


def leg_indices(side: Side) -> list[int]:
    return [idx(side, part) for part in LEG_PARTS]


@dataclass
class PoseTrack:
    """Keypoints of one person over time.

    Attributes
    ----------
    xy:
        ``(frames, len(KEYPOINTS), 2)`` pixel coordinates; NaN where the point is missing.
    visibility:
        ``(frames, len(KEYPOINTS))`` in 0-1; 0 where missing.
    fps:
        frames per second of the (uniform) time grid; frame ``i`` is at ``i / fps`` seconds.
    """

    xy: FloatArray
    visibility: FloatArray
    fps: float

    def __post_init__(self) -> None:
        if self.xy.ndim != 3 or self.xy.shape[1:] != (len(KEYPOINTS), 2):
            raise ValueError(f"xy must have shape (frames, {len(KEYPOINTS)}, 2)")
        if self.visibility.shape != self.xy.shape[:2]:
            raise ValueError("visibility must have shape (frames, keypoints)")
        if not self.fps > 0:
            raise ValueError("fps must be positive")

    @property
    def frames(self) -> int:
        return int(self.xy.shape[0])

    @property
    def times_s(self) -> FloatArray:
        return np.arange(self.frames, dtype=np.float64) / self.fps

    def point(self, name: str) -> FloatArray:
        """``(frames, 2)`` series of one keypoint."""
        return self.xy[:, INDEX[name], :]

    def copy(self) -> PoseTrack:
        return PoseTrack(self.xy.copy(), self.visibility.copy(), self.fps)

    @classmethod
    def empty(cls, frames: int, fps: float) -> PoseTrack:
        xy = np.full((frames, len(KEYPOINTS), 2), np.nan)
        return cls(xy, np.zeros((frames, len(KEYPOINTS))), fps)
